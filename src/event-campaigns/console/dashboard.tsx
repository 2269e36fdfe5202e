import type { Context } from '../../context.ts';
import { campaignsAwaitingReview } from '../repository.ts';

/** The dashboard's weeks of action: each open campaign, and the offered events that wait for a decision. */
export async function campaignsDashboard(ctx: Context, organizationId: string): Promise<JSX.Element | null> {
  const campaigns = await campaignsAwaitingReview(ctx.database.db, organizationId);
  if (campaigns.length === 0) return null;
  return (
    <section aria-labelledby="dashboard-campaigns">
      <h2 id="dashboard-campaigns">Weeks of action</h2>
      <ul>
        {campaigns.map((c) => (
          <li>
            <a href={`/admin/event-campaigns/${c.id}`} safe>
              {c.title}
            </a>
            {': '}
            <span safe>{Number(c.awaiting) === 1 ? '1 event waits for review' : `${Number(c.awaiting)} events wait for review`}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
