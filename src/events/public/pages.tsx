import { Layout, NoticePage, type PageContext } from '../../kits/pages/layout.tsx';
import '../messages.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { ErrorSummary, TextField } from '../../kits/pages/form-parts.tsx';
import { ConsentBoxes, formAction, PERSON_FIELDS, PersonFields, type PersonValues } from '../../kits/pages/person-fields.tsx';
import { ChallengeField } from '../../kits/pages/challenge-field.tsx';
import { shareLinks, ShareList } from '../../kits/pages/share-links.tsx';
import { petitionTextHtml } from '../../kits/pages/markdown.ts';
import type { PublicEvent } from '../public-cache.ts';
import { eventArea, eventWhen } from '../format.ts';
import { areaMap } from '../../kits/places/us-map.ts';
import { ProgressMeter } from '../../kits/pages/progress.tsx';
import { shareImagePath, visibleCount, type ShareCard } from '../../kits/pages/share-image.ts';
import { actionShareMeta, type ShareMeta } from '../../kits/pages/share-meta.ts';
import { formatNumber } from '../../i18n/index.ts';
import { inLanguage, localized, type InLanguage } from '../../kits/pages/localized.ts';

const TEXTS = ['title', 'description'] as const;

/** The event in the reader's language: its title and description in their version, `langs` naming those shown in the other one. */
export function eventInLanguage<E extends Pick<PublicEvent, 'title' | 'description' | 'title_es' | 'description_es'>>(page: PageContext, event: E): InLanguage<E, (typeof TEXTS)[number]> {
  return inLanguage(page.lang, event, TEXTS);
}

/** What the event's share picture shows: when it is, and who hosts it; the count in visible steps. */
export function eventShareCard(page: PageContext, stored: PublicEvent, now: string): ShareCard {
  const { t, lang } = page;
  const event = eventInLanguage(page, stored);
  const state = eventState(event, now);
  const going = visibleCount(event.accepted_count);
  return {
    title: event.title,
    organization: hostLine(page, event),
    headline: eventWhen(event, lang),
    note: state === 'cancelled' ? t('eventpage.cancelled') : state === 'past' ? t('eventpage.past') : event.accepted_count > 0 ? t('eventpage.going', { count: going }) : null,
    progress: state === 'open' && event.capacity ? going / event.capacity : null,
    accent: event.brand?.accent ?? null,
  };
}

function eventShare(page: PageContext, stored: PublicEvent, now: string): ShareMeta {
  const event = eventInLanguage(page, stored);
  const path = `/events/${event.slug}`;
  const card = eventShareCard(page, event, now);
  return actionShareMeta({ path, title: event.title, markdown: event.description || eventWhen(event, page.lang), image: shareImagePath(path, page.lang, card), card });
}

/** Who hosts it: a volunteer by their first name, with the organization; otherwise the organization. */
function hostLine(page: PageContext, event: PublicEvent): string {
  const org = event.brand?.name || event.organization_name;
  return event.host_first_name ? page.t('eventpage.host_volunteer', { name: event.host_first_name, org }) : page.t('eventpage.host', { org });
}

// The attendee's private pages live in attendance-pages.tsx; the routes import them from here.
export { AttendancePage, CancelConfirmPage, type AttendeeView } from './attendance-pages.tsx';

export interface RsvpFormValues extends PersonValues {
  phone?: string;
  opt_in?: boolean;
  /** Ids of the partners whose share box is ticked. */
  share?: string[];
  source?: string;
}

/** The form's fields in order: the error summary links to them in this order. */
const ORDER: readonly string[] = [...PERSON_FIELDS, 'phone'];

/** Why a public page shows no form: the event is cancelled or already over. */
export function eventState(event: Pick<PublicEvent, 'status' | 'end_at'>, now: string): 'open' | 'cancelled' | 'past' {
  if (event.status === 'cancelled') return 'cancelled';
  if (event.end_at <= now) return 'past';
  return 'open';
}

export const isFull = (event: Pick<PublicEvent, 'capacity' | 'accepted_count'>) => event.capacity !== null && event.accepted_count >= event.capacity;

