import type { Context, DashboardPart } from '../../context.ts';
import { campaignsAwaitingReview } from '../repository.ts';
import { DataTable } from '../../kits/console/table.tsx';
import { DashboardSection, counted } from '../../kits/console/dashboard-section.tsx';

/** The dashboard's weeks of action: each open campaign, and, first on the page, the offered events that wait for a decision. */
export async function campaignsDashboard(ctx: Context, organizationId: string): Promise<DashboardPart> {
  const campaigns = (await campaignsAwaitingReview(ctx.database.db, organizationId)).map((c) => ({ ...c, awaiting: Number(c.awaiting) }));
  return {
    attention: campaigns
      .filter((c) => c.awaiting > 0)
      .map((c) => ({ urgency: 0, href: `/admin/event-campaigns/${c.id}/moderation`, text: `${counted(c.awaiting, 'event waits', 'events wait')} for review in “${c.title}”` })),
    section: (
      <DashboardSection id="campaigns" title="Weeks of action" href="/admin/event-campaigns" all="All weeks of action" empty="No open weeks of action.">
        {campaigns.length > 0 && (
          <DataTable
            rows={campaigns}
            columns={[
              { label: 'Week of action', head: true, text: (c) => c.title, href: (c) => `/admin/event-campaigns/${c.id}` },
              { label: 'Waiting for review', num: true, text: (c) => String(c.awaiting) },
            ]}
          />
        )}
      </DashboardSection>
    ),
  };
}
