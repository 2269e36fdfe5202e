import { Layout, type PageContext } from '../../kits/pages/layout.tsx';
import '../messages.ts';
import type { Language } from '../../i18n/index.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { HOST_NAME_MAX, type EventFormValues } from '../event-draft.ts';
import { EVENT_FIELD_ORDER, EventFields } from './event-form.tsx';
import { ErrorSummary, SelectField, TextField } from '../../kits/pages/form-parts.tsx';
import { ConfirmButtonPage } from '../../kits/pages/confirm-page.tsx';
import { campaignMap, type MapCity } from '../map.ts';
import { DEFAULT_DISTANCE, DISTANCES, eventPoint } from '../places.ts';
import type { PublicCampaignEvent } from '../repository.ts';

export interface PublicCampaign {
  slug: string;
  title: string;
  description: string;
  status: 'open' | 'closed';
  organization_name: string;
}

/** An event in the list, with its distance from the searched ZIP when there was a search. */
export interface ListedEvent {
  event: PublicCampaignEvent;
  miles: number | null;
}

const locale = (lang: Language) => (lang === 'es' ? 'es-US' : 'en-US');

/** "Sat, Jun 7, 6:00 – 8:00 PM CDT" on the event's own clock, in the reader's language. */
export function whenText(lang: Language, e: { start_at: string; end_at: string; timezone: string }): string {
  const format = new Intl.DateTimeFormat(locale(lang), { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: e.timezone, timeZoneName: 'short' });
  return format.formatRange(new Date(e.start_at), new Date(e.end_at));
}

/** "Chicago, IL": where an event is, as far as the public may know (never the street address). */
export function cityOf(e: { locality: string | null; region: string | null }): string {
  return [e.locality, e.region].filter(Boolean).join(', ');
}

function paragraphs(text: string): JSX.Element[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => (
      <p class="lede" safe>
        {p}
      </p>
    ));
}

function EventItem(props: { page: PageContext; item: ListedEvent }): JSX.Element {
  const { page, item } = props;
  const { event } = item;
  const { t, lang } = page;
  const place = event.online ? t('campaign.online') : [event.venue, cityOf(event)].filter(Boolean).join(' · ');
  const miles = item.miles === null ? null : item.miles < 10 ? Math.round(item.miles * 10) / 10 : Math.round(item.miles);
  const full = event.capacity !== null && event.accepted_count >= event.capacity;
  return (
    <li>
      <a href={`/events/${event.slug}`}>
        <strong safe>{event.title}</strong>
      </a>
      <br />
      <time datetime={event.start_at} safe>
        {whenText(lang, event)}
      </time>
      <br />
      <span safe>{place}</span>
      {miles !== null ? (
        <>
          {' · '}
          <strong safe>{miles < 1 ? t('campaign.under_a_mile') : t('campaign.miles_away', { miles })}</strong>
        </>
      ) : (
        ''
      )}
      {full ? (
        <>
          {' · '}
          <span safe>{t('campaign.full')}</span>
        </>
      ) : (
        ''
      )}
    </li>
  );
}

