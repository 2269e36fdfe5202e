import { Layout, NoticePage, type PageContext } from '../../kits/pages/layout.tsx';
import '../messages.ts';
import type { MessageKey } from '../../i18n/index.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { petitionTextHtml } from '../../kits/pages/markdown.ts';
import type { PublicEvent } from '../public-cache.ts';
import { eventArea, eventWhen } from '../format.ts';

// The attendee's private pages live in attendance-pages.tsx; the routes import them from here.
export { AttendancePage, CancelConfirmPage, type AttendeeView } from './attendance-pages.tsx';

export interface RsvpFormValues {
  given_name?: string;
  family_name?: string;
  email?: string;
  postal_code?: string;
  phone?: string;
  opt_in?: boolean;
  /** Ids of the partners whose share box is ticked. */
  share?: string[];
  source?: string;
}

const FIELDS = {
  given_name: { label: 'form.given_name', type: 'text', autocomplete: 'given-name', maxlength: 100, required: true },
  family_name: { label: 'form.family_name', type: 'text', autocomplete: 'family-name', maxlength: 100, required: true },
  email: { label: 'form.email', type: 'email', autocomplete: 'email', maxlength: 254, required: true },
  postal_code: { label: 'form.postal_code', type: 'text', autocomplete: 'postal-code', maxlength: 20, required: true },
  // A text input with the phone keypad: the shared stylesheet sizes text, email and url inputs.
  phone: { label: 'eventpage.phone', type: 'text', autocomplete: 'tel', maxlength: 30, required: false, inputmode: 'tel' },
} as const satisfies Record<string, { label: MessageKey; type: string; autocomplete: string; maxlength: number; required: boolean; inputmode?: string }>;
type FieldName = keyof typeof FIELDS;

// `autofocus` is a global attribute the JSX types know only on controls (see the petition page).
const AUTOFOCUS = { autofocus: true } as Record<string, unknown>;

