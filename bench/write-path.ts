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
import SQLite from 'better-sqlite3';
import { loadConfig } from '../src/config.ts';
import { createContext } from '../src/app/context.ts';
import { createOrganization } from '../src/orgs/service.ts';
import { createPetition, signPetition } from '../src/petitions/service.ts';
import { petitionCache } from '../src/petitions/public-cache.ts';
import { newId, nowIso } from '../src/util/ids.ts';

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

/** The floor: SQLite itself, the same rows with the same unique keys, through prepared statements. */
function floor(dir: string) {
  const db = new SQLite(path.join(dir, 'floor.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`
    create table people (id text primary key, organization_id text not null, email text, given_name text, family_name text, postal_code text, country text, language text, email_status text not null, created_at text not null, modified_at text not null, unique (organization_id, email));
    create index people_org_created on people (organization_id, created_at);
    create table signatures (id text primary key, petition_id text not null, organization_id text not null, person_id text not null, comments text, source text, referrer text, language text not null, confirmed_at text, created_at text not null, modified_at text not null, client_key text, unique (petition_id, person_id));
    create index signatures_petition_created on signatures (petition_id, created_at);
    create index signatures_person on signatures (person_id);
    create table consents (id text primary key, organization_id text not null, person_id text not null, action_type text not null, action_id text not null, given integer not null, wording text not null, created_at text not null);
    create index consents_person on consents (person_id);
    create table jobs (id text primary key, kind text not null, payload text not null, status text not null, run_at text not null, created_at text not null);
    create index jobs_claim on jobs (status, run_at);
  `);
  const person = db.prepare(`insert into people values (?, ?, ?, ?, ?, ?, ?, ?, 'subscribed', ?, ?) on conflict (organization_id, email) do update set modified_at = excluded.modified_at returning id`);
  const signature = db.prepare(`insert into signatures values (?, ?, ?, ?, null, 'bench', null, 'en', ?, ?, ?, 'k') on conflict do nothing`);
  const consent = db.prepare(`insert into consents values (?, ?, ?, 'petition', ?, 1, 'Yes, keep me informed', ?)`);
  const job = db.prepare(`insert into jobs values (?, 'petition.autoresponse', ?, 'pending', ?, ?)`);
  const org = newId();
  const petition = newId();
  const batch = db.transaction((from: number, to: number) => {
    const now = new Date().toISOString();
    for (let i = from; i < to; i++) {
      const { id } = person.get(newId(), org, `p${i}@example.org`, 'Ana', 'Ruiz', '60605', 'US', 'en', now, now) as { id: string };
      const sid = newId();
      signature.run(sid, petition, org, id, now, now, now);
      consent.run(newId(), org, id, petition, now);
      job.run(newId(), JSON.stringify({ signatureId: sid }), now, now);
    }
  });
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < N; i += SIDE_BY_SIDE) batch(i, Math.min(N, i + SIDE_BY_SIDE));
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
