import type { Context, DashboardPart } from '../../context.ts';
import { lastDays } from '../../kits/console/days.ts';
import { DataTable, type Column } from '../../kits/console/table.tsx';
import { DailyChart } from '../../kits/console/charts.tsx';
import { DashboardSection } from '../../kits/console/dashboard-section.tsx';
import { number } from '../../kits/console/format.ts';
import { dailySignatureCounts, petitionsOf } from '../repository.ts';

const CHART_DAYS = 30;

/** The dashboard's petitions: signatures per day across them (the last 30 days), and each petition's total and last 7 days. */
export async function petitionsDashboard(ctx: Context, organizationId: string): Promise<DashboardPart> {
  const db = ctx.database.db;
  const chartDays = lastDays(Date.now(), CHART_DAYS);
  const days = chartDays.slice(-7);
  const [petitions, daily] = await Promise.all([petitionsOf(db, organizationId), dailySignatureCounts(db, organizationId, `${chartDays[0]}T00:00:00.000Z`)]);
  const byPetition = new Map<string, Map<string, number>>();
  const perDay = new Map<string, number>();
  for (const d of daily) {
    if (!byPetition.has(d.petition_id)) byPetition.set(d.petition_id, new Map());
    byPetition.get(d.petition_id)!.set(d.day, Number(d.n));
    perDay.set(d.day, (perDay.get(d.day) ?? 0) + Number(d.n));
  }
  type P = (typeof petitions)[number];
  const columns: Column<P>[] = [
    { label: 'Petition', head: true, text: (p) => p.title, href: (p) => `/admin/petitions/${p.id}` },
    { label: 'Status', text: (p) => (p.status === 'open' ? 'open' : 'closed') },
    { label: 'Total', num: true, text: (p) => number(p.signature_count) },
    ...days.map((d): Column<P> => ({ label: d.slice(5), num: true, text: (p) => number(byPetition.get(p.id)?.get(d) ?? 0) })),
  ];
  return {
    section: (
      <DashboardSection id="petitions" title="Petitions" href="/admin/petitions" all="All petitions" empty="No petitions yet.">
        {petitions.length > 0 && (
          <>
            <DailyChart id="dashboard-signatures-per-day" title={`Signatures per day across petitions, the last ${CHART_DAYS} days (UTC)`} days={chartDays.map((day) => ({ day, value: perDay.get(day) ?? 0 }))} head={['Day', 'Signatures']} />
            <DataTable caption="Signatures in total and on each of the last 7 days (UTC)" rows={petitions} columns={columns} />
          </>
        )}
      </DashboardSection>
    ),
  };
}
