import type { PageContext } from '../../kits/pages/layout.tsx';
import '../messages.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { EVENT_FIELD_LIMITS } from '../../events/index.ts';
import { EVENT_FORM_FIELDS, OTHER_TIMEZONES, TIMEZONES, type EventFormValues } from '../event-draft.ts';
import { CountryField } from '../../kits/pages/country-field.tsx';
import { errorText, SelectField, TextArea, TextField } from '../../kits/pages/form-parts.tsx';

/** The fields of an event, as a host fills them in to offer it and later to change it. */
export function EventFields(props: { page: PageContext; values: EventFormValues; errors: FieldErrors }): JSX.Element {
  const { page, values, errors } = props;
  const { t } = page;
  const whereError = errorText(page, errors, 'location_type');
  return (
    <>
      <TextField page={page} name="title" label={t('event_form.label.title')} hint={t('event_form.hint.title')} value={values.title} errors={errors} maxlength={EVENT_FIELD_LIMITS.title} required />
      <TextArea page={page} name="description" label={t('event_form.label.description')} hint={t('event_form.hint.description')} value={values.description} errors={errors} maxlength={EVENT_FIELD_LIMITS.text} />
      <fieldset>
        <legend safe>{t('event_form.when')}</legend>
        <TextField page={page} name="start_date" type="date" label={t('event_form.label.date')} hint={t('event_form.hint.date')} value={values.start_date} errors={errors} maxlength={10} required />
        <TextField page={page} name="start_time" type="time" label={t('event_form.label.start_time')} hint={t('event_form.hint.time')} value={values.start_time} errors={errors} maxlength={5} required />
        <TextField page={page} name="end_time" type="time" label={t('event_form.label.end_time')} hint={t('event_form.hint.time')} value={values.end_time} errors={errors} maxlength={5} required />
        <SelectField
          page={page}
          name="timezone"
          label={t('event_form.label.timezone')}
          value={values.timezone}
          errors={errors}
          placeholder={t('event_form.choose_timezone')}
          options={[...TIMEZONES.map(([zone, key]) => ({ value: zone, label: t(key) })), ...OTHER_TIMEZONES.map((zone) => ({ value: zone, label: zone.replace(/_/g, ' ') }))]}
        />
      </fieldset>
      <fieldset id="location_type" aria-describedby={whereError ? 'location_type-error' : undefined}>
        <legend safe>{t('event_form.where')}</legend>
        {whereError ? (
          <span class="error-message" id="location_type-error" safe>
            {whereError}
          </span>
        ) : (
          ''
        )}
        <div class="checkbox">
          <input type="radio" id="where-in-person" name="location_type" value="in_person" checked={values.location_type === 'in_person'} />
          <label for="where-in-person" safe>
            {t('event_form.in_person')}
          </label>
        </div>
        <div class="checkbox">
          <input type="radio" id="where-online" name="location_type" value="online" checked={values.location_type === 'online'} />
          <label for="where-online" safe>
            {t('event_form.online')}
          </label>
        </div>
        <h3 safe>{t('event_form.in_person_heading')}</h3>
        <TextField page={page} name="venue" label={t('event_form.label.venue')} hint={t('event_form.hint.venue')} value={values.venue} errors={errors} maxlength={EVENT_FIELD_LIMITS.line} />
        <TextField page={page} name="address_lines" label={t('event_form.label.address')} hint={t('event_form.hint.private')} value={values.address_lines} errors={errors} autocomplete="street-address" maxlength={EVENT_FIELD_LIMITS.line} />
        <TextField page={page} name="locality" label={t('event_form.label.locality')} hint={t('event_form.hint.locality')} value={values.locality} errors={errors} autocomplete="address-level2" maxlength={EVENT_FIELD_LIMITS.locality} />
        <TextField page={page} name="region" label={t('event_form.label.region')} hint={t('event_form.hint.region')} value={values.region} errors={errors} autocomplete="address-level1" maxlength={EVENT_FIELD_LIMITS.locality} />
        <TextField page={page} name="postal_code" label={t('event_form.label.zip')} hint={t('event_form.hint.zip')} value={values.postal_code} errors={errors} autocomplete="postal-code" maxlength={12} />
        <CountryField page={page} value={values.country} errors={errors} />
        <p class="hint" safe>
          {t('campaign.coverage_note')}
        </p>
        <h3 safe>{t('event_form.online_heading')}</h3>
        <TextField page={page} name="join_url" type="url" label={t('event_form.label.join_url')} hint={t('event_form.hint.join_url')} value={values.join_url} errors={errors} maxlength={EVENT_FIELD_LIMITS.joinUrl} />
      </fieldset>
      <TextField page={page} name="capacity" label={t('event_form.label.capacity')} hint={t('event_form.hint.capacity')} value={values.capacity} errors={errors} inputmode="numeric" maxlength={9} />
    </>
  );
}

/** The order fields appear in, for the error summary. */
export const EVENT_FIELD_ORDER: readonly string[] = EVENT_FORM_FIELDS;
