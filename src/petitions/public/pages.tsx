import { Layout, NoticePage, type PageContext } from '../../kits/pages/layout.tsx';
import '../messages.ts';
import { formatNumber, type Language, type MessageKey } from '../../i18n/index.ts';
import { countryCodes } from '../../actions/people/normalize.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { currentGoal } from '../goal.ts';
import { petitionTextHtml } from '../../kits/pages/markdown.ts';

export interface PublicPetition {
  slug: string;
  title: string;
  description: string;
  petition_text: string;
  targets: { name: string }[];
  goal: number | null;
  status: 'open' | 'closed';
  confirmation_required: number;
  signature_count: number;
  organization_name: string;
  /** Partner organizations that accepted: each gets an unticked share box. */
  partners: { id: string; name: string }[];
}

export interface SignFormValues {
  given_name?: string;
  family_name?: string;
  email?: string;
  postal_code?: string;
  country?: string;
  comments?: string;
  opt_in?: boolean;
  /** Ids of the partners whose share box is ticked. */
  share?: string[];
  source?: string;
}

const FIELD_LABELS = {
  given_name: 'form.given_name',
  family_name: 'form.family_name',
  email: 'form.email',
  postal_code: 'form.postal_code',
  country: 'form.country',
  comments: 'form.comments',
} as const;
type FieldName = keyof typeof FIELD_LABELS;

// `autofocus` is a global HTML attribute, but the JSX types only know it on form controls. It
// brings the error summary into view on a phone, with or without JavaScript.
const AUTOFOCUS = { autofocus: true } as Record<string, unknown>;

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

/** An error's text; a `field` value names the field's noun key (`field.*`), translated into the sentence. */
function errorText(page: PageContext, errors: FieldErrors, field: FieldName): string | undefined {
  const e = errors[field];
  if (!e) return undefined;
  const values = { ...e.values };
  if (typeof values.field === 'string') values.field = page.t(values.field as MessageKey);
  const text = page.t(e.key, values);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function Field(props: {
  page: PageContext;
  name: FieldName;
  type: 'text' | 'email';
  value: string | undefined;
  error: string | undefined;
  autocomplete: string;
  hint?: string;
  maxlength: number;
}): JSX.Element {
  const { page, name } = props;
  const describedBy = [props.hint ? `${name}-hint` : '', props.error ? `${name}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={name} safe>
        {page.t(FIELD_LABELS[name])}
      </label>
      {props.hint ? (
        <span class="hint" id={`${name}-hint`} safe>
          {props.hint}
        </span>
      ) : (
        ''
      )}
      {props.error ? (
        <span class="error-message" id={`${name}-error`} safe>
          {props.error}
        </span>
      ) : (
        ''
      )}
      <input
        type={props.type}
        id={name}
        name={name}
        value={props.value ?? ''}
        autocomplete={props.autocomplete}
        required
        maxlength={String(props.maxlength)}
        aria-describedby={describedBy || undefined}
        aria-invalid={props.error ? 'true' : undefined}
        spellcheck={props.type === 'email' ? 'false' : undefined}
      />
    </div>
  );
}

export function PetitionPage(props: {
  page: PageContext;
  petition: PublicPetition;
  values: SignFormValues;
  errors: FieldErrors;
}): JSX.Element {
  const { page, petition, values, errors } = props;
  const { t, lang } = page;
  const count = petition.signature_count;
  const goal = currentGoal(count, petition.goal);
  const fields = Object.keys(FIELD_LABELS) as FieldName[];
  const wrong = fields.filter((f) => errors[f]);
  const action = values.source ? `/petitions/${petition.slug}?source=${encodeURIComponent(values.source)}` : `/petitions/${petition.slug}`;
  const title = wrong.length > 0 ? `${t('error.summary')}: ${petition.title}` : petition.title;
  return (
    <Layout page={page} title={title}>
      <h1 safe>{petition.title}</h1>
      {petition.targets.length > 0 ? (
        <p class="targets">
          <span safe>{t('petition.to')}</span> <span safe>{petition.targets.map((x) => x.name).join(', ')}</span>
        </p>
      ) : (
        ''
      )}
      {petition.status === 'open' ? (
        <p>
          <a href="#sign-heading" safe>
            {t('petition.sign_heading')}
          </a>
        </p>
      ) : (
        ''
      )}
      {petition.description ? (
        <p class="lede" safe>
          {petition.description}
        </p>
      ) : (
        ''
      )}
      <blockquote class="petition-text">{petitionTextHtml(petition.petition_text) as 'safe'}</blockquote>
      <p class="count" id="count" safe>
        {t('petition.signatures', { count })}
      </p>
      <progress max={String(goal)} value={String(count)} aria-labelledby="count progress-label"></progress>
      <p id="progress-label" safe>
        {t('petition.goal', { goal: formatNumber(lang, goal) })}
      </p>
      {petition.status === 'closed' ? (
        <p class="notice" safe>
          {t('petition.closed')}
        </p>
      ) : (
        <section aria-labelledby="sign-heading">
          <h2 id="sign-heading" safe>
            {t('petition.sign_heading')}
          </h2>
          {wrong.length > 0 ? (
            <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" {...AUTOFOCUS}>
              <h2 id="error-summary-title" safe>
                {t('error.summary')}
              </h2>
              <ul>
                {wrong.map((f) => (
                  <li>
                    <a href={`#${f}`} safe>
                      {errorText(page, errors, f)}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            ''
          )}
          <form method="post" action={action} novalidate>
            <input type="hidden" name="lang" value={lang} />
            <Field page={page} name="given_name" type="text" value={values.given_name} error={errorText(page, errors, 'given_name')} autocomplete="given-name" maxlength={100} />
            <Field page={page} name="family_name" type="text" value={values.family_name} error={errorText(page, errors, 'family_name')} autocomplete="family-name" maxlength={100} />
            <Field page={page} name="email" type="email" value={values.email} error={errorText(page, errors, 'email')} autocomplete="email" hint={t('form.email_hint')} maxlength={254} />
            <Field page={page} name="postal_code" type="text" value={values.postal_code} error={errorText(page, errors, 'postal_code')} autocomplete="postal-code" maxlength={20} />
            <div class={errors.country ? 'field has-error' : 'field'}>
              <label for="country" safe>
                {t('form.country')}
              </label>
              {errors.country ? (
                <span class="error-message" id="country-error" safe>
                  {errorText(page, errors, 'country')}
                </span>
              ) : (
                ''
              )}
              <select id="country" name="country" autocomplete="country" aria-describedby={errors.country ? 'country-error' : undefined}>
                {countryOptions(lang).map((c) => (
                  <option value={c.code} selected={c.code === (values.country || 'US')} safe>
                    {c.name}
                  </option>
                ))}
              </select>
            </div>
            <div class={errors.comments ? 'field has-error' : 'field'}>
              <label for="comments" safe>
                {t('form.comments')}
              </label>
              <span class="hint" id="comments-hint" safe>
                {t('form.comments_hint')}
              </span>
              {errors.comments ? (
                <span class="error-message" id="comments-error" safe>
                  {errorText(page, errors, 'comments')}
                </span>
              ) : (
                ''
              )}
              <textarea id="comments" name="comments" rows="4" maxlength="1000" aria-describedby={errors.comments ? 'comments-hint comments-error' : 'comments-hint'} safe>
                {values.comments ?? ''}
              </textarea>
            </div>
            <div class="checkbox">
              <input type="checkbox" id="opt_in" name="opt_in" value="yes" checked={values.opt_in === true} />
              <label for="opt_in" safe>
                {t('form.opt_in', { org: petition.organization_name })}
              </label>
            </div>
            {petition.partners.map((p) => (
              <div class="checkbox">
                <input type="checkbox" id={`share-${p.id}`} name="share" value={p.id} checked={values.share?.includes(p.id) === true} />
                <label for={`share-${p.id}`} safe>
                  {t('form.share', { org: p.name })}
                </label>
              </div>
            ))}
            <button type="submit" safe>
              {t('form.submit')}
            </button>
          </form>
        </section>
      )}
    </Layout>
  );
}

