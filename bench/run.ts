// `npm run bench`: the surge benchmark of docs/PERFORMANCE.md. Starts turnout and a bare
// Fastify route as separate processes, loads both with the same autocannon settings and
// prints one table of figures, goals, baselines and ratios; the same figures go to
// bench/results/<timestamp>.json.
//
// Environment: BENCH_SECONDS (30) per load phase, BENCH_CONNECTIONS (50),
// BENCH_DATABASE_URL or DATABASE_URL (postgres://…, adds the PostgreSQL surge),
// BENCH_EXPORT_ROWS (1000000), BENCH_PHASES (generator,surge,drain,rate80,pages,postgres,export).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { dropSchema, ensureSchema } from '../src/db/connect.ts';
import { DEMO_PETITION_SLUG } from '../src/demo/seed.ts';
import { freePort, memoryOf, MemorySampler, ROOT, startBaseline, startTurnout, type Running } from './lib/processes.ts';
import { getLoad, postLoad, signingLoad, type LoadFigures, type LoadSettings } from './lib/load.ts';
import { checkStored, type StoredCheck } from './lib/check.ts';
import { watchStaleness, type Staleness } from './lib/staleness.ts';
import { seedSignatures, timeExport, type ExportFigures } from './lib/export.ts';
import { wrkInstalled, wrkLoad } from './lib/generator.ts';
import { pendingJobs } from './lib/check.ts';

const SECONDS = Number(process.env.BENCH_SECONDS || 30);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 50);
const EXPORT_ROWS = Number(process.env.BENCH_EXPORT_ROWS || 1_000_000);
const PG_URL = process.env.BENCH_DATABASE_URL || (/^postgres(ql)?:/.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL : undefined);
const PHASES = new Set((process.env.BENCH_PHASES || 'generator,surge,drain,rate80,pages,postgres,export').split(',').map((s) => s.trim()));
/** While the page load runs, signatures arrive at this share of the surge's accepted rate. */
const PAGE_SIGN_SHARE = Number(process.env.BENCH_PAGE_SIGN_SHARE || 0.25);
const WARMUP_SECONDS = Math.min(5, Math.max(1, Math.round(SECONDS / 6)));
const SLUG = DEMO_PETITION_SLUG;

// Each line carries the 1-minute load average: the machine is shared, and the figures move with it.
const log = (s: string) => process.stderr.write(`[bench load ${loadavg()[0]!.toFixed(1)}] ${s}\n`);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const settings = (overallRate?: number): LoadSettings => ({ connections: CONNECTIONS, seconds: SECONDS, overallRate });

interface Row {
  figure: string;
  value: number | string;
  unit: string;
  goal: string;
  baseline: number | string | null;
  ratio: number | null;
  met: boolean | null;
}

const rows: Row[] = [];
const results: Record<string, unknown> = {};

function row(figure: string, value: number | string, unit: string, goal: string, baseline: number | string | null, met: boolean | null, ratio: number | null = null) {
  rows.push({ figure, value, unit, goal, baseline, ratio, met });
}

function tempDir(name: string): string {
  return mkdtempSync(path.join(tmpdir(), `turnout-bench-${name}-`));
}

/** One surge: warm-up, then a flat-out signing load; returns its figures and every email answered 303. */
async function surge(server: Running, prefix: string) {
  await signingLoad(server.url, SLUG, { connections: CONNECTIONS, seconds: WARMUP_SECONDS }, `${prefix}-warmup`).then((w) => pushAll(accepted, w.accepted));
  const r = await signingLoad(server.url, SLUG, settings(), prefix);
  pushAll(accepted, r.accepted);
  return r.figures;
}

let accepted: string[] = [];

/** Appends one by one: a spread (`push(...more)`) overflows the call stack once a fast run accepts a few hundred thousand. */
function pushAll(into: string[], more: readonly string[]) {
  for (const item of more) into.push(item);
}

