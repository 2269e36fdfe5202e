import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { DateTime } from 'luxon';
import type { Kysely } from 'kysely';
import type { Context } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import type { EventCampaign } from '../tables.ts';
import type { EventRow } from '../../events/index.ts';
import { translator, type MessageKey } from '../../i18n/index.ts';
import { canonicalZone, checkEvent, type EventInput, DEFAULT_REMINDERS } from '../../events/index.ts';
import * as repo from '../repository.ts';
import { addCampaignEvent, campaignTotals, checkCampaignFields, CAMPAIGN_LIMITS, createCampaign, emptyTotals, type CampaignTotals } from '../service.ts';
import { lookupZip } from '../places.ts';
import { hasVisibleText, isCleanText, isValidEmail, normalizeEmail } from '../../actions/people/normalize.ts';
import { nowIso } from '../../util/ids.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { badRequest } from '../../kits/api/errors.ts';
import { apiUrl, identifiers, link } from '../../kits/api/hal.ts';
import { listResource } from '../../kits/api/list.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { document } from '../../kits/api/presenters.ts';
import { eventResource } from '../../events/index.ts';
import { Nullable } from '../../kits/api/schema.ts';

// This module is loaded only when the API is mounted (index.ts), so waiting here costs nothing elsewhere.
const { EventCreateBody, presentEvent } = await eventResource();

// Event campaigns in Action Network's shape: GET /event_campaigns, GET /event_campaigns/:id,
// POST /event_campaigns, and POST /event_campaigns/:id/events to add an event to one (with
// Action Network's event field names). GET /event_campaigns/:id/events lists its events.

export function presentEventCampaign(baseUrl: string, c: EventCampaign, totals: CampaignTotals) {
  const self = apiUrl(baseUrl, `/event_campaigns/${c.id}`);
  return {
    identifiers: identifiers(c.id),
    origin_system: c.origin_system,
    created_date: c.created_at,
    modified_date: c.modified_at,
    title: c.title,
    description: c.description,
    browser_url: `${baseUrl}/event_campaigns/${c.slug}`,
    host_url: `${baseUrl}/event_campaigns/${c.slug}/host`,
    total_events: totals.events,
    total_rsvps: totals.rsvps,
    'turnout:total_attended': totals.attended,
    'turnout:status': c.status,
    _links: {
      self: link(self),
      'osdi:events': link(`${self}/events`),
    },
  };
}

/** An event of a campaign: the events API's resource, with its campaign named and linked as Action Network does. */
export function presentCampaignEvent(baseUrl: string, e: EventRow) {
  const event = presentEvent(baseUrl, e);
  return {
    ...event,
    'action_network:event_campaign_id': e.campaign_id,
    _links: {
      ...event._links,
      ...(e.campaign_id ? { 'action_network:event_campaign': link(apiUrl(baseUrl, `/event_campaigns/${e.campaign_id}`)) } : {}),
    },
  };
}

const CampaignCreateBody = Type.Object({
  // Lengths and clean text are checkCampaignFields', as for the console.
  title: Type.String(),
  description: Type.Optional(Nullable(Type.String())),
  origin_system: Type.Optional(Type.String({ maxLength: CAMPAIGN_LIMITS.originSystem })),
  'turnout:status': Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
});
type CampaignCreateBody = Static<typeof CampaignCreateBody>;

const Text = (max: number) => Type.Optional(Nullable(Type.String({ maxLength: max })));

// The events API's body, plus OSDI's `contact` for the event's host.
const EventBody = Type.Object({ ...EventCreateBody.properties, contact: Type.Optional(Nullable(Type.Object({ name: Text(100), email_address: Text(254) }))) });
type EventBody = Static<typeof EventBody>;

// Where each of the events service's field errors is in an Action Network body.
const API_FIELDS: Record<string, string> = {
  start_date: 'start_date',
  start_time: 'start_date',
  end_date: 'end_date',
  end_time: 'end_date',
  timezone: 'timezone_identifier',
  location_type: 'turnout:online',
  join_url: 'turnout:join_url',
  venue: 'location.venue',
  address_lines: 'location.address_lines',
  locality: 'location.locality',
  region: 'location.region',
  postal_code: 'location.postal_code',
  country: 'location.country',
  coordinates: 'location.location',
  reminders: 'reminders',
  visibility: 'visibility',
};

