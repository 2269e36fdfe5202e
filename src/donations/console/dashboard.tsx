import type { Context, DashboardPart } from '../../context.ts';
import { DashboardSection } from '../../kits/console/dashboard-section.tsx';
import { DataTable } from '../../kits/console/table.tsx';
import { number } from '../../kits/console/format.ts';
import { listPages, totalsByPage } from '../repository.ts';
import { money, PROCESSOR_NAMES } from './pages.tsx';

/** The dashboard's fundraising: the open fundraising pages with what each has received. */
export async function donationsDashboard(ctx: Context, organizationId: string): Promise<DashboardPart> {
  const db = ctx.database.db;
  const [pages, totals] = await Promise.all([listPages(db, organizationId), totalsByPage(db, organizationId)]);
  const open = pages.filter((p) => p.status === 'open');
  const t = (id: string) => totals.get(id);
  return {
    section: (
    <DashboardSection id="fundraising" title="Open fundraisers" href="/admin/fundraising" all="All fundraising pages" empty="No open fundraising pages.">
      {open.length > 0 && <DataTable
        caption="Open fundraising pages and what they have received"
        rows={open}
        columns={[
          { label: 'Fundraising page', head: true, text: (p) => p.title, href: (p) => `/admin/fundraising/${p.id}` },
          { label: 'Through', text: (p) => PROCESSOR_NAMES[p.processor] },
          { label: 'Received', num: true, text: (p) => money(t(p.id)?.received_minor ?? 0, p.currency) },
          { label: 'Goal', num: true, text: (p) => (p.goal_minor === null ? '' : money(p.goal_minor, p.currency)) },
          { label: 'Donors', num: true, text: (p) => number(t(p.id)?.donors ?? 0) },
          { label: 'Pledged', num: true, text: (p) => (p.processor === 'pledge' || t(p.id)?.pledged_minor ? money(t(p.id)?.pledged_minor ?? 0, p.currency) : '') },
        ]}
      />}
    </DashboardSection>
    ),
  };
}
