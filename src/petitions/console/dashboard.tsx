import type { Context } from '../../context.ts';
import { lastDays } from '../../kits/console/days.ts';
import { dailySignatureCounts, petitionsOf } from '../repository.ts';

/** The dashboard's petitions: signatures in total and on each of the last 7 days. */
export async function petitionsDashboard(ctx: Context, organizationId: string): Promise<JSX.Element> {
  const db = ctx.database.db;
  const days = lastDays();
  const [petitions, daily] = await Promise.all([petitionsOf(db, organizationId), dailySignatureCounts(db, organizationId, `${days[0]}T00:00:00.000Z`)]);
  const byPetition = new Map<string, Map<string, number>>();
  for (const d of daily) {
    if (!byPetition.has(d.petition_id)) byPetition.set(d.petition_id, new Map());
    byPetition.get(d.petition_id)!.set(d.day, Number(d.n));
  }
  return (
    <section aria-labelledby="dashboard-petitions">
      <h2 id="dashboard-petitions">Petitions</h2>
      {petitions.length === 0 ? (
        <p>No petitions yet.</p>
      ) : (
        <table>
          <caption>Signatures in total and on each of the last 7 days (UTC)</caption>
          <thead>
            <tr>
              <th scope="col">Petition</th>
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
            {petitions.map((p) => (
              <tr>
                <th scope="row">
                  <a href={`/admin/petitions/${p.id}`} safe>
                    {p.title}
                  </a>
                </th>
                <td>{p.status === 'open' ? 'open' : 'closed'}</td>
                <td class="num" safe>
                  {String(p.signature_count)}
                </td>
                {days.map((d) => (
                  <td class="num" safe>
                    {String(byPetition.get(p.id)?.get(d) ?? 0)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
