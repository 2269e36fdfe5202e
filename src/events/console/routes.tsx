import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import type { EventRow } from '../tables.ts';
import { can } from '../../accounts/policy.ts';
import { audit } from '../../accounts/service.ts';
import { csvText } from '../../util/csv.ts';
import * as repo from '../repository.ts';
import { cancelEvent, createEvent, EventClosedError, recordCheckIn, setCapacity, updateEvent } from '../service.ts';
import { checkEvent, EVENT_FIELD_LIMITS } from '../fields.ts';
import { blankForm, eventFormOf, formErrors, inputFrom, readEventForm, text } from './form.ts';
import { eventCache } from '../public-cache.ts';
import { withPlace } from '../../kits/places/postal.ts';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { AttendeesPage, CancelEventPage, EventDetailPage, EventFormPage, EventNotFoundPage, EventsListPage, type EventForm, type EventFormErrors } from './pages.tsx';

export { eventFormOf, readEventForm } from './form.ts';

type Body = Record<string, unknown>;
type IdParams = { Params: { id: string } };

export const ATTENDEES_PER_PAGE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Descriptions and instructions may each be 20,000 characters, up to 12 bytes each form-encoded.
const FORM_BODY_LIMIT = 512 * 1024;

const NOTICES: Record<string, string> = {
  created: 'Event created. It is on its public page now.',
  saved: 'Changes saved.',
  saved_emailed: 'Changes saved. Everyone who RSVP’d is being emailed the new details.',
  unchanged: 'Nothing was changed.',
  capacity: 'Capacity changed.',
  cancelled: 'The event is cancelled. Everyone who RSVP’d is being emailed.',
  checked_in: 'Checked in.',
  unchecked: 'Check-in undone.',
  challenge: 'Saved: the RSVP form follows the new challenge setting now (other web processes within 2 seconds).',
  challenge_invalid: 'Choose off, automatic or always. Nothing was changed.',
};

