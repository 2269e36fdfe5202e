import type { Context, DashboardPart } from '../../context.ts';
import { number } from '../../kits/console/format.ts';
import { DataTable } from '../../kits/console/table.tsx';
import { DashboardSection, counted } from '../../kits/console/dashboard-section.tsx';
import { lettersOf, signaturesAwaitingReview } from '../repository.ts';

/** The dashboard's open letters: organizations on the list and individuals; signatures waiting for review come first on the page. */
export async function openLettersDashboard(ctx: Context, organizationId: string): Promise<DashboardPart> {
  const [letters, waiting] = await Promise.all([lettersOf(ctx.database.db, organizationId), signaturesAwaitingReview(ctx.database.db, organizationId)]);
  return {
    attention: waiting.map((w) => ({ urgency: 0, href: `/admin/open_letters/${w.id}`, text: `${counted(Number(w.n), 'organization’s signature waits', 'organizations’ signatures wait')} for review on “${w.title}”` })),
    section: (
      <DashboardSection id="open-letters" title="Open letters" href="/admin/open_letters" all="All open letters" empty="No open letters yet.">
        {letters.length > 0 && (
          <DataTable
            rows={letters}
            columns={[
              { label: 'Letter', head: true, text: (l) => l.title, href: (l) => `/admin/open_letters/${l.id}` },
              { label: 'Status', text: (l) => l.status },
              { label: 'Organizations', num: true, text: (l) => number(l.organization_count) },
              { label: 'Individuals', num: true, text: (l) => number(l.individual_count) },
            ]}
          />
        )}
      </DashboardSection>
    ),
  };
}
