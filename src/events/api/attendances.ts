import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Context } from '../../context.ts';
import type { Attendance } from '../tables.ts';
import * as repo from '../repository.ts';
import { findPerson } from '../../actions/people/repository.ts';
import { isCleanText } from '../../actions/people/normalize.ts';
import { LIMITS } from '../../actions/people/validate.ts';
import { cleanPhone, EventClosedError, rsvp } from '../service.ts';
import { eventCache } from '../public-cache.ts';
import type { Referral } from '../../actions/core.ts';
import { ApiError, badRequest, notFound } from '../../kits/api/errors.ts';
import { parseFilter, toComparisons, type FieldSpec } from '../../kits/api/filter.ts';
import { apiUrl, collection, filterParam, identifiers, link, pageWindow, parseIdentifier, parsePaging } from '../../kits/api/hal.ts';
import { PersonBody, readPerson, readTags, TagsBody } from '../../kits/api/person-input.ts';
import { document, presentPerson } from '../../kits/api/presenters.ts';
import { loadEvent } from './routes.ts';
import { loadPerson } from '../../kits/api/people.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { Nullable } from '../../kits/api/schema.ts';

const FILTERS: FieldSpec<repo.AttendanceComparison['column']> = {
  identifier: { column: 'id', kind: 'identifier' },
  created_date: { column: 'created_at', kind: 'date' },
  modified_date: { column: 'modified_at', kind: 'date' },
};

const CLOSED: Record<EventClosedError['reason'], string> = {
  past: 'This event is over and takes no more RSVPs',
  cancelled: 'This event is cancelled and takes no more RSVPs',
  not_open: 'This event is not open for RSVPs (it awaits approval or was rejected)',
};

/** An attendance as Action Network's resource; `status` is accepted, waitlisted or cancelled. */
export function presentAttendance(baseUrl: string, a: Attendance) {
  const event = apiUrl(baseUrl, `/events/${a.event_id}`);
  return {
    identifiers: identifiers(a.id),
    origin_system: 'turnout',
    created_date: a.created_at,
    modified_date: a.modified_at,
    status: a.status,
    attended: Number(a.attended) === 1,
    comment: a.comment,
    'action_network:person_id': a.person_id,
    'action_network:event_id': a.event_id,
    'action_network:referrer_data': { source: a.source, referrer: a.referrer },
    'turnout:waitlist_position': a.waitlist_position,
    'turnout:phone_number': a.phone,
    _links: {
      self: link(`${event}/attendances/${a.id}`),
      'osdi:person': link(apiUrl(baseUrl, `/people/${a.person_id}`)),
      'osdi:event': link(event),
    },
  };
}

const ReferrerData = Type.Object({
  source: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  referrer: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
});

/** The record attendance helper's body, as Action Network takes it. */
const RecordAttendanceBody = Type.Object({
  person: Type.Intersect([
    PersonBody,
    Type.Object({ phone_numbers: Type.Optional(Type.Array(Type.Object({ number: Type.Optional(Nullable(Type.String({ maxLength: 40 }))) }), { maxItems: 10 })) }),
  ]),
  comment: Type.Optional(Nullable(Type.String())),
  add_tags: Type.Optional(TagsBody),
  triggers: Type.Optional(Type.Object({ autoresponse: Type.Optional(Type.Object({ enabled: Type.Optional(Type.Boolean()) })) })),
  'action_network:referrer_data': Type.Optional(ReferrerData),
  referrer_data: Type.Optional(ReferrerData),
});
type RecordAttendanceBody = Static<typeof RecordAttendanceBody>;

type Owner = repo.AttendanceOwner;
type ListParams = { Params: { id: string } };
type OneParams = { Params: { id: string; attendanceId: string } };

