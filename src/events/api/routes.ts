import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Context } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import type { EventRow } from '../tables.ts';
import * as repo from '../repository.ts';
import { cancelEvent, createEvent, EventClosedError, updateEvent } from '../service.ts';
import { canonicalZone, checkEvent, inputOf, utcToWallClock, type EventInput, DEFAULT_REMINDERS } from '../fields.ts';
import { eventCache } from '../public-cache.ts';
import { translator, type MessageKey } from '../../i18n/index.ts';
import { isCleanText } from '../../actions/people/normalize.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { ApiError, badRequest } from '../../kits/api/errors.ts';
import type { Condition, FieldSpec } from '../../kits/api/filter.ts';
import { countEventsMatching, listEventsMatching, type EventColumn } from './queries.ts';
import { COMMON_FILTERS, listMatching, type PageWindow } from '../../kits/api/list.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { document } from '../../kits/api/presenters.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { EventCreateBody, EventUpdateBody, presentEvent, readEventDate, STATUS } from './resource.ts';
import { zoneOfPlace } from './zone.ts';
import { addIdentifiers, attachIdentifiers, checkIdentifiers, identifiersOf, readIdentifiers, resolveIdentifierFilters } from '../../kits/api/identifiers.ts';
import { organizationTimeZone } from '../../mailings/index.ts';

const FILTERS: FieldSpec<EventColumn> = {
  ...COMMON_FILTERS,
  origin_system: { column: 'origin_system', kind: 'text' },
  title: { column: 'title', kind: 'text' },
  start_date: { column: 'start_at', kind: 'date' },
  end_date: { column: 'end_at', kind: 'date' },
};

/** The organization's event named by a URL identifier; another organization's is a 404 like a missing one. */
export const loadEvent = (db: Kysely<Database>, organizationId: string, rawId: string) =>
  loadByIdentifier('event', rawId, (id) => repo.findEvent(db, organizationId, id));


// Where each of checkEvent's fields is in Action Network's event.
const API_FIELD: Record<string, string> = {
  title: 'title',
  description: 'description',
  title_es: 'turnout:title_es',
  description_es: 'turnout:description_es',
  instructions: 'instructions',
  start_date: 'start_date',
  start_time: 'start_date',
  end_date: 'end_date',
  end_time: 'end_date',
  timezone: 'timezone_identifier',
  capacity: 'capacity',
  location_type: 'turnout:online',
  join_url: 'turnout:join_url',
  venue: 'location.venue',
  address_lines: 'location.address_lines',
  locality: 'location.locality',
  region: 'location.region',
  postal_code: 'location.postal_code',
  country: 'location.country',
  coordinates: 'location.location',
  visibility: 'visibility',
  reminders: 'reminders',
};

const en = translator('en');

function apiErrors(errors: FieldErrors): ApiError {
  const messages = Object.entries(errors).map(([field, e]) => {
    const values = { ...e!.values };
    if (typeof values.field === 'string') values.field = en(values.field as MessageKey);
    return `${API_FIELD[field] ?? field}: ${en(e!.key, values)}`;
  });
  return badRequest(messages.join('; '));
}

function cleanLine(field: string, raw: string): string {
  if (!isCleanText(raw)) throw badRequest(`${field} contains line breaks, control or invalid characters`);
  return raw;
}

function readDate(field: string, raw: string, zone: string) {
  const read = readEventDate(field, raw, zone);
  if ('error' in read) throw badRequest(read.error);
  return read;
}

/**
 * The zone of an event: the one sent, else (on create) the one its place is in, else the
 * organization's; an event being updated keeps its own unless a new one is sent.
 */
export async function eventZone(db: Kysely<Database>, organizationId: string, body: EventUpdateBody, current: EventRow | undefined): Promise<string> {
  if (body.timezone_identifier !== undefined) {
    const zone = canonicalZone(body.timezone_identifier);
    if (!zone) throw badRequest(`timezone_identifier: ${en('eventedit.error.timezone')}, got ${JSON.stringify(body.timezone_identifier)}`);
    return zone;
  }
  if (current) return current.timezone;
  const l = body.location ?? undefined;
  const place = await zoneOfPlace({ postalCode: l?.postal_code, region: l?.region, country: l?.country, latitude: l?.location?.latitude, longitude: l?.location?.longitude });
  return place ?? canonicalZone((await organizationTimeZone(db, organizationId)) ?? '') ?? 'America/New_York';
}