/** The console's events: list, create, edit, capacity, cancel, attendees with check-in, and their export. */
export function eventsConsoleRoutes(ctx: Context) {
  const db = ctx.database.db;
  const cache = eventCache(ctx);

  /** The organization's event for a URL id; another organization's is missing, like a wrong id. */
  const find = (request: FastifyRequest<IdParams>) =>
    UUID.test(request.params.id) ? repo.findEvent(db, request.organizer!.organization!.id, request.params.id.toLowerCase()) : Promise.resolve(undefined);
  const notFound = (request: FastifyRequest, reply: FastifyReply) => sendAdmin(reply, <EventNotFoundPage page={adminPage(request, reply)} />, 404);
  const showForm = (request: FastifyRequest, reply: FastifyReply, form: EventForm, errors: EventFormErrors, event?: EventRow) =>
    sendAdmin(reply, <EventFormPage page={adminPage(request, reply)} event={event} form={form} errors={errors} />, Object.keys(errors).length > 0 ? 422 : 200);
  const record = (request: FastifyRequest, action: string, subject: string, details: Record<string, unknown> = {}) =>
    audit(db, { organizationId: request.organizer!.organization!.id, userId: request.organizer!.session.user_id, action, subject, details });

  return async function (app: FastifyInstance) {
    app.get('/events', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const events = await repo.eventsOf(db, org.id);
      return sendAdmin(reply, <EventsListPage page={adminPage(request, reply)} events={events} canCreate={can(org.role, 'manage_actions')} />);
    });

    app.get('/events/new', { config: { permission: 'manage_actions' } }, async (request, reply) => showForm(request, reply, blankForm(), {}));

    app.post<{ Body: Body }>('/events/new', { config: { permission: 'manage_actions' }, bodyLimit: FORM_BODY_LIMIT }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const form = readEventForm(request.body);
      const { errors, columns } = checkEvent(inputFrom(form));
      const formErrs = formErrors(errors);
      if (form.slug && (form.slug.length > EVENT_FIELD_LIMITS.slug || !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(form.slug))) {
        formErrs.slug = 'The web address can only contain lower-case letters, numbers and single hyphens, like vigil-for-privacy';
      } else if (form.slug && (await repo.eventSlugExists(db, form.slug))) {
        formErrs.slug = `The web address /events/${form.slug} is already used by another event: choose another`;
      }
      if (!columns || Object.keys(formErrs).length > 0) return showForm(request, reply, form, formErrs);
      // Placed from its postal code where the offline table covers it: the page's map of the area, the campaigns' search.
      const event = await ctx.committer.submit((uow) => createEvent(uow, org.id, withPlace(columns), { slug: form.slug || undefined }));
      await record(request, 'event.created', event.id, { title: event.title, slug: event.slug });
      cache.forget(event.slug);
      return reply.redirect(`/admin/events/${event.id}?notice=created`, 303);
    });

    app.get<IdParams & { Querystring: Record<string, unknown> }>('/events/:id', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const event = await find(request);
      if (!event) return notFound(request, reply);
      const role = request.organizer!.organization!.role;
      const notice = typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined;
      return sendAdmin(
        reply,
        <EventDetailPage
          page={adminPage(request, reply, notice)}
          event={{ ...event, accepted_count: Number(event.accepted_count), waitlist_count: Number(event.waitlist_count), attended_count: Number(event.attended_count) }}
          can={{ manage: can(role, 'manage_actions'), export: can(role, 'export_data'), seePeople: can(role, 'see_people') }}
        />,
      );
    });

    app.get<IdParams>('/events/:id/edit', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const event = await find(request);
      if (!event) return notFound(request, reply);
      if (event.status === 'cancelled') return reply.redirect(`/admin/events/${event.id}`, 303);
      return showForm(request, reply, eventFormOf(event), {}, event);
    });

    app.post<IdParams & { Body: Body }>('/events/:id/edit', { config: { permission: 'manage_actions' }, bodyLimit: FORM_BODY_LIMIT }, async (request, reply) => {
      const event = await find(request);
      if (!event) return notFound(request, reply);
      const form = readEventForm(request.body);
      const { errors, columns: checked } = checkEvent(inputFrom(form, event));
      if (!checked) return showForm(request, reply, form, formErrors(errors), event);
      // A new postal code is a new place: the old coordinates go, and the code's centroid comes where known.
      const moved = checked.postal_code !== event.postal_code || checked.country !== event.country;
      const columns = withPlace(moved ? { ...checked, latitude: null, longitude: null } : checked);
      let result;
      try {
        result = await ctx.committer.submit((uow) => updateEvent(uow, event.id, columns));
      } catch (error) {
        if (error instanceof EventClosedError) return reply.redirect(`/admin/events/${event.id}`, 303);
        throw error;
      }
      if (result.changed.length > 0) {
        await record(request, 'event.changed', event.id, { changed: result.changed, time: result.timeChanged, place: result.placeChanged });
        cache.forget(event.slug);
      }
      const notice = result.changed.length === 0 ? 'unchanged' : result.timeChanged || result.placeChanged ? 'saved_emailed' : 'saved';
      return reply.redirect(`/admin/events/${event.id}?notice=${notice}`, 303);
    });

    app.post<IdParams & { Body: Body }>('/events/:id/capacity', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const event = await find(request);
      if (!event) return notFound(request, reply);
      const raw = text(request.body, 'capacity').replace(/[\s,_]/g, '');
      const capacity = raw === '' ? null : /^\d{1,7}$/.test(raw) && Number(raw) >= 1 && Number(raw) <= EVENT_FIELD_LIMITS.capacity ? Number(raw) : undefined;
      if (capacity === undefined) {
        const page = adminPage(request, reply, 'Enter the capacity as a whole number from 1 to 1,000,000, or leave it empty for no limit. Nothing was changed.');
        return sendAdmin(reply, <EventDetailPage page={page} event={event} can={{ manage: true, export: can(request.organizer!.organization!.role, 'export_data'), seePeople: can(request.organizer!.organization!.role, 'see_people') }} />, 422);
      }
      if (event.status !== 'cancelled' && capacity !== event.capacity) {
        await ctx.committer.submit((uow) => setCapacity(uow, event.id, capacity));
        await record(request, 'event.capacity_changed', event.id, { from: event.capacity, to: capacity });
        cache.forget(event.slug);
      }
      return reply.redirect(`/admin/events/${event.id}?notice=capacity`, 303);
    });

    app.get<IdParams>('/events/:id/cancel', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const event = await find(request);
      if (!event) return notFound(request, reply);
      if (event.status === 'cancelled') return reply.redirect(`/admin/events/${event.id}`, 303);
      return sendAdmin(reply, <CancelEventPage page={adminPage(request, reply)} event={{ ...event, accepted_count: Number(event.accepted_count), waitlist_count: Number(event.waitlist_count) }} />);
    });

    app.post<IdParams>('/events/:id/cancel', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const event = await find(request);
      if (!event) return notFound(request, reply);
      const outcome = await ctx.committer.submit((uow) => cancelEvent(uow, event.id));
      if (outcome === 'cancelled') await record(request, 'event.cancelled', event.id, { title: event.title });
      cache.forget(event.slug);
      return reply.redirect(`/admin/events/${event.id}?notice=cancelled`, 303);
    });

    app.get<IdParams & { Querystring: Record<string, unknown> }>('/events/:id/attendees', { config: { permission: 'see_people' } }, async (request, reply) => {
      const event = await find(request);
      if (!event) return notFound(request, reply);
      const org = request.organizer!.organization!;
      const search = typeof request.query.q === 'string' ? request.query.q.trim().slice(0, 200) : '';
      const matching = await repo.countAttendeesMatching(db, org.id, event.id, search);
      const pages = Math.max(1, Math.ceil(matching / ATTENDEES_PER_PAGE));
      const wanted = typeof request.query.page === 'string' && /^\d{1,6}$/.test(request.query.page) ? Number(request.query.page) : 1;
      const pageNumber = Math.min(Math.max(wanted, 1), pages);
      const rows = await repo.searchAttendees(db, org.id, event.id, search, { limit: ATTENDEES_PER_PAGE, offset: (pageNumber - 1) * ATTENDEES_PER_PAGE });
      const notice = typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined;
      return sendAdmin(
        reply,
        <AttendeesPage
          page={adminPage(request, reply, notice)}
          event={event}
          rows={rows.map((r) => ({ ...r, attended: Number(r.attended) }))}
          search={search}
          pageNumber={pageNumber}
          pages={pages}
          matching={matching}
          canCheckIn={can(org.role, 'manage_actions')}
        />,
      );
    });

    app.post<{ Params: { id: string; attendanceId: string }; Body: Body }>(
      '/events/:id/attendances/:attendanceId/check-in',
      { config: { permission: 'manage_actions' } },
      async (request, reply) => {
        const event = await find(request);
        if (!event || !UUID.test(request.params.attendanceId)) return notFound(request, reply);
        const attended = text(request.body, 'attended') !== 'no';
        const outcome = await ctx.committer.submit((uow) => recordCheckIn(uow, event.id, request.params.attendanceId.toLowerCase(), attended));
        if (outcome === 'missing') return notFound(request, reply);
        if (outcome === 'changed') await record(request, attended ? 'attendance.checked_in' : 'attendance.check_in_undone', request.params.attendanceId, { event: event.id });
        // Back to the same page of the list, and nowhere else.
        const back = text(request.body, 'back');
        const listPath = `/admin/events/${event.id}/attendees`;
        const target = back.startsWith(`${listPath}?`) || back === listPath ? back : listPath;
        return reply.redirect(`${target}${target.includes('?') ? '&' : '?'}notice=${attended ? 'checked_in' : 'unchecked'}`, 303);
      },
    );

    app.get<IdParams>('/events/:id/attendees.csv', { config: { permission: 'export_data' } }, async (request, reply) => {
      const event = await find(request);
      if (!event) return notFound(request, reply);
      const rows = await repo.attendeesForExport(db, event.organization_id, event.id).execute();
      await record(request, 'attendances.exported', event.id, { event: event.slug, attendees: rows.length });
      const csv = csvText(
        rows.map((r) => [
          `turnout:${r.id}`,
          r.given_name ?? '',
          r.family_name ?? '',
          r.email ?? '',
          r.postal_code ?? '',
          r.country ?? '',
          r.email_status,
          r.phone ?? '',
          r.status,
          r.waitlist_position === null ? '' : String(r.waitlist_position),
          Number(r.attended) === 1 ? 'yes' : 'no',
          r.source ?? '',
          r.referrer ?? '',
          r.language,
          r.created_at,
          r.cancelled_at ?? '',
        ]),
        ATTENDEE_COLUMNS,
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${event.slug.replace(/[^a-z0-9-]/g, '')}-attendees.csv"`)
        .header('cache-control', 'no-store')
        .send(csv);
    });
  };
}

/** Action Network's export names where it has them (as the signatures export), turnout's own for the rest. */
export const ATTENDEE_COLUMNS = [
  'uuid',
  'first_name',
  'last_name',
  'email',
  'zip_code',
  'can2_country',
  'can2_subscription_status',
  'phone',
  'status',
  'waitlist_position',
  'attended',
  'source',
  'referrer',
  'language',
  'created_at',
  'cancelled_at',
] as const;