function WhenWhere(props: { page: PageContext; event: PublicEvent }): JSX.Element {
  const { page, event } = props;
  const { t } = page;
  const area = eventArea(event);
  return (
    <dl class="facts">
      <dt safe>{t('eventpage.when')}</dt>
      <dd safe>{eventWhen(event, page.lang)}</dd>
      <dt safe>{t('eventpage.where')}</dt>
      {event.online ? (
        <dd>
          <span safe>{t('eventpage.online')}</span>
          <br />
          <span class="hint" safe>
            {t('eventpage.online_hint')}
          </span>
        </dd>
      ) : (
        <dd>
          {[event.venue ?? '', ...event.public_address_lines, area, countryName(event.country, page.lang)]
            .filter(Boolean)
            .map((line) => (
              <>
                <span safe>{line}</span>
                <br />
              </>
            ))}
          {event.postal_code ? (
            <>
              <span safe>{t(event.country === 'US' ? 'eventpage.near_zip' : 'eventpage.near_postal', { zip: event.postal_code })}</span>
              <br />
            </>
          ) : (
            ''
          )}
          {event.address_public ? (
            ''
          ) : (
            <span class="hint" safe>
              {t('eventpage.address_hint')}
            </span>
          )}
        </dd>
      )}
    </dl>
  );
}

const countryName = (code: string, lang: string) => (code && code !== 'US' ? (new Intl.DisplayNames([lang], { type: 'region' }).of(code) ?? code) : '');

/** A small map of the area the event is in (a rounded point, a circle a few miles wide), never its door. */
function AreaMap(props: { page: PageContext; event: PublicEvent }): JSX.Element {
  const { page, event } = props;
  if (event.online || !event.area_point) return <></>;
  const label = page.t('eventpage.area_map', { area: eventArea(event) || event.postal_code || event.title });
  const svg = areaMap(event.area_point, { title: label });
  if (!svg) {
    return (
      <p class="hint" safe>
        {page.t('eventpage.area_uncovered')}
      </p>
    );
  }
  return <figure class="event-map area-map">{svg as 'safe'}</figure>;
}

/** The public page of an event: when, roughly where, how many places are left, and the RSVP form. */
export function EventPage(props: { page: PageContext; event: PublicEvent; now: string; values: RsvpFormValues; errors: FieldErrors; challenge?: boolean }): JSX.Element {
  const { page, values, errors } = props;
  const event = eventInLanguage(page, props.event);
  const { t, lang } = page;
  const state = eventState(event, props.now);
  const full = isFull(event);
  const action = formAction(`/events/${event.slug}`, values.source);
  const title = ORDER.some((f) => errors[f]) ? `${t('error.summary')}: ${event.title}` : event.title;
  const heading = full ? t('eventpage.waitlist_heading') : t('eventpage.rsvp_heading');
  return (
    <Layout page={page} title={title} share={eventShare(page, event, props.now)} brand={event.brand} partners={event.partners}>
      <h1 lang={event.langs.title} safe>
        {event.title}
      </h1>
      <p class="targets" safe>
        {hostLine(page, event)}
      </p>
      <WhenWhere page={page} event={event} />
      <AreaMap page={page} event={event} />
      {state === 'open' ? (
        <p>
          <a href={`/events/${event.slug}/event.ics`} safe>
            {t('eventpage.calendar')}
          </a>
        </p>
      ) : (
        ''
      )}
      {state === 'cancelled' ? (
        <p class="notice" role="status" safe>
          {t('eventpage.cancelled')}
        </p>
      ) : state === 'past' ? (
        <p class="notice" role="status" safe>
          {t('eventpage.past')}
        </p>
      ) : (
        <p>
          <a href="#rsvp-heading" safe>
            {heading}
          </a>
        </p>
      )}
      {event.description ? <div class="lede" lang={event.langs.description}>{petitionTextHtml(event.description) as 'safe'}</div> : ''}
      {state !== 'open' ? (
        ''
      ) : (
        <section aria-labelledby="rsvp-heading">
          <h2 id="rsvp-heading" safe>
            {heading}
          </h2>
          {event.capacity === null ? (
            <p class="count" id="count" safe>
              {t('eventpage.going', { count: event.accepted_count })}
            </p>
          ) : full ? (
            <p class="notice" id="count" safe>
              {t('eventpage.full')}
            </p>
          ) : (
            <ProgressMeter
              id="count"
              value={event.accepted_count}
              max={event.capacity}
              text={t('eventpage.seats', { count: formatNumber(lang, event.accepted_count), capacity: formatNumber(lang, event.capacity) })}
              note={t('eventpage.spots_left', { count: event.capacity - event.accepted_count })}
            />
          )}
          <ErrorSummary page={page} errors={errors} order={ORDER} />
          <form method="post" action={action} novalidate>
            <input type="hidden" name="lang" value={lang} />
            <PersonFields page={page} values={values} errors={errors} emailHint={t('eventpage.email_hint')} />
            {/* A text input with the phone keypad: the shared stylesheet sizes text, email and url inputs. */}
            <TextField page={page} name="phone" label={t('eventpage.phone')} hint={t('eventpage.phone_hint')} value={values.phone} errors={errors} autocomplete="tel" inputmode="tel" maxlength={30} />
            <ConsentBoxes page={page} organization={event.organization_name} partners={event.partners} optIn={values.opt_in} share={values.share} />
            {props.challenge ? <ChallengeField page={page} /> : ''}
            <button type="submit" safe>
              {full ? t('eventpage.submit_waitlist') : t('eventpage.submit')}
            </button>
          </form>
        </section>
      )}
    </Layout>
  );
}

