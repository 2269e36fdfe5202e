import type { Context } from '../../context.ts';
import { lastDays } from '../../kits/console/days.ts';
import { dailySubmissionCounts, formsOf } from '../repository.ts';

/** The dashboard's forms: submissions in total and on each of the last 7 days; nothing when there are no forms. */
export async function formsDashboard(ctx: Context, organizationId: string): Promise<JSX.Element | null> {
  const db = ctx.database.db;
  const days = lastDays();
  const [forms, daily] = await Promise.all([formsOf(db, organizationId), dailySubmissionCounts(db, organizationId, `${days[0]}T00:00:00.000Z`)]);
  if (forms.length === 0) return null;
  const byForm = new Map<string, Map<string, number>>();
  for (const d of daily) {
    if (!byForm.has(d.form_id)) byForm.set(d.form_id, new Map());
    byForm.get(d.form_id)!.set(d.day, Number(d.n));
  }
  return (
    <section aria-labelledby="dashboard-forms">
      <h2 id="dashboard-forms">Forms</h2>
      <table>
        <caption>Submissions in total and on each of the last 7 days (UTC)</caption>
        <thead>
          <tr>
            <th scope="col">Form</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Total
            </th>
            {days.map((d) => (
              <th scope="col" class="num" safe>
                {d.slice(5)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {forms.map((f) => (
            <tr>
              <th scope="row">
                <a href={`/admin/forms/${f.id}`} safe>
                  {f.title}
                </a>
              </th>
              <td>{f.status === 'open' ? 'open' : 'closed'}</td>
              <td class="num" safe>
                {String(f.submission_count)}
              </td>
              {days.map((d) => (
                <td class="num" safe>
                  {String(byForm.get(f.id)?.get(d) ?? 0)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