/** Applies a body to an event's input: on create over blanks, on update over the event as it is (PUT merges; null clears). */
function applyBody(input: EventInput, body: EventUpdateBody, current: EventRow | undefined, zone: string): EventInput {
  const next: EventInput = { ...input, addressLines: [...input.addressLines] };
  const title = body.title ?? body.name;
  if (title !== undefined) next.title = cleanLine('title', title);
  if (body.description !== undefined) next.description = body.description ?? '';
  if (body.instructions !== undefined) next.instructions = body.instructions ?? '';
  if (body['turnout:title_es'] !== undefined) next.titleEs = body['turnout:title_es'];
  if (body['turnout:description_es'] !== undefined) next.descriptionEs = body['turnout:description_es'];
  next.timezone = zone;
  if (body.start_date !== undefined) {
    const start = readDate('start_date', body.start_date, zone);
    next.startDate = start.date;
    next.startTime = start.time;
  }
  if (body.end_date) {
    const end = readDate('end_date', body.end_date, zone);
    next.endDate = end.date;
    next.endTime = end.time;
  } else if (body.start_date !== undefined || body.end_date === null) {
    // No end given: the event keeps its length (two hours for a new one).
    const startAt = DateTime.fromISO(`${next.startDate}T${next.startTime}`, { zone });
    const length = current ? Date.parse(current.end_at) - Date.parse(current.start_at) : 2 * 3600_000;
    if (startAt.isValid) {
      const end = utcToWallClock(startAt.plus({ milliseconds: length }).toUTC().toISO()!, zone);
      next.endDate = end.date;
      next.endTime = end.time;
    }
  }
  if (body.capacity !== undefined) next.capacity = body.capacity;
  if (body['turnout:online'] !== undefined) next.online = body['turnout:online'];
  if (body['turnout:join_url'] !== undefined) next.joinUrl = body['turnout:join_url'] ?? '';
  if (body.location === null) {
    Object.assign(next, { venue: '', addressLines: [], locality: '', region: '', postalCode: '', latitude: null, longitude: null });
  } else if (body.location) {
    const l = body.location;
    if (l.venue !== undefined) next.venue = l.venue ?? '';
    if (l.address_lines !== undefined) next.addressLines = l.address_lines ?? [];
    if (l.locality !== undefined) next.locality = l.locality ?? '';
    if (l.region !== undefined) next.region = l.region ?? '';
    if (l.postal_code !== undefined) next.postalCode = l.postal_code ?? '';
    if (l.country !== undefined) next.country = l.country ?? '';
    if (l.public !== undefined) next.addressPublic = l.public === true;
    if (l.location !== undefined) {
      next.latitude = l.location?.latitude ?? null;
      next.longitude = l.location?.longitude ?? null;
    }
  }
  if (body.visibility !== undefined) next.visibility = body.visibility === 'public' ? 'public' : 'unlisted';
  if (body.reminders !== undefined) {
    const reminders = body.reminders ?? [];
    reminders.forEach((r, i) => {
      if (r.method !== undefined && r.method !== 'email') throw badRequest(`reminders[${i}].method must be "email": turnout sends no text messages`);
    });
    next.reminders = reminders.map((r) => r.minutes);
  }
  return next;
}

type IdParams = { Params: { id: string } };

const TYPE = 'event';

/** The organization's events for the API, with the identifiers other systems gave them; `identifier eq 'mycal:123'` finds the one it names. */
export const listIdentifiedEvents = async (db: Kysely<Database>, organizationId: string, where: Condition<EventColumn>, window: PageWindow) =>
  attachIdentifiers(db, organizationId, TYPE, await listEventsMatching(db, organizationId, await resolveIdentifierFilters(db, organizationId, TYPE, where), window));
export const countIdentifiedEvents = async (db: Kysely<Database>, organizationId: string, where: Condition<EventColumn>) =>
  countEventsMatching(db, organizationId, await resolveIdentifierFilters(db, organizationId, TYPE, where));