export function attendanceApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    async function list(organizationId: string, owner: Owner, path: string, query: Record<string, unknown>) {
      const paging = parsePaging(query);
      const filter = filterParam(query);
      const where = toComparisons(parseFilter(filter, Object.keys(FILTERS)), FILTERS);
      const [rows, total] = await Promise.all([
        repo.listAttendances(db, organizationId, owner, where, pageWindow(paging)),
        repo.countAttendances(db, organizationId, owner, where),
      ]);
      return collection({ baseUrl, path, rel: 'osdi:attendances', items: rows.map((row) => presentAttendance(baseUrl, row)), total, paging, filter });
    }

    async function one(organizationId: string, owner: Owner, rawId: string) {
      const id = parseIdentifier(rawId);
      const attendance = id ? await repo.findAttendanceIn(db, organizationId, owner, id) : undefined;
      if (!attendance) throw notFound('attendance', rawId);
      return document(baseUrl, presentAttendance(baseUrl, attendance));
    }

    app.get<ListParams>('/events/:id/attendances', async (request) => {
      const org = organizationOf(request);
      const event = await loadEvent(db, org.id, request.params.id);
      return list(org.id, { eventId: event.id }, `/events/${event.id}/attendances`, request.query as Record<string, unknown>);
    });

    app.get<OneParams>('/events/:id/attendances/:attendanceId', async (request) => {
      const org = organizationOf(request);
      const event = await loadEvent(db, org.id, request.params.id);
      return one(org.id, { eventId: event.id }, request.params.attendanceId);
    });

    app.get<ListParams>('/people/:id/attendances', async (request) => {
      const org = organizationOf(request);
      const person = await loadPerson(db, org.id, request.params.id);
      return list(org.id, { personId: person.id }, `/people/${person.id}/attendances`, request.query as Record<string, unknown>);
    });

    app.get<OneParams>('/people/:id/attendances/:attendanceId', async (request) => {
      const org = organizationOf(request);
      const person = await loadPerson(db, org.id, request.params.id);
      return one(org.id, { personId: person.id }, request.params.attendanceId);
    });

    // The record attendance helper: the same rsvp() as the public page, so a repeat RSVP is
    // counted once and answered with the attendance already made, and a full event waitlists.
    app.post<ListParams & { Body: RecordAttendanceBody }>('/events/:id/attendances', { schema: { body: RecordAttendanceBody } }, async (request) => {
      const org = organizationOf(request);
      const event = await loadEvent(db, org.id, request.params.id);
      const body = request.body;
      const { person, optIn, language } = readPerson(body.person);
      const tags = readTags(body.add_tags);
      const comment = readComment(body.comment);
      const phoneRaw = body.person.phone_numbers?.[0]?.number?.trim() ?? '';
      const phone = phoneRaw ? cleanPhone(phoneRaw) : null;
      if (phoneRaw && !phone) throw badRequest('person.phone_numbers[0].number must be a phone number with 7 to 15 digits');
      const referral = readReferral(body['action_network:referrer_data'] ?? body.referrer_data);
      let result;
      try {
        result = await ctx.committer.submit((uow) =>
          rsvp(uow, event.id, {
            person,
            phone,
            comment,
            optIn,
            optInWording: 'API',
            language: language ?? 'en',
            referral,
            tags,
            // As at Action Network, the autoresponse (here the RSVP confirmation) only when asked for.
            notify: body.triggers?.autoresponse?.enabled === true,
          }),
        );
      } catch (error) {
        if (error instanceof EventClosedError) throw new ApiError(409, CLOSED[error.reason]);
        throw error;
      }
      eventCache(ctx).forget(event.slug);
      const attendance = await repo.findAttendanceIn(db, org.id, { eventId: event.id }, result.attendanceId);
      const attendee = attendance && (await findPerson(db, org.id, attendance.person_id));
      if (!attendance || !attendee) throw new Error(`attendance ${result.attendanceId} was recorded but cannot be read back`);
      return { ...document(baseUrl, presentAttendance(baseUrl, attendance)), _embedded: { 'osdi:person': presentPerson(baseUrl, attendee) } };
    });
  };
}

function readComment(raw: string | null | undefined): string | null {
  const comment = (raw ?? '').trim();
  if (!comment) return null;
  if (!isCleanText(comment, true)) throw badRequest('comment contains control or invalid characters');
  if (comment.length > LIMITS.comments) throw badRequest(`comment must be ${LIMITS.comments} characters or fewer`);
  return comment;
}

function readReferral(raw: { source?: string | null; referrer?: string | null } | undefined): Referral {
  const code = (field: 'source' | 'referrer') => {
    const v = raw?.[field]?.trim();
    if (!v) return null;
    if (!isCleanText(v)) throw badRequest(`action_network:referrer_data.${field} contains line breaks, control or invalid characters`);
    return v;
  };
  return { source: code('source'), referrer: code('referrer') };
}
