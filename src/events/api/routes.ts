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
import type { FieldSpec } from '../../kits/api/filter.ts';
import { collectionRoute, COMMON_FILTERS } from '../../kits/api/list.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { document } from '../../kits/api/presenters.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { EventCreateBody, EventUpdateBody, presentEvent, STATUS } from './resource.ts';

const FILTERS: FieldSpec<repo.EventComparison['column']> = {
  ...COMMON_FILTERS,
  origin_system: { column: 'origin_system', kind: 'text' },
  title: { column: 'title', kind: 'text' },
  start_date: { column: 'start_at', kind: 'date' },
  end_date: { column: 'end_at', kind: 'date' },
};

/** The organization's event named by a URL identifier; another organization's is a 404 like a missing one. */
export const loadEvent = (db: Kysely<Database>, organizationId: string, rawId: string) =>
  loadByIdentifier('event', rawId, (id) => repo.findEvent(db, organizationId, id));


const DATE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A start or end as the API sends it. With an offset (`Z`, `-05:00`) it is an instant and is
 * read on the event's clock; without one it is already the wall-clock time of the event's zone.
 */
function readDate(field: string, raw: string, zone: string): { date: string; time: string } {
  const m = DATE.exec(raw.trim());
  if (!m) throw badRequest(`${field} must be a date and time like 2026-03-14T18:00:00 (the event's local time) or 2026-03-14T23:00:00Z, got ${JSON.stringify(raw)}`);
  if (m[3] !== undefined && m[3] !== '00') throw badRequest(`${field} must be on a whole minute`);
  if (!m[4]) return { date: m[1]!, time: m[2]! };
  const instant = DateTime.fromISO(raw.trim(), { setZone: true });
  if (!instant.isValid) throw badRequest(`${field} is not a real date and time: ${JSON.stringify(raw)}`);
  return utcToWallClock(instant.toUTC().toISO()!, zone);
}

// Where each of checkEvent's fields is in Action Network's event.
const API_FIELD: Record<string, string> = {
  title: 'title',
  description: 'description',
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

/** Applies a body to an event's input: on create over blanks, on update over the event as it is (PUT merges; null clears). */
function applyBody(input: EventInput, body: EventUpdateBody, current: EventRow | undefined): EventInput {
  const next: EventInput = { ...input, addressLines: [...input.addressLines] };
  const title = body.title ?? body.name;
  if (title !== undefined) next.title = cleanLine('title', title);
  if (body.description !== undefined) next.description = body.description ?? '';
  if (body.instructions !== undefined) next.instructions = body.instructions ?? '';
  if (body.timezone_identifier !== undefined) next.timezone = body.timezone_identifier;
  const zone = canonicalZone(next.timezone);
  if (!zone) throw badRequest(`timezone_identifier: ${en('eventedit.error.timezone')}, got ${JSON.stringify(next.timezone)}`);
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

export function eventApi(ctx: Context) {
  return async function (fastify: FastifyInstance) {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;
    const cache = eventCache(ctx);

    collectionRoute(fastify, { db, baseUrl, path: '/events', rel: 'osdi:events', filters: FILTERS, list: repo.listEvents, count: repo.countEvents, present: presentEvent });

    app.get<IdParams>('/events/:id', async (request) => {
      const event = await loadEvent(db, organizationOf(request).id, request.params.id);
      return document(baseUrl, presentEvent(baseUrl, event));
    });

    app.post('/events', { schema: { body: EventCreateBody } }, async (request) => {
      const org = organizationOf(request);
      const body = request.body;
      if (body.title === undefined && body.name === undefined) throw badRequest('title is required');
      if (body.timezone_identifier === undefined) {
        throw badRequest('timezone_identifier is required: the IANA time zone the event happens in, like America/Chicago');
      }
      if (body.status !== undefined && body.status !== 'confirmed') throw badRequest('status of a new event can only be "confirmed"');
      const blank: EventInput = {
        title: '',
        description: '',
        instructions: '',
        startDate: '',
        startTime: '',
        endDate: '',
        endTime: '',
        timezone: '',
        capacity: null,
        online: body['turnout:online'] ?? false,
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
      const { errors, columns } = checkEvent(applyBody(blank, body, undefined));
      if (!columns) throw apiErrors(errors);
      const origin = body.origin_system === undefined ? undefined : cleanLine('origin_system', body.origin_system.trim()) || undefined;
      const event = await ctx.committer.submit((uow) => createEvent(uow, org.id, columns, { originSystem: origin }));
      cache.forget(event.slug);
      return document(baseUrl, presentEvent(baseUrl, event));
    });

    // PUT merges, as Action Network's does. A new time or place is emailed to the attendees;
    // "status": "cancelled" cancels the event and emails everyone.
    app.put<IdParams & { Body: EventUpdateBody }>('/events/:id', { schema: { body: EventUpdateBody } }, async (request) => {
      const org = organizationOf(request);
      const event = await loadEvent(db, org.id, request.params.id);
      const body = request.body;
      const cancel = body.status === 'cancelled' && event.status !== 'cancelled';
      if (body.status !== undefined && body.status !== STATUS[event.status] && !cancel) {
        throw badRequest(`status can only be changed to "cancelled" here (it is "${STATUS[event.status]}")`);
      }
      const { errors, columns } = checkEvent(applyBody(inputOf(event), body, event));
      if (!columns) throw apiErrors(errors);
      try {
        await ctx.committer.submit(async (uow) => {
          await updateEvent(uow, event.id, columns);
          if (cancel) await cancelEvent(uow, event.id);
        });
      } catch (error) {
        if (error instanceof EventClosedError) throw new ApiError(409, 'This event is cancelled and can no longer be changed');
        throw error;
      }
      cache.forget(event.slug);
      return document(baseUrl, presentEvent(baseUrl, (await repo.findEvent(db, org.id, event.id))!));
    });
  };
}