/** The event as the API shows it, with every identifier it has. */
async function shown(db: Kysely<Database>, baseUrl: string, organizationId: string, event: EventRow) {
  const other = (await identifiersOf(db, organizationId, TYPE, [event.id])).get(event.id) ?? [];
  return document(baseUrl, presentEvent(baseUrl, event, other));
}

const BLANK: EventInput = {
  title: '',
  description: '',
  instructions: '',
  startDate: '',
  startTime: '',
  endDate: '',
  endTime: '',
  timezone: '',
  capacity: null,
  online: false,
  joinUrl: '',
  venue: '',
  addressLines: [],
  locality: '',
  region: '',
  postalCode: '',
  country: 'US',
  latitude: null,
  longitude: null,
  visibility: 'public',
  reminders: [...DEFAULT_REMINDERS],
};

export function eventApi(ctx: Context) {
  return async function (fastify: FastifyInstance) {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;
    const cache = eventCache(ctx);

    app.get('/events', async (request) => {
      const org = organizationOf(request);
      return listMatching({
        query: request.query,
        baseUrl,
        path: '/events',
        rel: 'osdi:events',
        filters: FILTERS,
        list: (where, window) => listIdentifiedEvents(db, org.id, where, window),
        count: (where) => countIdentifiedEvents(db, org.id, where),
        present: (e) => presentEvent(baseUrl, e, e.other_identifiers),
      });
    });

    app.get<IdParams>('/events/:id', async (request) => {
      const org = organizationOf(request);
      return shown(db, baseUrl, org.id, await loadEvent(db, org.id, request.params.id));
    });

    app.post('/events', { schema: { body: EventCreateBody } }, async (request) => {
      const org = organizationOf(request);
      const body = request.body;
      if (body.title === undefined && body.name === undefined) throw badRequest('title is required');
      if (body.status !== undefined && body.status !== 'confirmed') throw badRequest('status of a new event can only be "confirmed"');
      const others = readIdentifiers(body.identifiers);
      const zone = await eventZone(db, org.id, body, undefined);
      const { errors, columns } = checkEvent(applyBody({ ...BLANK, online: body['turnout:online'] ?? false }, body, undefined, zone), { placeOptional: true });
      if (!columns) throw apiErrors(errors);
      const origin = body.origin_system === undefined ? undefined : cleanLine('origin_system', body.origin_system.trim()) || undefined;
      await checkIdentifiers(db, org.id, TYPE, null, others);
      const event = await ctx.committer.submit(async (uow) => {
        const made = await createEvent(uow, org.id, columns, { originSystem: origin });
        await addIdentifiers(uow.trx, org.id, TYPE, made.id, others, uow.now);
        return made;
      });
      cache.forget(event.slug);
      return shown(db, baseUrl, org.id, event);
    });

    // PUT merges, as Action Network's does. A new time or place is emailed to the attendees;
    // "status": "cancelled" cancels the event and emails everyone; identifiers sent are added.
    app.put<IdParams & { Body: EventUpdateBody }>('/events/:id', { schema: { body: EventUpdateBody } }, async (request) => {
      const org = organizationOf(request);
      const event = await loadEvent(db, org.id, request.params.id);
      const body = request.body;
      const cancel = body.status === 'cancelled' && event.status !== 'cancelled';
      if (body.status !== undefined && body.status !== STATUS[event.status] && !cancel) {
        throw badRequest(`status can only be changed to "cancelled" here (it is "${STATUS[event.status]}")`);
      }
      const others = readIdentifiers(body.identifiers);
      const zone = await eventZone(db, org.id, body, event);
      const { errors, columns } = checkEvent(applyBody(inputOf(event), body, event, zone), { placeOptional: true });
      if (!columns) throw apiErrors(errors);
      await checkIdentifiers(db, org.id, TYPE, event.id, others);
      try {
        await ctx.committer.submit(async (uow) => {
          await updateEvent(uow, event.id, columns);
          if (cancel) await cancelEvent(uow, event.id);
          await addIdentifiers(uow.trx, org.id, TYPE, event.id, others, uow.now);
        });
      } catch (error) {
        if (error instanceof EventClosedError) throw new ApiError(409, 'This event is cancelled and can no longer be changed');
        throw error;
      }
      cache.forget(event.slug);
      return shown(db, baseUrl, org.id, (await repo.findEvent(db, org.id, event.id))!);
    });
  };
}
