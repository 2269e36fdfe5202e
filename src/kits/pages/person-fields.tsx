import type { PageContext } from './layout.tsx';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { TextField } from './form-parts.tsx';

// The parts every public action form (a petition's signature, an event's RSVP) asks in the same
// way: who the supporter is, and whom they agree to hear from.

/** The person fields, in the order of the form (and of its error summary). */
export const PERSON_FIELDS = ['given_name', 'family_name', 'email', 'postal_code'] as const;

export interface PersonValues {
  given_name?: string;
  family_name?: string;
  email?: string;
  postal_code?: string;
}

/** First and last name, email and ZIP; `emailHint` says what the email is for on this action. */
export function PersonFields(props: { page: PageContext; values: PersonValues; errors: FieldErrors; emailHint: string }): JSX.Element {
  const { page, values, errors } = props;
  const { t } = page;
  return (
    <>
      <TextField page={page} name="given_name" label={t('form.given_name')} value={values.given_name} errors={errors} autocomplete="given-name" maxlength={100} required />
      <TextField page={page} name="family_name" label={t('form.family_name')} value={values.family_name} errors={errors} autocomplete="family-name" maxlength={100} required />
      <TextField page={page} name="email" type="email" label={t('form.email')} hint={props.emailHint} value={values.email} errors={errors} autocomplete="email" maxlength={254} required />
      <TextField page={page} name="postal_code" label={t('form.postal_code')} value={values.postal_code} errors={errors} autocomplete="postal-code" maxlength={20} required />
    </>
  );
}

/** The box to hear from the organization behind the action, then one share box per partner; none ticked unless the supporter ticked it. */
export function ConsentBoxes(props: { page: PageContext; organization: string; partners: { id: string; name: string }[]; optIn?: boolean; share?: string[] }): JSX.Element {
  const { t } = props.page;
  return (
    <>
      <div class="checkbox">
        <input type="checkbox" id="opt_in" name="opt_in" value="yes" checked={props.optIn === true} />
        <label for="opt_in" safe>
          {t('form.opt_in', { org: props.organization })}
        </label>
      </div>
      {props.partners.map((p) => (
        <div class="checkbox">
          <input type="checkbox" id={`share-${p.id}`} name="share" value={p.id} checked={props.share?.includes(p.id) === true} />
          <label for={`share-${p.id}`} safe>
            {t('form.share', { org: p.name })}
          </label>
        </div>
      ))}
    </>
  );
}

/** Where an action form posts: back to its page, keeping the `source` the supporter came by. */
export function formAction(path: string, source: string | undefined): string {
  return source ? `${path}?source=${encodeURIComponent(source)}` : path;
}