/** A one-line text field as sent, trimmed: no line breaks or control characters, and (`visible`) something that shows. */
function line(field: string, raw: string | null | undefined, visible = false): string | undefined {
  const v = raw?.trim();
  if (!v) return undefined;
  if (!isCleanText(v)) throw badRequest(`${field} contains line breaks, control or invalid characters`);
  if (visible && !hasVisibleText(v)) throw badRequest(`${field} must have letters or numbers that show, not only invisible characters`);
  return v;
}

/** A date and time as sent: with an offset (or Z) it is an instant, without one it is the wall clock of `zone`. */
function wallClock(field: string, raw: string, zone: string): { date: string; time: string } {
  const hasOffset = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(raw.trim());
  const at = hasOffset ? DateTime.fromISO(raw.trim(), { setZone: true }).setZone(zone) : DateTime.fromISO(raw.trim(), { zone });
  if (!at.isValid) throw badRequest(`${field} must be an ISO-8601 date and time, like 2030-06-07T18:00:00-05:00, got ${JSON.stringify(raw)}`);
  return { date: at.toFormat('yyyy-MM-dd'), time: at.toFormat('HH:mm') };
}

/**
 * Action Network's event fields (as the events API reads them) → the events service's input.
 * A US ZIP fills in the city, the state and the map position when they are not sent.
 */
export function eventInputOf(body: EventBody): EventInput {
  if (body.timezone_identifier === undefined) throw badRequest('timezone_identifier is required: the IANA time zone the event happens in, like America/Chicago');
  const zone = canonicalZone(body.timezone_identifier);
  if (!zone) throw badRequest(`timezone_identifier: ${translator('en')('eventedit.error.timezone')}, got ${JSON.stringify(body.timezone_identifier)}`);
  const start = wallClock('start_date', body.start_date, zone);
  const end = body.end_date
    ? wallClock('end_date', body.end_date, zone)
    : (() => {
        const at = DateTime.fromISO(`${start.date}T${start.time}`, { zone }).plus({ hours: 2 });
        return { date: at.toFormat('yyyy-MM-dd'), time: at.toFormat('HH:mm') };
      })();
  const loc = body.location ?? null;
  const online = body['turnout:online'] ?? loc === null;
  const country = (loc?.country ?? 'US').toUpperCase();
  const zip = country === 'US' && loc?.postal_code ? lookupZip(loc.postal_code) : null;
  return {
    title: body.title ?? body.name ?? '',
    description: body.description ?? '',
    instructions: body.instructions ?? '',
    startDate: start.date,
    startTime: start.time,
    endDate: end.date,
    endTime: end.time,
    timezone: zone,
    capacity: body.capacity ?? null,
    online,
    joinUrl: body['turnout:join_url'] ?? '',
    venue: loc?.venue ?? '',
    addressLines: loc?.address_lines ?? [],
    locality: loc?.locality || (zip ? zip.city : ''),
    region: loc?.region || (zip ? zip.state : ''),
    postalCode: loc?.postal_code ?? '',
    country,
    latitude: loc?.location?.latitude ?? zip?.latitude ?? null,
    longitude: loc?.location?.longitude ?? zip?.longitude ?? null,
    visibility: body.visibility === 'private' || body.visibility === 'unlisted' ? 'unlisted' : 'public',
    reminders: body.reminders ? body.reminders.map((r) => r.minutes) : DEFAULT_REMINDERS,
  };
}

/** The organization's campaign named by a URL identifier; another organization's is a 404 like a missing one. */
const loadCampaign = (db: Kysely<Database>, organizationId: string, rawId: string) =>
  loadByIdentifier('event campaign', rawId, (id) => repo.findCampaign(db, organizationId, id));

type IdParams = { Params: { id: string } };

