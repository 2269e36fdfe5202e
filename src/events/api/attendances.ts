import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Context } from '../../context.ts';
import type { Attendance } from '../tables.ts';
import * as repo from '../repository.ts';
import { cancelAttendance, cleanPhone, EventClosedError, recordCheckIn, rsvp } from '../service.ts';
import { eventCache } from '../public-cache.ts';
import { ApiError, badRequest } from '../../kits/api/errors.ts';
import { apiUrl, identifiers, link } from '../../kits/api/hal.ts';
import { COMMON_FILTERS } from '../../kits/api/list.ts';
import { PersonBody } from '../../kits/api/person-input.ts';
import { readComment, readRecordHelper, RecordBodyFields, recordRoutes, RecordUpdateFields, referralChanges } from '../../kits/api/records.ts';
import { loadEvent } from './routes.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { Nullable } from '../../kits/api/schema.ts';

const CLOSED: Record<EventClosedError['reason'], string> = {
  past: 'This event is over and takes no more RSVPs',
  cancelled: 'This event is cancelled and takes no more RSVPs',
  not_open: 'This event is not open for RSVPs (it awaits approval or was rejected)',
};

/** An attendance as Action Network's resource; `status` is accepted, waitlisted or cancelled. */
export function presentAttendance(baseUrl: string, a: Attendance & { other_identifiers?: string[] }) {
  const event = apiUrl(baseUrl, `/events/${a.event_id}`);
  return {
    identifiers: [...identifiers(a.id), ...(a.other_identifiers ?? [])],
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

/** The record attendance helper's body, as Action Network takes it. */
const RecordAttendanceBody = Type.Object({
  person: Type.Intersect([
    PersonBody,
    Type.Object({ phone_numbers: Type.Optional(Type.Array(Type.Object({ number: Type.Optional(Nullable(Type.String({ maxLength: 40 }))) }), { maxItems: 10 })) }),
  ]),
  comment: Type.Optional(Nullable(Type.String())),
  ...RecordBodyFields,
});
type RecordAttendanceBody = Static<typeof RecordAttendanceBody>;

/** What a PUT on an attendance may change, as Action Network's: its status, check-in, comment, referrer data and identifiers. */
const AttendanceUpdateBody = Type.Object({
  status: Type.Optional(Type.String({ maxLength: 20 })),
  attended: Type.Optional(Type.Boolean()),
  comment: Type.Optional(Nullable(Type.String())),
  'turnout:phone_number': Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  ...RecordUpdateFields,
});
type AttendanceUpdateBody = Static<typeof AttendanceUpdateBody>;

// The resource's fields (read-only ones too), so that a client may PUT back what it read.
const RESOURCE_FIELDS = [
  'status', 'attended', 'comment', 'action_network:referrer_data', 'referrer_data', 'turnout:phone_number',
  'action_network:person_id', 'action_network:event_id', 'turnout:waitlist_position', 'person',
];

/** What a PUT does to an attendance, checked before anything is written. */
function attendanceChanges(a: Attendance, body: AttendanceUpdateBody) {
  let cancel = false;
  if (body.status !== undefined && body.status !== a.status) {
    if (body.status === 'cancelled' || body.status === 'declined') cancel = true;
    else if (body.status === 'accepted' && a.status === 'waitlisted') throw new ApiError(409, 'This attendance is on the waitlist: it is accepted when a place frees up, first come first served');
    else if (body.status === 'accepted' || body.status === 'waitlisted') {
      throw new ApiError(409, 'This attendance is cancelled; RSVP again with the record attendance helper (POST /events/:id/attendances)');
    } else throw badRequest(`status must be "accepted", "waitlisted" or "cancelled" ("declined" cancels), got ${JSON.stringify(body.status)}`);
  }
  if (body.attended !== undefined && body.attended !== (Number(a.attended) === 1) && (a.status === 'cancelled' || cancel)) {
    throw new ApiError(409, 'A cancelled attendance cannot be checked in');
  }
  const columns: { comment?: string | null; source?: string | null; referrer?: string | null; phone?: string | null } = referralChanges(body);
  if (body.comment !== undefined) columns.comment = readComment('comment', body.comment);
  const phoneRaw = body['turnout:phone_number'];
  if (phoneRaw !== undefined) {
    const phone = phoneRaw?.trim() ? cleanPhone(phoneRaw.trim()) : null;
    if (phoneRaw?.trim() && !phone) throw badRequest('turnout:phone_number must be a phone number with 7 to 15 digits');
    columns.phone = phone;
  }
  return { cancel, attended: body.attended, columns };
}

export function attendanceApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    const attendances = recordRoutes(app, {
      db, baseUrl, name: 'attendance', actions: 'events', loadAction: loadEvent, actionKey: 'eventId', filters: COMMON_FILTERS, otherIdentifiers: true,
      list: repo.listAttendances, count: repo.countAttendances, find: repo.findAttendanceIn, present: presentAttendance,
    });

    // PUT merges, as Action Network's: only the fields sent change. "cancelled" (or "declined")
    // cancels the RSVP as the attendee's own link does, giving the place to the waitlist;
    // `attended` is the check-in. Everything is checked first, then written in one transaction.
    attendances.update<AttendanceUpdateBody>({
      schema: AttendanceUpdateBody,
      what: 'an attendance',
      fields: RESOURCE_FIELDS,
      async write({ action: event, record: attendance, body, addIdentifiers }) {
        const changes = attendanceChanges(attendance, body);
        await ctx.committer.submit(async (uow) => {
          if (Object.keys(changes.columns).length > 0) await repo.updateAttendance(uow.trx, attendance.id, { ...changes.columns, modified_at: uow.now });
          if (changes.attended !== undefined && !changes.cancel) await recordCheckIn(uow, event.id, attendance.id, changes.attended);
          if (changes.cancel) await cancelAttendance(uow, attendance.id);
          await addIdentifiers(uow.trx, uow.now);
        });
        if (changes.cancel) eventCache(ctx).forget(event.slug);
      },
    });

    // The record attendance helper: the same rsvp() as the public page, so a repeat RSVP is
    // counted once and answered with the attendance already made, and a full event waitlists.
    app.post<{ Params: { id: string }; Body: RecordAttendanceBody }>('/events/:id/attendances', { schema: { body: RecordAttendanceBody } }, async (request) => {
      const org = organizationOf(request);
      const event = await loadEvent(db, org.id, request.params.id);
      const body = request.body;
      const { fields, taker, autoresponse } = readRecordHelper(body, () => {
        const comment = readComment('comment', body.comment);
        const phoneRaw = body.person.phone_numbers?.[0]?.number?.trim() ?? '';
        const phone = phoneRaw ? cleanPhone(phoneRaw) : null;
        if (phoneRaw && !phone) throw badRequest('person.phone_numbers[0].number must be a phone number with 7 to 15 digits');
        return { comment, phone };
      });
      let result;
      try {
        // The autoresponse is here the RSVP confirmation.
        result = await ctx.committer.submit((uow) => rsvp(uow, event.id, { ...taker, ...fields, notify: autoresponse }));
      } catch (error) {
        if (error instanceof EventClosedError) throw new ApiError(409, CLOSED[error.reason]);
        throw error;
      }
      eventCache(ctx).forget(event.slug);
      return attendances.recorded(org.id, event.id, result.attendanceId);
    });
  };
}
