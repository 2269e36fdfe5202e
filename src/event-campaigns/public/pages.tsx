import { Layout, NoticePage as KitNoticePage, type Brand, type PageContext } from '../../kits/pages/layout.tsx';
import { shareImagePath, visibleCount, type ShareCard } from '../../kits/pages/share-image.ts';
import { actionShareMeta, type ShareMeta } from '../../kits/pages/share-meta.ts';
import '../messages.ts';
import type { Language } from '../../i18n/index.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { HOST_NAME_MAX, type EventFormValues } from '../event-draft.ts';
import { EVENT_FIELD_ORDER, EventFields } from './event-form.tsx';
import { ErrorSummary, SelectField, TextField } from '../../kits/pages/form-parts.tsx';
import { ConfirmButtonPage } from '../../kits/pages/confirm-page.tsx';
import { campaignMap, onMap, type MapCluster, type MapEvent } from '../map.ts';
import { DEFAULT_DISTANCE, DISTANCES, eventPoint, isCovered, milesBetween } from '../places.ts';
import { inLanguage, type InLanguage } from '../../kits/pages/localized.ts';
import type { PublicCampaignEvent } from '../repository.ts';

export interface PublicCampaign {
  slug: string;
  title: string;
  description: string;
  /** The Spanish versions (null: the English text is shown on Spanish pages too). */
  title_es?: string | null;
  description_es?: string | null;
  status: 'open' | 'closed';
  organization_name: string;
  /** The sponsor as the header shows it (src/orgs/brand.ts). */
  brand?: Brand & { accent?: string | null };
}

/** What the campaign's share picture shows: how many events are coming, in visible steps. */
/** The campaign in the reader's language (src/kits/pages/localized.ts). */
export function campaignInLanguage<C extends PublicCampaign>(page: PageContext, campaign: C): InLanguage<C, 'title' | 'description'> {
  return inLanguage(page.lang, campaign, ['title', 'description'] as const);
}

export function campaignShareCard(page: PageContext, stored: PublicCampaign, upcoming: number): ShareCard {
  const campaign = campaignInLanguage(page, stored);
  return {
    title: campaign.title,
    organization: campaign.brand?.name || campaign.organization_name,
    headline: page.t('campaign.upcoming', { count: visibleCount(upcoming) }),
    note: campaign.status === 'closed' ? page.t('campaign.closed') : null,
    accent: campaign.brand?.accent ?? null,
  };
}

