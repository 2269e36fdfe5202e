import type { Context, DashboardPart } from '../../context.ts';
import { number } from '../../kits/console/format.ts';
import { DataTable } from '../../kits/console/table.tsx';
import { DashboardSection, counted } from '../../kits/console/dashboard-section.tsx';
import { bouncedTargetsByCampaign, campaignsOf } from '../repository.ts';

/** The dashboard's letters to decision-makers: open campaigns and their letters; targets whose address bounced come first on the page. */
export async function lettersDashboard(ctx: Context, organizationId: string): Promise<DashboardPart> {
  const [campaigns, bounced] = await Promise.all([campaignsOf(ctx.database.db, organizationId), bouncedTargetsByCampaign(ctx.database.db, organizationId)]);
  const open = campaigns.filter((c) => c.status === 'open');
  return {
    attention: bounced.map((b) => ({ urgency: 1, href: `/admin/letters/${b.id}`, text: `${counted(Number(b.n), 'target’s address bounces', 'targets’ addresses bounce')}: their letters wait in “${b.title}”` })),
    section: (
      <DashboardSection id="letters" title="Letters to decision-makers" href="/admin/letters" all="All letter campaigns" empty="No open letter campaigns.">
        {open.length > 0 && (
          <DataTable
            rows={open}
            columns={[
              { label: 'Campaign', head: true, text: (c) => c.title, href: (c) => `/admin/letters/${c.id}` },
              { label: 'Letters sent by supporters', num: true, text: (c) => number(c.outreach_count) },
            ]}
          />
        )}
      </DashboardSection>
    ),
  };
}
