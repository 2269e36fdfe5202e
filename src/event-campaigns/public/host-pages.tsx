import { Layout, type PageContext } from '../../kits/pages/layout.tsx';
import '../messages.ts';
import type { EventRow } from '../../events/index.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import type { EventFormValues } from '../event-draft.ts';
import { EVENT_FIELD_ORDER, EventFields } from './event-form.tsx';
import { ErrorSummary, TextArea, TextField } from '../../kits/pages/form-parts.tsx';
import { whenText, cityOf } from './pages.tsx';
import { HOST_MESSAGE_LIMITS, HOST_MESSAGES_PER_DAY } from '../service.ts';

export interface Attendee {
  id: string;
  status: 'accepted' | 'waitlisted' | 'cancelled';
  attended: number;
  given_name: string | null;
  family_name: string | null;
  email: string | null;
  /** As typed on the RSVP form, when it asked and they gave one. */
  phone: string | null;
}

type ManagedEvent = Pick<EventRow, 'slug' | 'title' | 'status' | 'start_at' | 'end_at' | 'timezone' | 'online' | 'venue' | 'locality' | 'region' | 'accepted_count' | 'waitlist_count' | 'attended_count'>;

/**
 * The host's private page: their event, who is coming (with check-in), a message to attendees
 * and the event's details to change. Each form posts back here; nothing needs an account.
 */
export function HostManagePage(props: {
  page: PageContext;
  event: ManagedEvent;
  base: string;
  attendees: Attendee[];
  notice?: string;
  edit: { values: EventFormValues; errors: FieldErrors };
  message: { subject?: string; body?: string; errors: FieldErrors };
}): JSX.Element {
  const { page, event, base, attendees, edit, message } = props;
  const { t, lang } = page;
  const going = attendees.filter((a) => a.status === 'accepted');
  const waitlisted = attendees.filter((a) => a.status === 'waitlisted');
  const name = (a: Attendee) => [a.given_name, a.family_name].filter(Boolean).join(' ') || t('manage.no_name');
  const status = event.status === 'confirmed' ? t('manage.status_live') : event.status === 'cancelled' ? t('manage.status_cancelled') : t('manage.status_pending');
  return (
    <Layout page={page} title={t('manage.title', { title: event.title })}>
      <h1 safe>{t('manage.title', { title: event.title })}</h1>
      <p class="notice" safe>
        {t('manage.private')}
      </p>
      {props.notice ? (
        <p class="notice" role="status" safe>
          {props.notice}
        </p>
      ) : (
        ''
      )}
      <p>
        <strong safe>{status}</strong>
        <br />
        <span safe>{whenText(lang, event)}</span>
        <br />
        <span safe>{event.online ? t('campaign.online') : [event.venue, cityOf(event)].filter(Boolean).join(' · ')}</span>
        <br />
        <a href={`/events/${event.slug}`} safe>
          {t('manage.public_page')}
        </a>
      </p>
      <p safe>{t('manage.counts', { going: event.accepted_count, waitlist: event.waitlist_count, attended: event.attended_count })}</p>

      <section aria-labelledby="attendees-heading">
        <h2 id="attendees-heading" safe>
          {t('manage.attendees_heading')}
        </h2>
        {attendees.length === 0 ? (
          <p safe>{t('manage.no_attendees')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('manage.col_name')}
                </th>
                <th scope="col" safe>
                  {t('manage.col_email')}
                </th>
                <th scope="col" safe>
                  {t('manage.col_phone')}
                </th>
                <th scope="col" safe>
                  {t('manage.col_status')}
                </th>
              </tr>
            </thead>
            <tbody>
              {[...going, ...waitlisted].map((a) => (
                <tr>
                  <th scope="row" safe>
                    {name(a)}
                  </th>
                  <td safe>{a.email ?? ''}</td>
                  <td>{a.phone ? <a href={`tel:${a.phone.replace(/[^\d+]/g, '')}`} safe>{a.phone}</a> : ''}</td>
                  <td>
                    {a.status === 'waitlisted' ? <span safe>{t('manage.waitlisted')}</span> : ''}
                    <form method="post" action={`${base}/check-in`} class="inline">
                      <input type="hidden" name="lang" value={lang} />
                      <input type="hidden" name="attendance_id" value={a.id} />
                      <input type="hidden" name="attended" value={a.attended ? 'no' : 'yes'} />
                      {a.attended ? <span safe>{t('manage.checked_in')}</span> : ''}
                      <button type="submit" class="secondary" aria-label={a.attended ? t('manage.undo_check_in_of', { name: name(a) }) : t('manage.check_in_of', { name: name(a) })} safe>
                        {a.attended ? t('manage.undo_check_in') : t('manage.check_in')}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="message-heading">
        <h2 id="message-heading" safe>
          {t('manage.message_heading')}
        </h2>
        <p class="hint" safe>
          {t('manage.message_hint', { count: going.length, max: HOST_MESSAGES_PER_DAY })}
        </p>
        <ErrorSummary page={page} errors={message.errors} order={['subject', 'body']} />
        <form method="post" action={`${base}/message`} novalidate>
          <input type="hidden" name="lang" value={lang} />
          <TextField page={page} name="subject" label={t('manage.subject')} value={message.subject} errors={message.errors} maxlength={HOST_MESSAGE_LIMITS.subject} required />
          <TextArea page={page} name="body" label={t('manage.body')} value={message.body} errors={message.errors} maxlength={HOST_MESSAGE_LIMITS.body} rows={6} />
          <button type="submit" safe>
            {t('manage.send')}
          </button>
        </form>
      </section>

      <section aria-labelledby="edit-heading">
        <h2 id="edit-heading" safe>
          {t('manage.edit_heading')}
        </h2>
        <ErrorSummary page={page} errors={edit.errors} order={EVENT_FIELD_ORDER} />
        <form method="post" action={base} novalidate>
          <input type="hidden" name="lang" value={lang} />
          <EventFields page={page} values={edit.values} errors={edit.errors} />
          <button type="submit" safe>
            {t('manage.save')}
          </button>
        </form>
      </section>
    </Layout>
  );
}
