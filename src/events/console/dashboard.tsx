import type { Context, DashboardPart } from '../../context.ts';
import { nowIso } from '../../util/ids.ts';
import { eventWhen } from '../format.ts';
import { upcomingEventsOf } from '../repository.ts';
import { DataTable } from '../../kits/console/table.tsx';
import { DashboardSection } from '../../kits/console/dashboard-section.tsx';
import { goingCell } from './pages.tsx';

/** The dashboard's events: the organization's next events and their RSVPs (events waiting for review are the event campaigns' attention). */
export async function eventsDashboard(ctx: Context, organizationId: string): Promise<DashboardPart> {
  const events = await upcomingEventsOf(ctx.database.db, organizationId, nowIso());
  return {
    section: (
      <DashboardSection id="events" title="Upcoming events" href="/admin/events" all="All events" empty="No upcoming events.">
        {events.length > 0 && (
          <DataTable
            caption="The next events and their RSVPs"
            rows={events}
            columns={[
              { label: 'Event', head: true, text: (e) => e.title, href: (e) => `/admin/events/${e.id}` },
              { label: 'When', text: (e) => eventWhen(e, 'en') },
              { label: 'Status', text: (e) => e.status },
              { label: 'Going', num: true, text: goingCell },
              { label: 'Waitlist', num: true, text: (e) => String(e.waitlist_count) },
            ]}
          />
        )}
      </DashboardSection>
    ),
  };
}