function campaignShare(page: PageContext, stored: PublicCampaign, upcoming: number): ShareMeta {
  const campaign = campaignInLanguage(page, stored);
  const path = `/event_campaigns/${campaign.slug}`;
  const card = campaignShareCard(page, campaign, upcoming);
  return actionShareMeta({ path, title: campaign.title, markdown: campaign.description, image: shareImagePath(path, page.lang, card), card });
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
  const country = event.country && event.country !== 'US' ? (new Intl.DisplayNames([lang], { type: 'region' }).of(event.country) ?? event.country) : '';
  const place = event.online ? t('campaign.online') : [event.venue, [cityOf(event), country].filter(Boolean).join(', ')].filter(Boolean).join(' · ');
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

/** The in-person events that have a place on the map, each marked as within the search or not. */
export function mapEventsOf(events: PublicCampaignEvent[], matches: Set<string> | null): MapEvent[] {
  const out: MapEvent[] = [];
  for (const e of events) {
    const point = eventPoint(e);
    if (!point || !onMap(point)) continue;
    out.push({ slug: e.slug, title: e.title, place: cityOf(e) || e.postal_code || '', postal_code: e.postal_code, ...point, match: matches === null || matches.has(e.id) });
  }
  return out;
}

/** The places on the map, each once, with how many events it has: the map's text alternative. */
function placesText(events: MapEvent[]): string {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.place, (counts.get(e.place) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([place, n]) => (n > 1 ? `${place} (${n})` : place))
    .join('; ');
}

/** The place most of a circle's events are in, to name the circle. */
function mainPlace(cluster: MapCluster): string {
  const counts = new Map<string, number>();
  for (const e of cluster.events) counts.set(e.place, (counts.get(e.place) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
}

/** Where a circle of several events leads: the search around them, wide enough to hold them all. */
function clusterSearch(slug: string, cluster: MapCluster): string {
  const first = cluster.events.find((e) => e.postal_code);
  if (!first?.postal_code) return `/event_campaigns/${slug}#results-heading`;
  const spread = Math.max(...cluster.events.map((e) => milesBetween(first, e)));
  const miles = DISTANCES.find((d) => d >= spread) ?? DISTANCES[DISTANCES.length - 1];
  return `/event_campaigns/${slug}?zip=${encodeURIComponent(first.postal_code)}&distance=${miles}#results-heading`;
}

export function CampaignPage(props: {
  page: PageContext;
  campaign: PublicCampaign;
  events: PublicCampaignEvent[];
  /** The search results, sorted by distance; null when nobody searched (or the search was wrong). */
  results: ListedEvent[] | null;
  search: { zip: string; distance: string; miles: number | null; origin?: { latitude: number; longitude: number } | null };
  errors: FieldErrors;
}): JSX.Element {
  const { page, events, results, search, errors } = props;
  const campaign = campaignInLanguage(page, props.campaign);
  const { t } = page;
  const inPerson = events.filter((e) => !e.online);
  const online = events.filter((e) => e.online);
  // In person but where the offline table places nothing (outside the US and Canada): listed apart during a search.
  const unplaced = results === null ? [] : inPerson.filter((e) => eventPoint(e) === null);
  const matches = results === null ? null : new Set(results.map((r) => r.event.id));
  const onTheMap = mapEventsOf(events, matches);
  const region = search.origin && search.miles ? { ...search.origin, miles: search.miles } : null;
  const wrong = Object.keys(errors).length > 0;
  const title = wrong ? `${t('error.summary')}: ${campaign.title}` : campaign.title;
  const list = results ?? inPerson.map((event) => ({ event, miles: null }));
  const heading =
    results === null
      ? t('campaign.upcoming', { count: inPerson.length })
      : t('campaign.results', { count: results.length, miles: search.miles ?? DEFAULT_DISTANCE, zip: search.zip });
  const map = campaignMap({
    title: region ? t('campaign.map_title_search', { miles: search.miles!, zip: search.zip }) : t('campaign.map_title', { count: onTheMap.length }),
    describedBy: 'map-cities',
    events: onTheMap,
    region,
    originLabel: region ? t('campaign.map_origin', { zip: search.zip }) : undefined,
    clusterHref: (c) => clusterSearch(campaign.slug, c),
    label: (c) =>
      c.events.length === 1
        ? t('campaign.map_event', { title: c.events[0]!.title, place: c.events[0]!.place })
        : t(c.match && matches ? 'campaign.map_cluster_match' : 'campaign.map_cluster', { count: c.events.length, place: mainPlace(c) }),
  });
  const elsewhere = inPerson.some((e) => !isCovered(e.country));
  return (
    <Layout page={page} title={title} share={campaignShare(page, campaign, inPerson.length + online.length)} brand={campaign.brand}>
      <h1 lang={campaign.langs.title} safe>
        {campaign.title}
      </h1>
      <p class="hint" safe>
        {t('campaign.by', { org: campaign.organization_name })}
      </p>
      {campaign.langs.description ? <div lang={campaign.langs.description}>{paragraphs(campaign.description).join('') as 'safe'}</div> : (paragraphs(campaign.description).join('') as 'safe')}
      {campaign.status === 'open' ? (
        <p>
          <a href={`/event_campaigns/${campaign.slug}/host`}>
            <strong safe>{t('campaign.host_cta')}</strong>
          </a>{' '}
          <span safe>{t('campaign.host_pitch')}</span>
        </p>
      ) : (
        <p class="closed" role="status" safe>
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
        {elsewhere || unplaced.length > 0 ? (
          <p class="hint" safe>
            {t('campaign.coverage_note')}
          </p>
        ) : (
          ''
        )}
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
      {unplaced.length > 0 ? (
        <section aria-labelledby="unplaced-heading">
          <h2 id="unplaced-heading" safe>
            {t('campaign.unplaced_heading', { count: unplaced.length })}
          </h2>
          <ol class="petition-list event-list">
            {unplaced.map((event) => (
              <EventItem page={page} item={{ event, miles: null }} />
            ))}
          </ol>
        </section>
      ) : (
        ''
      )}
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
          {onTheMap.length === 0 ? t('campaign.map_empty') : t('campaign.map_cities', { cities: placesText(onTheMap) })}
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
  const { page, values, errors } = props;
  const campaign = campaignInLanguage(page, props.campaign);
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
        <TextField page={page} name="host_name" label={t('host.name')} hint={t('host.name_hint')} value={values.host_name} errors={errors} autocomplete="name" maxlength={HOST_NAME_MAX} required />
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

/** A short page that says what happened and what to do next (the kit's notice, its body a status message). */
export function NoticePage(props: { page: PageContext; title: string; titleLang?: Language; body: string; back?: { href: string; text: string } }): JSX.Element {
  return KitNoticePage({ page: props.page, title: props.title, titleLang: props.titleLang, body: props.body, status: true, back: props.back ? { href: props.back.href, label: props.back.text } : undefined });
}

/** The host's email link shows a button: mail scanners open links, and must not confirm anything. */
export function HostConfirmPage(props: { page: PageContext; title: string; action: string }): JSX.Element {
  const { t } = props.page;
  return ConfirmButtonPage({ page: props.page, title: t('host.confirm_title'), body: t('host.confirm_body', { title: props.title }), action: props.action, button: t('host.confirm_button') });
}