async function main() {
  const started = new Date();
  log(`load average before the run: ${load()} on a machine with ${(await import('node:os')).cpus().length} cores`);
  results.machine = { loadBefore: loadavg(), cores: (await import('node:os')).cpus().length, node: process.version };
  results.settings = { seconds: SECONDS, connections: CONNECTIONS, pipelining: 1, exportRows: EXPORT_ROWS, pageSignShare: PAGE_SIGN_SHARE };

  // The baseline stays up for the whole run, and each figure is compared with a baseline load
  // run just before it, so that a machine whose load drifts during the run skews both alike.
  const floorDir = tempDir('floor');
  let floorPg: string | undefined;
  if (PG_URL && PHASES.has('postgres')) {
    const url = new URL(PG_URL);
    url.searchParams.set('schema', `bench_floor_${randomBytes(5).toString('hex')}`);
    floorPg = url.toString();
    await ensureSchema(floorPg);
  }
  const baseline = await startBaseline(await freePort(), floorDir, floorPg);
  // `/bare/…` answers "ok" without parsing the body; the form route parses it and answers 303.
  const baselineLoad = async (what: 'POST' | 'GET' | 'FORM') => {
    const r =
      what === 'POST'
        ? await postLoad(baseline.url, `/bare/petitions/${SLUG}`, settings())
        : what === 'FORM'
          ? await postLoad(baseline.url, `/petitions/${SLUG}`, settings(), 303)
          : await getLoad(baseline.url, `/bare/petitions/${SLUG}`, settings());
    log(`baseline ${what}: ${r.okPerSecond.toFixed(0)} answers/s, p99 ${r.p99Ms} ms`);
    return r;
  };
  const basePost = await baselineLoad('POST');
  const baseForm = await baselineLoad('FORM');
  results.baselineForm = baseForm;

  // Is autocannon what limits the baseline? More connections, and wrk (C, lighter) on the same routes.
  if (PHASES.has('generator')) {
    const more = await postLoad(baseline.url, `/petitions/${SLUG}`, { connections: CONNECTIONS * 2, seconds: SECONDS }, 303);
    row('Generator check: form route with 2 × the connections', round(more.okPerSecond), '/s', 'about the same as with 1 ×', round(baseForm.okPerSecond), null, more.okPerSecond / baseForm.okPerSecond);
    results.generator = { doubleConnections: more };
    if (wrkInstalled) {
      const wrkForm = wrkLoad(`${baseline.url}/petitions/${SLUG}`, 'POST', { connections: CONNECTIONS, seconds: SECONDS });
      const wrkGet = wrkLoad(`${baseline.url}/bare/petitions/${SLUG}`, 'GET', { connections: CONNECTIONS, seconds: SECONDS });
      log(`wrk: form route ${wrkForm.requestsPerSecond.toFixed(0)} req/s, bare GET ${wrkGet.requestsPerSecond.toFixed(0)} req/s`);
      results.generator = { ...(results.generator as object), wrkForm, wrkGet };
      row('Generator check: form route driven by wrk', round(wrkForm.requestsPerSecond), '/s', 'autocannon\'s figure if it is not the limit', round(baseForm.okPerSecond), null, wrkForm.requestsPerSecond / baseForm.okPerSecond);
    } else {
      row('Generator check: wrk', 'not installed', '', 'apt-get install -y wrk', null, null);
    }
  }
  const baseMemoryMb = memoryOf(baseline.pid)?.peakMb ?? NaN;
  results.baseline = { post: basePost, peakMb: baseMemoryMb };

  // SQLite, durable (synchronous=FULL), web and worker in one process as `turnout serve` runs.
  let surgeRate = 0;
  if (PHASES.has('surge') || PHASES.has('rate80') || PHASES.has('pages')) {
    const dataDir = tempDir('sqlite');
    const databaseUrl = `sqlite:${path.join(dataDir, 'turnout.sqlite')}`;
    // The ceiling of any durable sign route here: the form route writing SQLite's floor for the
    // same rows, fsync included; measured before turnout starts, whose worker then drains its emails.
    const floor = await postLoad(baseline.url, `/durable/petitions/${SLUG}`, settings(), 303);
    log(`durable floor route: ${floor.okPerSecond.toFixed(0)} answers/s, p99 ${floor.p99Ms} ms`);
    results.durableFloor = floor;
    const server = await startTurnout({ databaseUrl, dataDir, port: await freePort() });
    const memory = new MemorySampler(server.pid, 100);
    accepted = [];
    try {
      log(`SQLite surge: ${CONNECTIONS} connections for ${SECONDS} s (after ${WARMUP_SECONDS} s of warm-up)`);
      const s = await surge(server, 'sqlite');
      surgeRate = s.okPerSecond;
      const surgePeakMb = memory.peakMb;
      log(`SQLite surge: ${s.okPerSecond.toFixed(0)} signatures/s, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, statuses ${JSON.stringify(s.statuses)}; peak ${surgePeakMb.toFixed(0)} MB`);
      results.sqliteSurge = { ...s, peakMb: surgePeakMb };
      row('SQLite durable: accepted signatures/s', round(s.okPerSecond), '/s', '≥ 0.5 × form route (parse + 303)', round(baseForm.okPerSecond), s.okPerSecond >= 0.5 * baseForm.okPerSecond, s.okPerSecond / baseForm.okPerSecond);
      row('  against the bare POST (no parse)', round(s.okPerSecond), '/s', '', round(basePost.okPerSecond), null, s.okPerSecond / basePost.okPerSecond);
      row('Durable floor route: form route + the same rows, prepared, group commit, fsync', round(floor.okPerSecond), '/s', '(what any durable route reaches here)', round(baseForm.okPerSecond), null, floor.okPerSecond / baseForm.okPerSecond);
      row('  SQLite durable against the durable floor route', round(s.okPerSecond), '/s', '', round(floor.okPerSecond), null, s.okPerSecond / floor.okPerSecond);
      row('SQLite surge latency p50 / p99', `${s.p50Ms} / ${s.p99Ms}`, 'ms', '(closed loop)', `${basePost.p50Ms} / ${basePost.p99Ms}`, null);
      row('Server peak memory during the surge', round(surgePeakMb), 'MB', '≤ 256 MB', round(baseMemoryMb), surgePeakMb <= 256, surgePeakMb / baseMemoryMb);

      // Right after a surge the worker drains its queued emails: when a viral page is read most.
      if (PHASES.has('drain')) {
        const queued = await pendingJobs(databaseUrl);
        const baseGet = await baselineLoad('GET');
        const pages = await getLoad(server.url, `/petitions/${SLUG}`, settings());
        const left = await pendingJobs(databaseUrl);
        log(`pages while the worker drains: ${pages.okPerSecond.toFixed(0)} views/s (jobs pending ${queued} before the baseline, ${left} after)`);
        results.sqlitePagesWhileDraining = { pages, baseline: baseGet, jobsBefore: queued, jobsAfter: left };
        row('Page views/s while the worker drains the surge\'s emails', round(pages.okPerSecond), '/s', '≥ 0.6 × baseline GET', round(baseGet.okPerSecond), pages.okPerSecond >= 0.6 * baseGet.okPerSecond, pages.okPerSecond / baseGet.okPerSecond);
        row('  jobs pending before / after', `${queued} / ${left}`, '', '', null, null);
      }

      if (PHASES.has('rate80')) {
        const rate = 0.8 * surgeRate;
        log(`p99 at 80 % of the surge rate: ${rate.toFixed(0)} requests/s`);
        const r = await signingLoad(server.url, SLUG, settings(rate), 'sqlite-80');
        pushAll(accepted, r.accepted);
        const b = await postLoad(baseline.url, `/petitions/${SLUG}`, settings(rate));
        log(`80 %: ${r.figures.okPerSecond.toFixed(0)} signatures/s, p50 ${r.figures.p50Ms} ms, p99 ${r.figures.p99Ms} ms (baseline p99 ${b.p99Ms} ms)`);
        results.sqliteAt80 = { rate, turnout: r.figures, baseline: b };
        row('p99 latency at 80 % of that rate', r.figures.p99Ms, 'ms', '≤ 50 ms', b.p99Ms, r.figures.p99Ms <= 50, b.p99Ms > 0 ? r.figures.p99Ms / b.p99Ms : null);
      }

      if (PHASES.has('pages')) {
        const baseGet = await baselineLoad('GET');
        results.baseline = { ...(results.baseline as object), get: baseGet };
        const signRate = Math.max(1, PAGE_SIGN_SHARE * (surgeRate || 1000));
        log(`page views while ${signRate.toFixed(0)} signatures/s arrive`);
        const stopWatching = watchStaleness({ baseUrl: server.url, databaseUrl, slug: SLUG });
        const [pages, signing] = await Promise.all([
          getLoad(server.url, `/petitions/${SLUG}`, settings()),
          signingLoad(server.url, SLUG, { connections: 10, seconds: SECONDS, overallRate: signRate }, 'sqlite-pages'),
        ]);
        const staleness: Staleness = await stopWatching();
        pushAll(accepted, signing.accepted);
        log(`pages: ${pages.okPerSecond.toFixed(0)} views/s, p99 ${pages.p99Ms} ms, with ${signing.figures.okPerSecond.toFixed(0)} signatures/s; count at most ${staleness.maxMs.toFixed(0)} ms old`);
        results.sqlitePages = { pages, signing: signing.figures, staleness };
        row('Page views/s while signatures arrive', round(pages.okPerSecond), '/s', '≥ 0.6 × baseline', round(baseGet.okPerSecond), pages.okPerSecond >= 0.6 * baseGet.okPerSecond, pages.okPerSecond / baseGet.okPerSecond);
        row('  signatures/s accepted meanwhile', round(signing.figures.okPerSecond), '/s', `(${PAGE_SIGN_SHARE} × surge rate asked)`, null, null);
        row('  page p99 latency', pages.p99Ms, 'ms', '', baseGet.p99Ms, null);
        row('  age of the count shown (max, upper bound)', round(staleness.maxMs), 'ms', '≤ 5000 ms', null, staleness.maxMs <= 5000);
      }
      results.sqlitePeakMb = memory.peakMb;
    } finally {
      memory.stop();
      await server.stop();
    }
    const check = await checkStored(databaseUrl, SLUG, accepted);
    results.sqliteCheck = { ...check, accepted: accepted.length };
    log(`SQLite: ${accepted.length} answered 303, ${check.stored} stored, counter ${check.counter}, lost ${check.lost}, duplicated ${check.duplicated}`);
    row('SQLite lost / duplicated signatures', `${check.lost} / ${check.duplicated}`, '', '0 / 0', `${accepted.length} answered 303`, check.lost === 0 && check.duplicated === 0);
    row('  counter equals stored rows', `${check.counter} = ${check.stored}`, '', 'equal', null, check.counter === check.stored);
    rmSync(dataDir, { recursive: true, force: true });
  }

  if (PHASES.has('postgres')) {
    if (!PG_URL) {
      log('PostgreSQL: skipped (set BENCH_DATABASE_URL or DATABASE_URL to postgres://…)');
      row('PostgreSQL: accepted signatures/s', 'skipped', '', '≥ 0.3 × form route', round(baseForm.okPerSecond), null);
    } else {
      const url = new URL(PG_URL);
      url.searchParams.set('schema', `bench_${randomBytes(5).toString('hex')}`);
      const databaseUrl = url.toString();
      await ensureSchema(databaseUrl);
      const dataDir = tempDir('postgres');
      const basePostPg = await baselineLoad('FORM');
      results.baseline = { ...(results.baseline as object), postBeforePostgres: basePostPg };
      const floor = await postLoad(baseline.url, `/durable-pg/petitions/${SLUG}`, settings(), 303);
      log(`PostgreSQL durable floor route: ${floor.okPerSecond.toFixed(0)} answers/s, p99 ${floor.p99Ms} ms, statuses ${JSON.stringify(floor.statuses)}`);
      results.postgresDurableFloor = floor;
      const server = await startTurnout({ databaseUrl, dataDir, port: await freePort() });
      const memory = new MemorySampler(server.pid, 100);
      accepted = [];
      let s: LoadFigures;
      try {
        log(`PostgreSQL surge: ${CONNECTIONS} connections for ${SECONDS} s`);
        s = await surge(server, 'pg');
      } finally {
        memory.stop();
        await server.stop();
      }
      const check: StoredCheck = await checkStored(databaseUrl, SLUG, accepted);
      await dropSchema(databaseUrl);
      rmSync(dataDir, { recursive: true, force: true });
      log(`PostgreSQL surge: ${s.okPerSecond.toFixed(0)} signatures/s, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms; lost ${check.lost}, duplicated ${check.duplicated}`);
      results.postgresSurge = { ...s, peakMb: memory.peakMb, check: { ...check, accepted: accepted.length } };
      row('PostgreSQL: accepted signatures/s', round(s.okPerSecond), '/s', '≥ 0.3 × form route', round(basePostPg.okPerSecond), s.okPerSecond >= 0.3 * basePostPg.okPerSecond, s.okPerSecond / basePostPg.okPerSecond);
      row('PostgreSQL durable floor route: form route + the same rows, unnest, prepared', round(floor.okPerSecond), '/s', '(what any durable route reaches here)', round(basePostPg.okPerSecond), null, floor.okPerSecond / basePostPg.okPerSecond);
      row('  PostgreSQL against the durable floor route', round(s.okPerSecond), '/s', '', round(floor.okPerSecond), null, s.okPerSecond / floor.okPerSecond);
      row('  PostgreSQL latency p50 / p99', `${s.p50Ms} / ${s.p99Ms}`, 'ms', '(closed loop)', `${basePostPg.p50Ms} / ${basePostPg.p99Ms}`, null);
      row('  PostgreSQL lost / duplicated', `${check.lost} / ${check.duplicated}`, '', '0 / 0', `${accepted.length} answered 303`, check.lost === 0 && check.duplicated === 0 && check.counter === check.stored);
    }
  }
  await baseline.stop();
  rmSync(floorDir, { recursive: true, force: true });
  if (floorPg) await dropSchema(floorPg);

  if (PHASES.has('export')) {
    const dataDir = tempDir('export');
    log(`export: writing ${EXPORT_ROWS} signatures into a fresh SQLite database`);
    const seeded = await seedSignatures(dataDir, EXPORT_ROWS);
    log('export: timing `turnout export signatures`');
    const e: ExportFigures = await timeExport(dataDir, seeded.databaseUrl, seeded.slug, EXPORT_ROWS);
    rmSync(dataDir, { recursive: true, force: true });
    log(`export: ${e.lines - 1} rows in ${e.seconds.toFixed(1)} s, peak ${e.peakMb.toFixed(0)} MB (first half ${e.firstHalfMb.toFixed(0)} MB, second half ${e.secondHalfMb.toFixed(0)} MB)`);
    results.export = e;
    row(`CSV export of ${EXPORT_ROWS.toLocaleString('en')} signatures`, round(e.seconds, 1), 's', '< 15 s', null, e.seconds < 15 && e.lines === EXPORT_ROWS + 1);
    row('  export peak memory (1st half / 2nd half)', `${round(e.peakMb)} (${round(e.firstHalfMb)} / ${round(e.secondHalfMb)})`, 'MB', 'flat', null, e.secondHalfMb <= e.firstHalfMb * 1.2 + 8);
  }

  results.machine = { ...(results.machine as object), loadAfter: loadavg() };
  results.table = rows;
  printTable();
  const dir = path.join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ startedAt: started.toISOString(), ...results }, null, 2) + '\n');
  log(`load average after the run: ${load()}; figures written to ${path.relative(ROOT, file)}`);
}

function round(n: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function printTable() {
  const header = ['figure', 'value', 'goal', 'baseline', 'ratio', 'met'];
  const lines = rows.map((r) => [
    r.figure,
    `${r.value}${r.unit && r.unit !== '/s' ? ` ${r.unit}` : r.unit}`,
    r.goal,
    r.baseline === null ? '' : String(r.baseline),
    r.ratio === null ? '' : r.ratio.toFixed(2),
    r.met === null ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`\n${fmt(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${lines.map(fmt).join('\n')}\n\n`);
}

await main();