export function ThanksPage(props: { page: PageContext; petition: PublicPetition; url: string; confirm: boolean }): JSX.Element {
  const { page, petition, url } = props;
  const { t } = page;
  const text = t('share.text', { title: petition.title });
  const shares: [string, string][] = [
    [t('thanks.share_email'), `mailto:?subject=${encodeURIComponent(t('share.subject', { title: petition.title }))}&body=${encodeURIComponent(`${text}\n${url}`)}`],
    ['WhatsApp', `https://wa.me/?text=${encodeURIComponent(`${text} ${url}`)}`],
    ['Facebook', `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(url)}`],
    ['Bluesky', `https://bsky.app/intent/compose?text=${encodeURIComponent(`${text} ${url}`)}`],
    ['X', `https://x.com/intent/post?text=${encodeURIComponent(text)}&url=${encodeURIComponent(url)}`],
  ];
  return (
    <Layout page={page} title={t('thanks.title')}>
      <h1 safe>{t('thanks.title')}</h1>
      {props.confirm ? (
        <p class="notice" role="status" safe>
          {t('thanks.confirm')}
        </p>
      ) : (
        <p role="status" safe>
          {t('thanks.body', { title: petition.title })}
        </p>
      )}
      <h2 safe>{t('thanks.share')}</h2>
      <p safe>{t('thanks.share_hint')}</p>
      <ul class="share">
        {shares.map(([name, href]) => (
          <li>
            <a href={href} rel="noopener noreferrer" safe>
              {name}
            </a>
          </li>
        ))}
      </ul>
      <div class="field">
        <label for="share-url" safe>
          {t('thanks.share_copy')}
        </label>
        <input type="url" id="share-url" readonly value={url} />
      </div>
      <p>
        <a href={`/petitions/${petition.slug}`} safe>
          {t('thanks.back')}
        </a>
      </p>
    </Layout>
  );
}

export function ConfirmPage(props: { page: PageContext; petition: PublicPetition; action: string }): JSX.Element {
  const { page, petition } = props;
  const { t } = page;
  return (
    <Layout page={page} title={t('confirm.title')}>
      <h1 safe>{t('confirm.title')}</h1>
      <p safe>{t('confirm.body', { title: petition.title })}</p>
      <form method="post" action={props.action}>
        <input type="hidden" name="lang" value={page.lang} />
        <button type="submit" safe>
          {t('confirm.button')}
        </button>
      </form>
    </Layout>
  );
}

export function MessagePage(props: { page: PageContext; title: string; body: string; back?: string }): JSX.Element {
  return NoticePage({ ...props, back: props.back ? { href: props.back, label: props.page.t('thanks.back') } : undefined });
}