export function eventCampaignApi(ctx: Context) {
  return async function (fastify: FastifyInstance) {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;
    const en = translator('en');

    app.get('/event_campaigns', async (request) => {
      const org = organizationOf(request);
      return listResource({
        query: request.query,
        baseUrl,
        path: '/event_campaigns',
        rel: 'osdi:event_campaigns',
        // The campaigns' totals are read beside the page, in one query for all of them.
        list: async (_, window) => {
          const [rows, totals] = await Promise.all([repo.listCampaigns(db, org.id, window), campaignTotals(db, org.id)]);
          return rows.map((campaign) => ({ campaign, totals: totals.get(campaign.id) ?? emptyTotals() }));
        },
        count: () => repo.countCampaigns(db, org.id),
        present: ({ campaign, totals }) => presentEventCampaign(baseUrl, campaign, totals),
      });
    });

    app.get<IdParams>('/event_campaigns/:id', async (request) => {
      const org = organizationOf(request);
      const campaign = await loadCampaign(db, org.id, request.params.id);
      const totals = await campaignTotals(db, org.id, campaign.id);
      return document(baseUrl, presentEventCampaign(baseUrl, campaign, totals.get(campaign.id) ?? emptyTotals()));
    });

    app.post('/event_campaigns', { schema: { body: CampaignCreateBody } }, async (request) => {
      const org = organizationOf(request);
      const body = request.body as CampaignCreateBody;
      const errors = checkCampaignFields({ title: body.title, description: body.description ?? '' });
      if (Object.keys(errors).length > 0) {
        // In English, the texts the API has always given: "title must not be empty".
        const messages = Object.values(errors).map((e) => {
          const values = { ...e!.values };
          if (typeof values.field === 'string') values.field = en(values.field as MessageKey);
          return en(e!.key, values);
        });
        throw badRequest(messages.join('; '));
      }
      const origin = line('origin_system', body.origin_system);
      const campaign = await createCampaign(db, org.id, { title: body.title, description: body.description ?? '', status: body['turnout:status'] ?? 'open', origin_system: origin }, nowIso());
      return document(baseUrl, presentEventCampaign(baseUrl, campaign, emptyTotals()));
    });

    app.get<IdParams>('/event_campaigns/:id/events', async (request) => {
      const org = organizationOf(request);
      const campaign = await loadCampaign(db, org.id, request.params.id);
      return listResource({
        query: request.query,
        baseUrl,
        path: `/event_campaigns/${campaign.id}/events`,
        rel: 'osdi:events',
        list: (_, window) => repo.campaignEventsPage(db, org.id, campaign.id, window),
        count: () => repo.countCampaignEvents(db, org.id, campaign.id),
        present: (e) => presentCampaignEvent(baseUrl, e),
      });
    });

    // Adds an event to the campaign, as Action Network's "create an event in a campaign". The
    // event is checked by the same rules as the console's; `contact` names its host.
    app.post<IdParams & { Body: EventBody }>('/event_campaigns/:id/events', { schema: { body: EventBody } }, async (request) => {
      const org = organizationOf(request);
      const campaign = await loadCampaign(db, org.id, request.params.id);
      const body = request.body;
      if (body.title === undefined && body.name === undefined) throw badRequest('title is required');
      if (body.status !== undefined && body.status !== 'confirmed' && body.status !== 'tentative') throw badRequest('status of a new event in a campaign is "confirmed" or "tentative" (awaiting approval)');
      const hostName = line('contact.name', body.contact?.name, true) ?? null;
      const originSystem = line('origin_system', body.origin_system);
      const { columns, errors } = checkEvent(eventInputOf(body));
      const hostEmail = body.contact?.email_address ? normalizeEmail(body.contact.email_address) : null;
      if (hostEmail && !isValidEmail(hostEmail)) errors.contact = { key: 'form.error.email' };
      if (!columns || Object.keys(errors).length > 0) {
        const messages = Object.entries(errors).map(([field, e]) => {
          const values = { ...e!.values };
          if (typeof values.field === 'string') values.field = en(values.field as MessageKey);
          return `${API_FIELDS[field] ?? field}: ${en(e!.key, values)}`;
        });
        throw badRequest(messages.join('; '));
      }
      const event = await ctx.committer.submit((uow) =>
        addCampaignEvent(uow, campaign, columns, {
          status: body.status === 'tentative' ? 'pending' : 'confirmed',
          hostName,
          hostEmail,
          originSystem,
        }),
      );
      return document(baseUrl, presentCampaignEvent(baseUrl, event));
    });
  };
}