function errorText(page: PageContext, errors: FieldErrors, field: string): string | undefined {
  const e = errors[field];
  if (!e) return undefined;
  const values = { ...e.values };
  if (typeof values.field === 'string') values.field = page.t(values.field as MessageKey);
  const text = page.t(e.key, values);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function Field(props: { page: PageContext; name: FieldName; value: string | undefined; error: string | undefined; hint?: string }): JSX.Element {
  const { page, name } = props;
  const f = FIELDS[name];
  const describedBy = [props.hint ? `${name}-hint` : '', props.error ? `${name}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={name} safe>
        {page.t(f.label)}
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
        type={f.type}
        id={name}
        name={name}
        value={props.value ?? ''}
        autocomplete={f.autocomplete}
        required={f.required}
        maxlength={String(f.maxlength)}
        aria-describedby={describedBy || undefined}
        aria-invalid={props.error ? 'true' : undefined}
        spellcheck={f.type === 'email' ? 'false' : undefined}
        inputmode={'inputmode' in f ? (f.inputmode as 'tel') : undefined}
      />
    </div>
  );
}

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
          {area ? (
            <>
              <span safe>{area}</span>
              <br />
            </>
          ) : (
            ''
          )}
          {event.postal_code ? (
            <>
              <span safe>{t('eventpage.near_zip', { zip: event.postal_code })}</span>
              <br />
            </>
          ) : (
            ''
          )}
          <span class="hint" safe>
            {t('eventpage.address_hint')}
          </span>
        </dd>
      )}
    </dl>
  );
}

/** The public page of an event: when, roughly where, how many places are left, and the RSVP form. */
export function EventPage(props: { page: PageContext; event: PublicEvent; now: string; values: RsvpFormValues; errors: FieldErrors }): JSX.Element {
  const { page, event, values, errors } = props;
  const { t, lang } = page;
  const state = eventState(event, props.now);
  const full = isFull(event);
  const order: string[] = ['given_name', 'family_name', 'email', 'postal_code', 'phone'];
  const wrong = order.filter((f) => errors[f]);
  const action = values.source ? `/events/${event.slug}?source=${encodeURIComponent(values.source)}` : `/events/${event.slug}`;
  const title = wrong.length > 0 ? `${t('error.summary')}: ${event.title}` : event.title;
  const heading = full ? t('eventpage.waitlist_heading') : t('eventpage.rsvp_heading');
  return (
    <Layout page={page} title={title}>
      <h1 safe>{event.title}</h1>
      <p class="targets" safe>
        {t('eventpage.host', { org: event.organization_name })}
      </p>
      <WhenWhere page={page} event={event} />
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
      {event.description ? <div class="lede">{petitionTextHtml(event.description) as 'safe'}</div> : ''}
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
            <p class="count" id="count" safe>
              {t('eventpage.spots_left', { count: event.capacity - event.accepted_count })}
            </p>
          )}
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
            <Field page={page} name="given_name" value={values.given_name} error={errorText(page, errors, 'given_name')} />
            <Field page={page} name="family_name" value={values.family_name} error={errorText(page, errors, 'family_name')} />
            <Field page={page} name="email" value={values.email} error={errorText(page, errors, 'email')} hint={t('eventpage.email_hint')} />
            <Field page={page} name="postal_code" value={values.postal_code} error={errorText(page, errors, 'postal_code')} />
            <Field page={page} name="phone" value={values.phone} error={errorText(page, errors, 'phone')} hint={t('eventpage.phone_hint')} />
            <div class="checkbox">
              <input type="checkbox" id="opt_in" name="opt_in" value="yes" checked={values.opt_in === true} />
              <label for="opt_in" safe>
                {t('form.opt_in', { org: event.organization_name })}
              </label>
            </div>
            {event.partners.map((p) => (
              <div class="checkbox">
                <input type="checkbox" id={`share-${p.id}`} name="share" value={p.id} checked={values.share?.includes(p.id) === true} />
                <label for={`share-${p.id}`} safe>
                  {t('form.share', { org: p.name })}
                </label>
              </div>
            ))}
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
export function RsvpThanksPage(props: { page: PageContext; event: PublicEvent; status: 'accepted' | 'waitlisted'; url: string }): JSX.Element {
  const { page, event, url } = props;
  const { t } = page;
  const accepted = props.status === 'accepted';
  const title = accepted ? t('rsvp.accepted_title') : t('rsvp.waitlisted_title');
  const text = t('rsvp.share_text', { title: event.title });
  const shares: [string, string][] = [
    [t('thanks.share_email'), `mailto:?subject=${encodeURIComponent(t('rsvp.share_subject', { title: event.title }))}&body=${encodeURIComponent(`${text}\n${url}`)}`],
    ['WhatsApp', `https://wa.me/?text=${encodeURIComponent(`${text} ${url}`)}`],
    ['Facebook', `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(url)}`],
    ['Bluesky', `https://bsky.app/intent/compose?text=${encodeURIComponent(`${text} ${url}`)}`],
  ];
  return (
    <Layout page={page} title={title}>
      <h1 safe>{title}</h1>
      <p role="status" class={accepted ? undefined : 'notice'} safe>
        {accepted ? t('rsvp.accepted_body', { title: event.title }) : t('rsvp.waitlisted_body', { title: event.title })}
      </p>
      <p safe>{eventWhen(event, page.lang)}</p>
      <h2 safe>{t('rsvp.share')}</h2>
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
        <a href={`/events/${event.slug}`} safe>
          {t('eventpage.back')}
        </a>
      </p>
    </Layout>
  );
}

/** Upcoming public events on this site. Unlisted events are not here: they are reached by their link. */
export type ListedEvent = { slug: string; title: string; start_at: string; end_at: string; timezone: string; online: number; locality: string | null; region: string | null; organization_name: string };

/** Events as a list a reader scans: title, when on the event's own clock, where, who. */
export function EventList(props: { page: PageContext; events: ListedEvent[] }): JSX.Element {
  const { page } = props;
  const { t } = page;
  return (
    <ul class="petition-list">
      {props.events.map((e) => (
        <li>
          <a href={`/events/${e.slug}`} safe>
            {e.title}
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
