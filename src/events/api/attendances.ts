import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Context } from '../../context.ts';
import type { Attendance } from '../tables.ts';
import * as repo from '../repository.ts';
import { cleanPhone, EventClosedError, rsvp } from '../service.ts';
import { eventCache } from '../public-cache.ts';
import { ApiError, badRequest } from '../../kits/api/errors.ts';
import { apiUrl, identifiers, link } from '../../kits/api/hal.ts';
import { COMMON_FILTERS } from '../../kits/api/list.ts';
import { PersonBody, readPerson, readTags } from '../../kits/api/person-input.ts';
import { readComment, readReferral, RecordBodyFields, recordRoutes } from '../../kits/api/records.ts';
import { loadEvent } from './routes.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { Nullable } from '../../kits/api/schema.ts';

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

export function attendanceApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    const attendances = recordRoutes(app, {
      db, baseUrl, name: 'attendance', actions: 'events', loadAction: loadEvent, actionKey: 'eventId', filters: COMMON_FILTERS,
      list: repo.listAttendances, count: repo.countAttendances, find: repo.findAttendanceIn, present: presentAttendance,
    });

    // The record attendance helper: the same rsvp() as the public page, so a repeat RSVP is
    // counted once and answered with the attendance already made, and a full event waitlists.
    app.post<{ Params: { id: string }; Body: RecordAttendanceBody }>('/events/:id/attendances', { schema: { body: RecordAttendanceBody } }, async (request) => {
      const org = organizationOf(request);
      const event = await loadEvent(db, org.id, request.params.id);
      const body = request.body;
      const { person, optIn, language } = readPerson(body.person);
      const tags = readTags(body.add_tags);
      const comment = readComment('comment', body.comment);
      const phoneRaw = body.person.phone_numbers?.[0]?.number?.trim() ?? '';
      const phone = phoneRaw ? cleanPhone(phoneRaw) : null;
      if (phoneRaw && !phone) throw badRequest('person.phone_numbers[0].number must be a phone number with 7 to 15 digits');
      const referral = readReferral(body);
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
      return attendances.recorded(org.id, event.id, result.attendanceId);
    });
  };
}
