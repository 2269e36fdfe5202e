import type { FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';
import { AdminLayout } from '../kits/console/layout.tsx';
import { adminPage, sendAdmin } from '../kits/console/mount.tsx';
import { dailySignatureCounts, petitionsOf } from '../petitions/repository.ts';

const DAYS = 7;

/** The last `DAYS` UTC days, oldest first, as YYYY-MM-DD. */
export function lastDays(now = Date.now(), days = DAYS): string[] {
  return Array.from({ length: days }, (_, i) => new Date(now - (days - 1 - i) * 86400_000).toISOString().slice(0, 10));
}

export function dashboardRoutes(ctx: Context) {
  const db = ctx.database.db;
  return async function (app: FastifyInstance) {
    app.get('/', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const days = lastDays();
      const [petitions, daily] = await Promise.all([petitionsOf(db, org.id), dailySignatureCounts(db, org.id, `${days[0]}T00:00:00.000Z`)]);
      const byPetition = new Map<string, Map<string, number>>();
      for (const d of daily) {
        if (!byPetition.has(d.petition_id)) byPetition.set(d.petition_id, new Map());
        byPetition.get(d.petition_id)!.set(d.day, Number(d.n));
      }
      return sendAdmin(
        reply,
        <AdminLayout page={adminPage(request, reply)} title={`Dashboard: ${org.name}`}>
          <h1 safe>{org.name}</h1>
          <h2>Petitions</h2>
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
        </AdminLayout>,
      );
    });
  };
}
