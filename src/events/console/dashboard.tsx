import type { Context } from '../../context.ts';
import { nowIso } from '../../util/ids.ts';
import { eventWhen } from '../format.ts';
import { upcomingEventsOf } from '../repository.ts';

/** The dashboard's events: the organization's next events and their RSVPs. */
export async function eventsDashboard(ctx: Context, organizationId: string): Promise<JSX.Element | null> {
  const events = await upcomingEventsOf(ctx.database.db, organizationId, nowIso());
  if (events.length === 0) return null;
  return (
    <section aria-labelledby="dashboard-events">
      <h2 id="dashboard-events">Upcoming events</h2>
      <table>
        <caption>The next events and their RSVPs</caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">When</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Going
            </th>
            <th scope="col" class="num">
              Waitlist
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr>
              <th scope="row">
                <a href={`/admin/events/${e.id}`} safe>
                  {e.title}
                </a>
              </th>
              <td safe>{eventWhen(e, 'en')}</td>
              <td>{e.status}</td>
              <td class="num" safe>
                {e.capacity ? `${e.accepted_count} of ${e.capacity}` : String(e.accepted_count)}
              </td>
              <td class="num" safe>
                {String(e.waitlist_count)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
