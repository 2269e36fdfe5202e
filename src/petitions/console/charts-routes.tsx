import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import { AdminLayout } from '../../kits/console/layout.tsx';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { number } from '../../kits/console/format.ts';
import { lastDays } from '../../kits/console/days.ts';
import { BarChart, DailyChart } from '../../kits/console/charts.tsx';
import { zipcodes } from '../../kits/places/zipcodes.ts';
import * as repo from '../repository.ts';
import { signaturesPerDay, signaturesPerSource, signaturesPerZip } from '../stats-repository.ts';
import { PetitionNotFoundPage } from './pages.tsx';

type IdParams = { Params: { id: string } };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAYS = 30;
const SOURCES = 15;

/** The state of a US ZIP (its first five digits), or null: abroad, unknown, erased. */
function stateOfZip(postalCode: string | null, country: string | null): string | null {
  if (!postalCode || (country && country !== 'US')) return null;
  const z = zipcodes().lookup(postalCode.slice(0, 5));
  return z && z.country === 'US' ? z.state : null;
}

/**
 * A petition's charts: counted signatures per day (the last 30, UTC), per source code and per
 * state, each an SVG with its table. The state map is a module of its own, loaded on first use
 * (d3-geo and the atlas), as is the ZIP table.
 */
export function petitionChartsRoutes(ctx: Context) {
  const db = ctx.database.db;
  return async function (app: FastifyInstance) {
    app.get<IdParams>('/petitions/:id/charts', { config: { permission: 'view_reports' } }, async (request: FastifyRequest<IdParams>, reply: FastifyReply) => {
      const org = request.organizer!.organization!;
      const petition = UUID.test(request.params.id) ? await repo.findPetition(db, org.id, request.params.id.toLowerCase()) : undefined;
      if (!petition) return sendAdmin(reply, <PetitionNotFoundPage page={adminPage(request, reply)} />, 404);
      const days = lastDays(Date.now(), DAYS);
      const [perDay, perSource, perZip, { StateMap }] = await Promise.all([
        signaturesPerDay(db, org.id, petition.id, `${days[0]}T00:00:00.000Z`),
        signaturesPerSource(db, org.id, petition.id),
        signaturesPerZip(db, org.id, petition.id),
        import('../../kits/console/state-map.tsx'),
      ]);
      const byDay = new Map(perDay.map((d) => [d.day, Number(d.n)]));
      const sources = perSource.map((s) => ({ label: s.source ?? '(no source code)', value: Number(s.n) })).sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
      const shownSources = sources.length > SOURCES ? [...sources.slice(0, SOURCES - 1), { label: `${sources.length - SOURCES + 1} other codes`, value: sources.slice(SOURCES - 1).reduce((n, s) => n + s.value, 0) }] : sources;
      const byState = new Map<string, number>();
      let elsewhere = 0;
      for (const z of perZip) {
        const state = stateOfZip(z.postal_code, z.country);
        if (state) byState.set(state, (byState.get(state) ?? 0) + Number(z.n));
        else elsewhere += Number(z.n);
      }
      return sendAdmin(
        reply,
        <AdminLayout page={adminPage(request, reply)} title={`Charts: ${petition.title}`}>
          <p>
            <a href={`/admin/petitions/${petition.id}`}>Back to the petition</a>
          </p>
          <h1 safe>{`Charts: ${petition.title}`}</h1>
          <p safe>{`${number(petition.signature_count)} signatures counted. Signatures awaiting confirmation and invalidated ones are not in these charts.`}</p>
          <DailyChart id="per-day" title={`Signatures per day, the last ${DAYS} days (UTC)`} days={days.map((day) => ({ day, value: byDay.get(day) ?? 0 }))} head={['Day', 'Signatures']} />
          <BarChart id="per-source" title="Signatures by source code" data={shownSources} head={['Source code', 'Signatures']} empty="No signatures yet." />
          <StateMap id="per-state" title="Signatures by state" counts={byState} elsewhere={elsewhere} head={['State', 'Signatures']} />
        </AdminLayout>,
      );
    });
  };
}
