import type { Capability } from '../context.ts';
import './messages.ts';
import { apiUrl, link } from '../kits/api/hal.ts';
import { eventRoutes } from './public/routes.ts';
import { eventsConsoleRoutes } from './console/routes.tsx';
import { eventsDashboard } from './console/dashboard.tsx';
import { eventApi } from './api/routes.ts';
import { attendanceApi } from './api/attendances.ts';
import { eventJobHandlers } from './jobs.ts';
import { eventsHome } from './home.tsx';
import { eventCache } from './public-cache.ts';
import { clearAttendanceDetailsOf, findEvent } from './repository.ts';
import * as m005 from './migrations/005_events.ts';

// What other capabilities (event campaigns build on events), the CLI and the tests may use.
export { eventCache } from './public-cache.ts';
export { canonicalZone, checkEvent, inputOf, DEFAULT_REMINDERS, EVENT_FIELD_LIMITS, type EventColumns, type EventInput } from './fields.ts';
export { EventCreateBody, presentEvent } from './api/routes.ts';
export { findAttendance, findEventById, findEventBySlug, insertEvent, searchAttendees } from './repository.ts';
export * as eventQueries from './repository.ts';
export { createEvent, EventClosedError, hostToken, recordCheckIn, tokenMatches, updateEvent } from './service.ts';
export type { EventRow } from './tables.ts';

/** Events with RSVPs, capacity and a waitlist, reminders and check-in. */
export const events: Capability = {
  name: 'events',
  publicRoutes: eventRoutes,
  consoleRoutes: eventsConsoleRoutes,
  consoleSections: [{ href: '/admin/events', label: 'Events', permission: 'view_reports', order: 20 }],
  apiRoutes: (ctx) => async (app) => {
    await app.register(eventApi(ctx));
    await app.register(attendanceApi(ctx));
  },
  apiLinks: (baseUrl) => ({ 'osdi:events': link(apiUrl(baseUrl, '/events'), 'The collection of events in the system') }),
  jobs: eventJobHandlers,
  // The migration also holds the event campaigns' tables: events and campaigns were written together.
  migrations: { '005_events': m005 },
  home: eventsHome,
  dashboard: eventsDashboard,
  actions: [
    {
      type: 'event',
      async find(ctx, organizationId, id) {
        const e = await findEvent(ctx.database.db, organizationId, id);
        return (
          e && {
            type: 'event',
            id: e.id,
            title: e.title,
            slug: e.slug,
            total: e.accepted_count,
            totalText: `${e.accepted_count} accepted RSVPs in all`,
            consolePath: `/admin/events/${e.id}`,
            publicPath: `/events/${e.slug}`,
          }
        );
      },
      forget: (ctx, slug) => eventCache(ctx).forget(slug),
    },
  ],
  erase: async (trx, organizationId, personId, now) => ({ attendances_kept: await clearAttendanceDetailsOf(trx, organizationId, personId, now) }),
};
