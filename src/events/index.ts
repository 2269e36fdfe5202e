import type { Capability } from '../context.ts';
import { lazyRoutes } from '../lazy-routes.ts';
import './messages.ts';
import { apiUrl, link } from '../kits/api/hal.ts';
import { eventCache } from './public-cache.ts';
import { attendancesBySource, attendancesSharedWith, clearHostOf, eventsByIds, findEvent } from './repository.ts';
import { EVENTS_PERSONAL_DATA } from './tables.ts';
import { actionKind } from '../actions/action-kind.ts';
import { attendanceRecords } from './person-records.ts';
import * as m005 from './migrations/005_events.ts';
import * as m008 from './migrations/008_event_challenge.ts';
import * as m019 from './migrations/019_events_find.ts';

// What other capabilities (event campaigns build on events), the CLI and the tests may use.
export { eventCache } from './public-cache.ts';
export { canonicalZone, checkEvent, inputOf, DEFAULT_REMINDERS, EVENT_FIELD_LIMITS, type EventColumns, type EventInput } from './fields.ts';
/**
 * The API's event resource (its body schemas and presenter), for the event campaigns' API.
 * Loaded on demand: TypeBox and the schemas are the heaviest part of events, and commands that
 * load the capability list only for its migrations (`turnout export`) should not pay for them.
 */
export const eventResource = () => import('./api/resource.ts');
/** The console's event form (what it holds, its checks' messages, its page), for the event campaigns' console. */
export const eventConsoleForm = async () => ({ ...(await import('./console/form.ts')), ...(await import('./console/event-form-page.tsx')) });
export { findAttendance, findEventById, findEventBySlug, searchAttendees } from './repository.ts';
export * as eventQueries from './repository.ts';
export { closedReason, cleanPhone, createEvent, EventClosedError, hostToken, recordCheckIn, rsvp, shareRsvp, tokenMatches, updateEvent } from './service.ts';
export { eventArea, eventWhen } from './format.ts';
export type { PublicEvent } from './public-cache.ts';
export type { EventRow } from './tables.ts';

/** Events with RSVPs, capacity and a waitlist, reminders and check-in. */
export const events: Capability = {
  name: 'events',
  // Surfaces are loaded when the app or the worker is built (see lazyRoutes).
  publicRoutes: lazyRoutes(async () => (await import('./public/routes.ts')).eventRoutes),
  consoleRoutes: (ctx) => async (app) => {
    const [{ eventsConsoleRoutes }, { eventChallengeRoutes }] = await Promise.all([import('./console/routes.tsx'), import('./console/challenge-routes.tsx')]);
    await app.register(eventsConsoleRoutes(ctx));
    await app.register(eventChallengeRoutes(ctx));
  },
  consoleSections: [{ href: '/admin/events', label: 'Events', permission: 'view_reports', order: 20 }],
  apiRoutes: (ctx) => async (app) => {
    const [{ eventApi }, { attendanceApi }] = await Promise.all([import('./api/routes.ts'), import('./api/attendances.ts')]);
    await app.register(eventApi(ctx));
    await app.register(attendanceApi(ctx));
  },
  apiLinks: (baseUrl) => ({ 'osdi:events': link(apiUrl(baseUrl, '/events'), 'The collection of events in the system') }),
  jobs: async (deps) => (await import('./jobs.ts')).eventJobHandlers(deps),
  // The migration also holds the event campaigns' tables: events and campaigns were written together.
  migrations: { '005_events': m005, '008_event_challenge': m008, '019_events_find': m019 },
  home: async (ctx, page) => (await import('./home.tsx')).eventsHome(ctx, page),
  dashboard: async (ctx, organizationId) => (await import('./console/dashboard.tsx')).eventsDashboard(ctx, organizationId),
  actions: [
    actionKind({
      type: 'event',
      find: findEvent,
      byIds: eventsByIds,
      present: (e) => ({
        total: e.accepted_count,
        totalText: `${e.accepted_count} accepted RSVPs in all`,
        consolePath: `/admin/events/${e.id}`,
        publicPath: `/events/${e.slug}`,
      }),
      countBySource: attendancesBySource,
      countSharedWith: attendancesSharedWith,
      forget: (ctx, slug) => eventCache(ctx).forget(slug),
    }),
  ],
  personRecords: attendanceRecords,
  // Attendances are cleared from their declaration (rows found by person_id); a host is found by email.
  // Told to webhooks as Action Network's `osdi:attendance` (src/webhooks/); raised where the record is made.
  webhooks: [{ event: 'attendance', key: 'osdi:attendance', label: 'Event RSVPs (attendances)', present: async (db, baseUrl, organizationId, ids) => (await import('./webhook-records.ts')).presentAttendances(db, baseUrl, organizationId, ids) }],
  personalData: EVENTS_PERSONAL_DATA,
  erase: async (trx, organizationId, _personId, now, erased) => ({ hosted_events_kept: erased.email ? await clearHostOf(trx, organizationId, erased.email, now) : 0 }),
};
