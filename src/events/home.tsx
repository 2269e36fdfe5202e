import type { Context } from '../context.ts';
import './messages.ts';
import type { PageContext } from '../kits/pages/layout.tsx';
import { nowIso } from '../util/ids.ts';
import { publicUpcomingEvents } from './repository.ts';
import { EventList } from './public/pages.tsx';

const ON_HOME = 10;

/** The home page's next public events, soonest first, with a link to all of them. */
export async function eventsHome(ctx: Context, page: PageContext): Promise<JSX.Element | null> {
  const events = await publicUpcomingEvents(ctx.database.db, nowIso(), ON_HOME + 1);
  if (events.length === 0) return null;
  const { t } = page;
  return (
    <section aria-labelledby="home-events">
      <h2 id="home-events" safe>
        {t('home.events')}
      </h2>
      <EventList page={page} events={events.slice(0, ON_HOME)} />
      {events.length > ON_HOME ? (
        <p>
          <a href="/events" safe>
            {t('eventpage.list_title')}
          </a>
        </p>
      ) : (
        ''
      )}
    </section>
  );
}
