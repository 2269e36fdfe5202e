// The attendee's private pages, reached by the link in their RSVP email: the full place, the
// calendar and the cancel confirmation. Moved out of pages.tsx, which re-exports them, to keep
// that file short.
import { Layout, type PageContext } from '../../kits/pages/layout.tsx';
import '../messages.ts';
import { petitionTextHtml } from '../../kits/pages/markdown.ts';
import { eventArea, eventWhen, placeLines } from '../format.ts';
import type { EventRow, Attendance } from '../tables.ts';
import { inLanguage } from '../../kits/pages/localized.ts';

export interface AttendeeView {
  event: EventRow & { organization_name: string };
  attendance: Pick<Attendance, 'id' | 'status'>;
  /** The private link's own path, `/events/:slug/attendances/:id/:token`. */
  path: string;
  google: string;
  outlook: string;
}

/** The attendee's private page: the full place or the join link, the calendar, and a way to cancel. */
export function AttendancePage(props: { page: PageContext; view: AttendeeView; now: string }): JSX.Element {
  const { page, view } = props;
  const { t } = page;
  const { attendance } = view;
  const event = inLanguage(page.lang, view.event, ['title', 'description'] as const);
  const cancelled = event.status === 'cancelled';
  const over = event.end_at <= props.now;
  const accepted = attendance.status === 'accepted';
  return (
    <Layout page={page} title={`${t('attendance.title')}: ${event.title}`}>
      <p class="targets" safe>
        {t('attendance.title')}
      </p>
      <h1 lang={event.langs.title} safe>
        {event.title}
      </h1>
      {cancelled ? (
        <p class="notice" role="status" safe>
          {t('attendance.event_cancelled')}
        </p>
      ) : (
        <p role="status" class={accepted ? undefined : 'notice'} safe>
          {accepted ? t('attendance.status_accepted') : attendance.status === 'waitlisted' ? t('attendance.status_waitlisted') : t('attendance.status_cancelled')}
        </p>
      )}
      <dl class="facts">
        <dt safe>{t('eventpage.when')}</dt>
        <dd safe>{eventWhen(event, page.lang)}</dd>
        <dt safe>{t('eventpage.where')}</dt>
        {!accepted ? (
          <dd>
            <span safe>{event.online ? t('eventpage.online') : eventArea(event)}</span>
            {attendance.status === 'waitlisted' ? (
              <>
                <br />
                <span class="hint" safe>
                  {t('attendance.address_waitlist')}
                </span>
              </>
            ) : (
              ''
            )}
          </dd>
        ) : event.online ? (
          <dd>
            <a href={event.join_url ?? '#'} rel="noopener noreferrer" safe>
              {event.join_url ?? ''}
            </a>
          </dd>
        ) : (
          <dd class="address">
            {placeLines(event).map((line) => (
              <>
                <span safe>{line}</span>
                <br />
              </>
            ))}
          </dd>
        )}
      </dl>
      {accepted && event.instructions ? (
        <section aria-labelledby="instructions">
          <h2 id="instructions" safe>
            {t('attendance.instructions')}
          </h2>
          <div>{petitionTextHtml(event.instructions) as 'safe'}</div>
        </section>
      ) : (
        ''
      )}
      {accepted && !cancelled && !over ? (
        <section aria-labelledby="calendar">
          <h2 id="calendar" safe>
            {t('attendance.calendar')}
          </h2>
          <ul>
            <li>
              <a href={`${view.path}/event.ics`} download="event.ics" safe>
                {t('attendance.ics')}
              </a>
            </li>
            <li>
              <a href={view.google} rel="noopener noreferrer" safe>
                {t('attendance.google')}
              </a>
            </li>
            <li>
              <a href={view.outlook} rel="noopener noreferrer" safe>
                {t('attendance.outlook')}
              </a>
            </li>
          </ul>
        </section>
      ) : (
        ''
      )}
      {attendance.status !== 'cancelled' && !cancelled && !over ? (
        <section aria-labelledby="cancel">
          <h2 id="cancel" safe>
            {t('attendance.cancel_heading')}
          </h2>
          <p safe>{t('attendance.cancel_hint')}</p>
          <p>
            <a href={`${view.path}/cancel`} safe>
              {t('attendance.cancel_link')}
            </a>
          </p>
        </section>
      ) : attendance.status === 'cancelled' && !cancelled && !over ? (
        <p>
          <a href={`/events/${event.slug}`} safe>
            {t('attendance.rsvp_again')}
          </a>
        </p>
      ) : (
        ''
      )}
    </Layout>
  );
}

/** The cancel link opens this page; only its button (a POST) cancels, so a mail scanner cannot. */
export function CancelConfirmPage(props: { page: PageContext; title: string; path: string }): JSX.Element {
  const { page } = props;
  const { t } = page;
  return (
    <Layout page={page} title={t('attendance.cancel_confirm_title')}>
      <h1 safe>{t('attendance.cancel_confirm_title')}</h1>
      <p safe>{t('attendance.cancel_confirm_body', { title: props.title })}</p>
      <form method="post" action={`${props.path}/cancel`}>
        <input type="hidden" name="lang" value={page.lang} />
        <button type="submit" class="danger" safe>
          {t('attendance.cancel_button')}
        </button>
      </form>
      <p>
        <a href={props.path} safe>
          {t('attendance.keep')}
        </a>
      </p>
    </Layout>
  );
}