/** The cities with an in-person event, each once, with how many events it has. */
export function citiesOf(events: PublicCampaignEvent[]): MapCity[] {
  const byName = new Map<string, MapCity>();
  for (const e of events) {
    const point = eventPoint(e);
    if (!point) continue;
    const name = cityOf(e) || e.postal_code || '';
    const city = byName.get(name);
    if (city) city.events++;
    else byName.set(name, { name, ...point, events: 1 });
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function CampaignPage(props: {
  page: PageContext;
  campaign: PublicCampaign;
  events: PublicCampaignEvent[];
  /** The search results, sorted by distance; null when nobody searched (or the search was wrong). */
  results: ListedEvent[] | null;
  search: { zip: string; distance: string; miles: number | null };
  errors: FieldErrors;
}): JSX.Element {
  const { page, campaign, events, results, search, errors } = props;
  const { t } = page;
  const inPerson = events.filter((e) => !e.online);
  const online = events.filter((e) => e.online);
  const cities = citiesOf(events);
  const wrong = Object.keys(errors).length > 0;
  const title = wrong ? `${t('error.summary')}: ${campaign.title}` : campaign.title;
  const list = results ?? inPerson.map((event) => ({ event, miles: null }));
  const heading =
    results === null
      ? t('campaign.upcoming', { count: inPerson.length })
      : t('campaign.results', { count: results.length, miles: search.miles ?? DEFAULT_DISTANCE, zip: search.zip });
  const map = campaignMap({
    title: t('campaign.map_title', { count: cities.reduce((n, c) => n + c.events, 0) }),
    describedBy: 'map-cities',
    cities,
    dotLabel: (c) => t('campaign.map_dot', { city: c.name, count: c.events }),
  });
  return (
    <Layout page={page} title={title}>
      <h1 safe>{campaign.title}</h1>
      <p class="hint" safe>
        {t('campaign.by', { org: campaign.organization_name })}
      </p>
      {paragraphs(campaign.description).join('') as 'safe'}
      {campaign.status === 'open' ? (
        <p>
          <a href={`/event_campaigns/${campaign.slug}/host`}>
            <strong safe>{t('campaign.host_cta')}</strong>
          </a>{' '}
          <span safe>{t('campaign.host_pitch')}</span>
        </p>
      ) : (
        <p class="notice" safe>
          {t('campaign.closed')}
        </p>
      )}
      <section aria-labelledby="search-heading">
        <h2 id="search-heading" safe>
          {t('campaign.search_heading')}
        </h2>
        <ErrorSummary page={page} errors={errors} order={['zip', 'distance']} />
        <form method="get" action={`/event_campaigns/${campaign.slug}`} novalidate>
          <TextField page={page} name="zip" label={t('campaign.zip')} hint={t('campaign.zip_hint')} value={search.zip} errors={errors} autocomplete="postal-code" inputmode="numeric" maxlength={10} />
          <SelectField
            page={page}
            name="distance"
            label={t('campaign.distance')}
            value={DISTANCES.some((d) => String(d) === search.distance) ? search.distance : String(DEFAULT_DISTANCE)}
            errors={errors}
            options={DISTANCES.map((d) => ({ value: String(d), label: t('campaign.within', { miles: d }) }))}
          />
          <button type="submit" safe>
            {t('campaign.search')}
          </button>
        </form>
      </section>
      <section aria-labelledby="results-heading">
        <h2 id="results-heading" role={results !== null ? 'status' : undefined} safe>
          {heading}
        </h2>
        {list.length > 0 ? (
          <ol class="petition-list event-list">
            {list.map((item) => (
              <EventItem page={page} item={item} />
            ))}
          </ol>
        ) : (
          <p safe>{results !== null ? t('campaign.no_results_hint') : t('campaign.none_yet')}</p>
        )}
      </section>
      {online.length > 0 ? (
        <section aria-labelledby="online-heading">
          <h2 id="online-heading" safe>
            {t('campaign.online_heading', { count: online.length })}
          </h2>
          <ol class="petition-list event-list">
            {online.map((event) => (
              <EventItem page={page} item={{ event, miles: null }} />
            ))}
          </ol>
        </section>
      ) : (
        ''
      )}
      <section aria-labelledby="map-heading">
        <h2 id="map-heading" safe>
          {t('campaign.map_heading')}
        </h2>
        <figure class="event-map">{map as 'safe'}</figure>
        <p id="map-cities" safe>
          {cities.length === 0 ? t('campaign.map_empty') : t('campaign.map_cities', { cities: cities.map((c) => (c.events > 1 ? `${c.name} (${c.events})` : c.name)).join('; ') })}
        </p>
      </section>
    </Layout>
  );
}

export interface HostFormValues extends EventFormValues {
  host_name?: string;
  host_email?: string;
}

const HOST_FIELD_ORDER = ['host_name', 'host_email', ...EVENT_FIELD_ORDER] as const;

/** The public form to offer an event in a campaign. */
export function HostFormPage(props: { page: PageContext; campaign: PublicCampaign; values: HostFormValues; errors: FieldErrors }): JSX.Element {
  const { page, campaign, values, errors } = props;
  const { t, lang } = page;
  const wrong = Object.keys(errors).length > 0;
  const heading = t('host.title', { campaign: campaign.title });
  return (
    <Layout page={page} title={wrong ? `${t('error.summary')}: ${heading}` : heading}>
      <h1 safe>{heading}</h1>
      <p safe>{t('host.intro')}</p>
      <ErrorSummary page={page} errors={errors} order={HOST_FIELD_ORDER} />
      <form method="post" action={`/event_campaigns/${campaign.slug}/host`} novalidate>
        <input type="hidden" name="lang" value={lang} />
        <h2 safe>{t('host.about_you')}</h2>
        <TextField page={page} name="host_name" label={t('host.name')} value={values.host_name} errors={errors} autocomplete="name" maxlength={HOST_NAME_MAX} required />
        <TextField page={page} name="host_email" type="email" label={t('host.email')} hint={t('host.email_hint')} value={values.host_email} errors={errors} autocomplete="email" maxlength={254} required />
        <h2 safe>{t('host.about_event')}</h2>
        <EventFields page={page} values={values} errors={errors} />
        <button type="submit" safe>
          {t('host.submit')}
        </button>
      </form>
      <p>
        <a href={`/event_campaigns/${campaign.slug}`} safe>
          {t('campaign.back')}
        </a>
      </p>
    </Layout>
  );
}

/** A short page that says what happened and what to do next. */
export function NoticePage(props: { page: PageContext; title: string; body: string; back?: { href: string; text: string } }): JSX.Element {
  return (
    <Layout page={props.page} title={props.title}>
      <h1 safe>{props.title}</h1>
      <p role="status" safe>
        {props.body}
      </p>
      {props.back ? (
        <p>
          <a href={props.back.href} safe>
            {props.back.text}
          </a>
        </p>
      ) : (
        ''
      )}
    </Layout>
  );
}

/** The host's email link shows a button: mail scanners open links, and must not confirm anything. */
export function HostConfirmPage(props: { page: PageContext; title: string; action: string }): JSX.Element {
  const { t } = props.page;
  return ConfirmButtonPage({ page: props.page, title: t('host.confirm_title'), body: t('host.confirm_body', { title: props.title }), action: props.action, button: t('host.confirm_button') });
}