/** After an RSVP: going or waitlisted, and where the details went. The same page for a repeat RSVP. */
export function RsvpThanksPage(props: { page: PageContext; event: PublicEvent; status: 'accepted' | 'waitlisted'; url: string; now: string }): JSX.Element {
  const { page, url } = props;
  const event = eventInLanguage(page, props.event);
  const { t } = page;
  const accepted = props.status === 'accepted';
  const title = accepted ? t('rsvp.accepted_title') : t('rsvp.waitlisted_title');
  // Someone on the waitlist is not going (yet): no "invite friends" to an event that is full.
  const shares = accepted ? shareLinks(page, { subject: t('rsvp.share_subject', { title: event.title }), text: t('rsvp.share_text', { title: event.title }), url }) : [];
  return (
    <Layout page={page} title={title} share={eventShare(page, event, props.now)} brand={event.brand}>
      <h1 safe>{title}</h1>
      <p role="status" class={accepted ? undefined : 'notice'} safe>
        {accepted ? t('rsvp.accepted_body', { title: event.title }) : t('rsvp.waitlisted_body', { title: event.title })}
      </p>
      <p safe>{eventWhen(event, page.lang)}</p>
      {accepted ? (
        <>
          <h2 safe>{t('rsvp.share')}</h2>
          <ShareList page={page} shares={shares} url={url} />
        </>
      ) : (
        <>
          <h2 safe>{t('rsvp.waitlisted_next_heading')}</h2>
          <p safe>{t('rsvp.waitlisted_next')}</p>
        </>
      )}
      <p>
        <a href={`/events/${event.slug}`} safe>
          {t('eventpage.back')}
        </a>
      </p>
    </Layout>
  );
}

/** Upcoming public events on this site. Unlisted events are not here: they are reached by their link. */
export type ListedEvent = { slug: string; title: string; title_es?: string | null; start_at: string; end_at: string; timezone: string; online: number; locality: string | null; region: string | null; organization_name: string };

/** Events as a list a reader scans: title, when on the event's own clock, where, who. */
export function EventList(props: { page: PageContext; events: ListedEvent[] }): JSX.Element {
  const { page } = props;
  const { t } = page;
  return (
    <ul class="petition-list">
      {props.events.map((e) => (
        <li>
          <a href={`/events/${e.slug}`} lang={localized(page.lang, e.title, e.title_es).lang} safe>
            {localized(page.lang, e.title, e.title_es).text}
          </a>
          <br />
          <span safe>{eventWhen(e, page.lang)}</span>
          <br />
          <span safe>{e.online ? t('eventpage.online') : eventArea(e)}</span> · <span safe>{e.organization_name}</span>
        </li>
      ))}
    </ul>
  );
}

export function EventListPage(props: { page: PageContext; events: ListedEvent[] }): JSX.Element {
  const { page } = props;
  const { t } = page;
  return (
    <Layout page={page} title={t('eventpage.list_title')}>
      <h1 safe>{t('eventpage.list_title')}</h1>
      {props.events.length === 0 ? <p safe>{t('eventpage.list_empty')}</p> : <EventList page={page} events={props.events} />}
    </Layout>
  );
}

/** A short message with a way back to the event (closed RSVPs, a cancelled RSVP, a broken link). */
export function EventMessagePage(props: { page: PageContext; title: string; body: string; back?: string }): JSX.Element {
  return NoticePage({ ...props, back: props.back ? { href: props.back, label: props.page.t('eventpage.back') } : undefined });
}
