// `npm run bench:write-path`: what one signature costs the process that writes it, without HTTP.
// 200 signers at a time through the committer (`signPetition`, side by side, as the sign route
// submits them) on a durable SQLite file, then the CPU time per signature. Beside it, in the same
// run and on a file of the same kind, the floor: the same four rows a signature writes (person,
// signature, consent, job) by prepared better-sqlite3 statements, 200 signatures a transaction.
//
// Why it exists: the sign route's goal is half a bare form route's rate, a budget of about 66 µs
// of server time a request on this machine (docs/PERFORMANCE.md). This shows how much of it the
// write alone takes, and how far above SQLite's own floor that is.
//
// Environment: BENCH_SIGNATURES (40000).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { createContext } from '../src/app/context.ts';
import { createOrganization } from '../src/orgs/service.ts';
import { createPetition, signPetition } from '../src/petitions/service.ts';
import { petitionCache } from '../src/petitions/public-cache.ts';
import { nowIso } from '../src/util/ids.ts';
import { openFloor } from './lib/floor.ts';

const N = Number(process.env.BENCH_SIGNATURES || 40_000);
const SIDE_BY_SIDE = 200;
const log = (s: string) => process.stderr.write(`[bench load ${loadavg()[0]!.toFixed(1)}] ${s}\n`);

function cpuMicros(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return u.user + u.system;
}

async function turnout(dir: string) {
  const config = loadConfig({ PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: `sqlite:${path.join(dir, 'turnout.sqlite')}`, DATA_DIR: dir, LOG_LEVEL: 'warn', RATE_LIMITS: 'off' });
  const ctx = await createContext(config);
  try {
    const db = ctx.database.db;
    const org = await createOrganization(db, { name: 'Fair Trains' });
    const p = await createPetition(db, org.id, { title: 'Bench', description: '', petition_text: 'Run the trains.', targets: [], goal: null, confirmation_required: false, status: 'open' }, nowIso());
    const petition = (await petitionCache(ctx).get(p.slug))!;
    const sign = (i: number) =>
      ctx.committer.submit(
        (uow) =>
          signPetition(uow, petition, {
            person: { email: `p${i}@example.org`, givenName: 'Ana', familyName: 'Ruiz', postalCode: '60605', country: 'US' },
            comments: null, optIn: true, optInWording: 'Yes, keep me informed', language: 'en',
            referral: { source: 'bench', referrer: null }, shareWith: [], clientKey: 'k',
          }),
        { sideBySide: true },
      );
    let next = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(Array.from({ length: SIDE_BY_SIDE }, async () => { for (let i = next++; i < N; i = next++) await sign(i); }));
    return { perSecond: N / ((performance.now() - started) / 1000), cpuMicrosPerSignature: cpuMicros(cpu) / N };
  } finally {
    await ctx.close();
  }
}

/** The floor: SQLite itself, the same rows with the same unique keys, through prepared statements (bench/lib/floor.ts). */
function floor(dir: string) {
  const { db, write } = openFloor(path.join(dir, 'floor.sqlite'));
  const signer = (i: number) => ({ email: `p${i}@example.org`, givenName: 'Ana', familyName: 'Ruiz', postalCode: '60605' });
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < N; i += SIDE_BY_SIDE) write(Array.from({ length: Math.min(SIDE_BY_SIDE, N - i) }, (_, k) => signer(i + k)));
  const result = { perSecond: N / ((performance.now() - started) / 1000), cpuMicrosPerSignature: cpuMicros(cpu) / N };
  db.close();
  return result;
}

const dir = mkdtempSync(path.join(tmpdir(), 'turnout-bench-write-'));
try {
  log(`floor: ${N} signatures' rows by prepared statements, ${SIDE_BY_SIDE} a transaction`);
  const base = floor(dir);
  log(`turnout: ${N} signatures through the committer, ${SIDE_BY_SIDE} side by side`);
  const t = await turnout(dir);
  console.log(
    JSON.stringify(
      {
        machine: { cpus: cpus().length, load: loadavg()[0] },
        signatures: N,
        turnout: { perSecond: Math.round(t.perSecond), cpuMicrosPerSignature: Number(t.cpuMicrosPerSignature.toFixed(1)) },
        floor: { perSecond: Math.round(base.perSecond), cpuMicrosPerSignature: Number(base.cpuMicrosPerSignature.toFixed(1)) },
        ratioOfCpu: Number((t.cpuMicrosPerSignature / base.cpuMicrosPerSignature).toFixed(2)),
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
