import type { PageContext } from './layout.tsx';
import type { Language } from '../../i18n/index.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { countryCodes } from '../../actions/people/normalize.ts';
import { describedBy, errorText, FieldFrame } from './form-parts.tsx';

const countryOptionsCache = new Map<Language, { code: string; name: string }[]>();

/** Countries by their name in the page's language, the United States first. */
function countryOptions(lang: Language) {
  let options = countryOptionsCache.get(lang);
  if (!options) {
    const names = new Intl.DisplayNames([lang], { type: 'region' });
    const collator = new Intl.Collator(lang);
    options = countryCodes()
      .map((code) => ({ code, name: names.of(code) ?? code }))
      .sort((a, b) => (a.code === 'US' ? -1 : b.code === 'US' ? 1 : collator.compare(a.name, b.name)));
    countryOptionsCache.set(lang, options);
  }
  return options;
}

/** The country of an action form, named in the reader's language; the United States unless the supporter chose another. */
export function CountryField(props: { page: PageContext; value?: string; errors: FieldErrors }): JSX.Element {
  const { page } = props;
  const error = errorText(page, props.errors, 'country');
  return (
    <FieldFrame name="country" label={page.t('form.country')} error={error}>
      <select id="country" name="country" autocomplete="country" aria-describedby={describedBy('country', undefined, error)}>
        {countryOptions(page.lang).map((c) => (
          <option value={c.code} selected={c.code === (props.value || 'US')} safe>
            {c.name}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}
