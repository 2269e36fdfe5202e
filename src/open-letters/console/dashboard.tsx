import type { Context } from '../../context.ts';
import { number } from '../../kits/console/format.ts';
import { DataTable } from '../../kits/console/table.tsx';
import { lettersOf } from '../repository.ts';

/** The dashboard's open letters: organizations on the list and individuals, or nothing when there are none. */
export async function openLettersDashboard(ctx: Context, organizationId: string): Promise<JSX.Element | null> {
  const letters = await lettersOf(ctx.database.db, organizationId);
  if (letters.length === 0) return null;
  return (
    <section aria-labelledby="dashboard-open-letters">
      <h2 id="dashboard-open-letters">Open letters</h2>
      <DataTable
        rows={letters}
        columns={[
          { label: 'Letter', head: true, text: (l) => l.title, href: (l) => `/admin/open_letters/${l.id}` },
          { label: 'Status', text: (l) => l.status },
          { label: 'Organizations', num: true, text: (l) => number(l.organization_count) },
          { label: 'Individuals', num: true, text: (l) => number(l.individual_count) },
        ]}
      />
    </section>
  );
}
