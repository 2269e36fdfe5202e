import type { AttentionItem, Context, DashboardPart } from '../../context.ts';
import { minute } from '../../kits/console/format.ts';
import { DataTable } from '../../kits/console/table.tsx';
import { DashboardSection } from '../../kits/console/dashboard-section.tsx';
import { mailingsInFlight } from '../repository.ts';

const STATES: Record<string, string> = { scheduled: 'scheduled', sending: 'sending', waiting: 'testing subjects', paused: 'paused' };

/** The dashboard's mailings: those scheduled, sending or paused; a paused one and the next scheduled ones come first on the page. */
export async function mailingsDashboard(ctx: Context, organizationId: string): Promise<DashboardPart> {
  const mailings = await mailingsInFlight(ctx.database.db, organizationId);
  const attention: AttentionItem[] = mailings.flatMap((m): AttentionItem[] => {
    if (m.status === 'paused') return [{ urgency: 1, href: `/admin/mailings/${m.id}`, text: `The mailing “${m.title}” is paused` }];
    if (m.status === 'scheduled') return [{ urgency: 1, href: `/admin/mailings/${m.id}`, text: `The mailing “${m.title}” is scheduled for ${m.scheduled_at ? `${minute(m.scheduled_at)} UTC` : 'later'}` }];
    return [];
  });
  return {
    attention,
    section: (
      <DashboardSection id="mailings" title="Mailings under way" href="/admin/mailings" all="All mailings" empty="No mailing is scheduled or sending.">
        {mailings.length > 0 && (
          <DataTable
            rows={mailings}
            columns={[
              { label: 'Mailing', head: true, text: (m) => m.title, href: (m) => `/admin/mailings/${m.id}` },
              { label: 'Status', text: (m) => STATES[m.status] ?? m.status },
              { label: 'Scheduled for (UTC)', text: (m) => (m.scheduled_at ? minute(m.scheduled_at) : '') },
            ]}
          />
        )}
      </DashboardSection>
    ),
  };
}
