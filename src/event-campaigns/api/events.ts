import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { DateTime } from 'luxon';
import type { Kysely } from 'kysely';
import type { Context } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import type { EventCampaign } from '../tables.ts';
import type { EventRow } from '../../events/index.ts';
import { translator, type MessageKey } from '../../i18n/index.ts';
import { canonicalZone, checkEvent, type EventInput, DEFAULT_REMINDERS } from '../../events/index.ts';
import { addCampaignEvent } from '../service.ts';
import { lookupZip } from '../places.ts';
import { hasVisibleText, isCleanText, isValidEmail, normalizeEmail } from '../../actions/people/normalize.ts';
import { organizationTimeZone } from '../../mailings/index.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { badRequest } from '../../kits/api/errors.ts';
import { apiUrl, link } from '../../kits/api/hal.ts';
import { addIdentifiers, attachIdentifiers, attachIdentifiersTo, checkIdentifiers, readIdentifiers, resolveIdentifierFilters } from '../../kits/api/identifiers.ts';
import type { FieldSpec } from '../../kits/api/filter.ts';
import { COMMON_FILTERS, listMatching } from '../../kits/api/list.ts';
import { countCampaignEventsMatching, listCampaignEventsMatching, type CampaignEventColumn } from './queries.ts';
import { document } from '../../kits/api/presenters.ts';
import { eventResource } from '../../events/index.ts';
import { Nullable } from '../../kits/api/schema.ts';

// This module is loaded only when the API is mounted (index.ts), so waiting here costs nothing elsewhere.
const { EventCreateBody, presentEvent, readEventDate, zoneOfPlace } = await eventResource();

// A campaign's events: GET /event_campaigns/:id/events, and POST there to add an event to the
// campaign with Action Network's event field names (as the events API reads them).

/** An event of a campaign: the events API's resource, with its campaign named and linked as Action Network does. */
export function presentCampaignEvent(baseUrl: string, e: EventRow, otherIdentifiers: readonly string[] = []) {
  const event = presentEvent(baseUrl, e, otherIdentifiers);
  return {
    ...event,
    'action_network:event_campaign_id': e.campaign_id,
    _links: {
      ...event._links,
      ...(e.campaign_id ? { 'action_network:event_campaign': link(apiUrl(baseUrl, `/event_campaigns/${e.campaign_id}`)) } : {}),
    },
  };
}

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
export function line(field: string, raw: string | null | undefined, visible = false): string | undefined {
  const v = raw?.trim();
  if (!v) return undefined;
  if (!isCleanText(v)) throw badRequest(`${field} contains line breaks, control or invalid characters`);
  if (visible && !hasVisibleText(v)) throw badRequest(`${field} must have letters or numbers that show, not only invisible characters`);
  return v;
}

function wallClock(field: string, raw: string, zone: string): { date: string; time: string } {
  const read = readEventDate(field, raw, zone);
  if ('error' in read) throw badRequest(read.error);
  return read;
}

/** The zone sent, else the one the event's place is in, else the organization's. */
async function zoneOf(db: Kysely<Database>, organizationId: string, body: EventBody): Promise<string> {
  if (body.timezone_identifier !== undefined) {
    const zone = canonicalZone(body.timezone_identifier);
    if (!zone) throw badRequest(`timezone_identifier: ${translator('en')('eventedit.error.timezone')}, got ${JSON.stringify(body.timezone_identifier)}`);
    return zone;
  }
  const l = body.location ?? undefined;
  const place = await zoneOfPlace({ postalCode: l?.postal_code, region: l?.region, country: l?.country, latitude: l?.location?.latitude, longitude: l?.location?.longitude });
  return place ?? canonicalZone((await organizationTimeZone(db, organizationId)) ?? '') ?? 'America/New_York';
}

/**
 * Action Network's event fields (as the events API reads them) → the events service's input.
 * A US ZIP fills in the city, the state and the map position when they are not sent.
 */
export function eventInputOf(body: EventBody, zone: string): EventInput {
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
    addressPublic: loc?.public === true,
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

type IdParams = { Params: { id: string } };

// The events API's filters, on the campaign's events.
const EVENT_FILTERS: FieldSpec<CampaignEventColumn> = {
  ...COMMON_FILTERS,
  origin_system: { column: 'origin_system', kind: 'text' },
  title: { column: 'title', kind: 'text' },
  start_date: { column: 'start_at', kind: 'date' },
  end_date: { column: 'end_at', kind: 'date' },
};

export function campaignEventRoutes(ctx: Context, loadCampaign: (db: Kysely<Database>, organizationId: string, rawId: string) => Promise<EventCampaign>) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;
    const en = translator('en');

    app.get<IdParams>('/event_campaigns/:id/events', async (request) => {
      const org = organizationOf(request);
      const campaign = await loadCampaign(db, org.id, request.params.id);
      return listMatching({
        query: request.query,
        baseUrl,
        path: `/event_campaigns/${campaign.id}/events`,
        rel: 'osdi:events',
        filters: EVENT_FILTERS,
        list: async (where, window) =>
          attachIdentifiers(db, org.id, 'event', await listCampaignEventsMatching(db, org.id, campaign.id, await resolveIdentifierFilters(db, org.id, 'event', where), window)),
        count: async (where) => countCampaignEventsMatching(db, org.id, campaign.id, await resolveIdentifierFilters(db, org.id, 'event', where)),
        present: (e) => presentCampaignEvent(baseUrl, e, e.other_identifiers),
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
      const others = readIdentifiers(body.identifiers);
      const { columns, errors } = checkEvent(eventInputOf(body, await zoneOf(db, org.id, body)), { placeOptional: true });
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
      await checkIdentifiers(db, org.id, 'event', null, others);
      const event = await ctx.committer.submit(async (uow) => {
        const made = await addCampaignEvent(uow, campaign, columns, { status: body.status === 'tentative' ? 'pending' : 'confirmed', hostName, hostEmail, originSystem });
        await addIdentifiers(uow.trx, org.id, 'event', made.id, others, uow.now);
        return made;
      });
      const shown = (await attachIdentifiersTo(db, org.id, 'event', event))!;
      return document(baseUrl, presentCampaignEvent(baseUrl, shown, shown.other_identifiers));
    });
  };
}
