// `npm run bench:donations`: Stripe webhook events accepted per second, one in five a repeat of
// an event already sent (Stripe retries), beside a bare Fastify route loaded with the same
// bodies in the same run; then the gifts recorded twice (must be 0) and the gifts against the
// distinct events (must be equal). SQLite, as `npm start` runs.
//
// Environment: BENCH_EVENTS (20000 distinct events), BENCH_CONNECTIONS (50).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir, cpus } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import Stripe from 'stripe';
import { connect } from '../src/db/connect.ts';
import { UnitOfWork } from '../src/actions/unit-of-work.ts';
import { createPage } from '../src/donations/index.ts';
import { startCheckout } from '../src/donations/service.ts';
import { findOrganizationBySlug } from '../src/orgs/repository.ts';
import { DEMO_ORG_SLUG } from '../src/demo/seed.ts';
import { nowIso } from '../src/util/ids.ts';
import { freePort, startBaseline, startTurnout } from './lib/processes.ts';

const EVENTS = Number(process.env.BENCH_EVENTS || 20_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 50);
const SECRET = 'whsec_bench_turnout';
const STRIPE_ENV = { STRIPE_SECRET_KEY: 'sk_test_bench', STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_BASE: 'http://127.0.0.1:9' };
const log = (s: string) => process.stderr.write(`[bench load ${loadavg()[0]!.toFixed(1)}] ${s}\n`);

/** Distinct checkouts, each waiting for its Stripe event. */
async function seedCheckouts(databaseUrl: string): Promise<{ ids: string[]; pageId: string }> {
  const database = connect(databaseUrl);
  const db = database.db;
  const org = (await findOrganizationBySlug(db, DEMO_ORG_SLUG))!;
  const page = await createPage(
    db,
    org.id,
    { title: 'Bench fund', description: '', currency: 'USD', goal_minor: null, amounts: [2500], min_minor: 100, max_minor: 1_000_000, allow_monthly: false, offer_fee_cover: false, processor: 'stripe', actblue_form: null, actblue_refcode: null, status: 'open' },
    nowIso(),
  );
  const ids: string[] = [];
  for (let start = 0; start < EVENTS; start += 1000) {
    await db.transaction().execute(async (trx) => {
      const uow = new UnitOfWork(trx, nowIso(), database.dialect);
      const n = Math.min(1000, EVENTS - start);
      const results = await uow.run(
        Array.from({ length: n }, (_, k) => (u: UnitOfWork) =>
          startCheckout(u, page, {
            person: { givenName: 'Bench', familyName: `Donor${start + k}`, email: `donor-${start + k}@example.org`, postalCode: '94110', country: 'US' },
            amountMinor: 2500,
            feeCoverMinor: 0,
            recurring: false,
            optIn: true,
            optInWording: 'bench',
            language: 'en',
            referral: { source: null, referrer: null },
            shareWith: [],
            idempotencyKey: `bench-${start + k}`,
          }),
        ),
      );
      await uow.flush();
      for (const r of results) if (r.status === 'fulfilled') ids.push(r.value.id);
    });
  }
  await database.close();
  return { ids, pageId: page.id };
}

/** The deliveries: every fifth one repeats an event sent before, signed as Stripe signs. */
function deliveries(checkoutIds: string[]) {
  const signer = new Stripe('sk_test_bench', { telemetry: false });
  const distinct = checkoutIds.map((id, i) => {
    const event = {
      id: `evt_bench_${i}_${randomBytes(4).toString('hex')}`,
      object: 'event',
      type: 'checkout.session.completed',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: `cs_bench_${i}`, object: 'checkout.session', mode: 'payment', status: 'complete', payment_status: 'paid', amount_total: 2500, currency: 'usd', client_reference_id: id, metadata: { turnout_checkout: id }, payment_intent: `pi_bench_${i}` } },
    };
    const payload = JSON.stringify(event);
    return { payload, signature: signer.webhooks.generateTestHeaderString({ payload, secret: SECRET }) };
  });
  const all: typeof distinct = [];
  for (let i = 0; i < distinct.length; i++) {
    all.push(distinct[i]!);
    if (i % 4 === 3) all.push(distinct[Math.floor(Math.random() * (i + 1))]!);
  }
  return { all, distinct: distinct.length };
}

async function load(url: string, path: string, list: { payload: string; signature: string }[]) {
  let n = 0;
  const outcomes: Record<string, number> = {};
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    amount: list.length,
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest(request) {
          const d = list[n++ % list.length]!;
          return { ...request, headers: { 'content-type': 'application/json', 'stripe-signature': d.signature }, body: d.payload };
        },
        onResponse(status, body) {
          let outcome = String(status);
          try {
            outcome = (JSON.parse(body) as { outcome?: string }).outcome ?? outcome;
          } catch {}
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        },
      },
    ],
  });
  const ok = result.statusCodeStats['200']?.count ?? 0;
  return { perSecond: ok / result.duration, seconds: result.duration, ok, errors: result.errors + result.timeouts, outcomes, p99: result.latency.p99 };
}

async function main() {
  log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} cores; ${EVENTS} distinct events, ${CONNECTIONS} connections`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'turnout-bench-donations-'));
  const databaseUrl = `sqlite:${path.join(dataDir, 'turnout.sqlite')}`;
  const port = await freePort();
  const env = { databaseUrl, dataDir, port, extraEnv: STRIPE_ENV };
  // Once to migrate and seed the demo, then the checkouts are written while it is stopped.
  await (await startTurnout(env)).stop();
  const { ids, pageId } = await seedCheckouts(databaseUrl);
  const { all, distinct } = deliveries(ids);
  log(`${ids.length} checkouts written; ${all.length} deliveries signed (${all.length - distinct} repeats)`);

  const baseline = await startBaseline(await freePort());
  const turnout = await startTurnout(env);
  try {
    const warm = await load(baseline.url, '/bare/webhooks/stripe', all.slice(0, 2000));
    log(`baseline warm-up ${warm.perSecond.toFixed(0)}/s`);
    const bare = await load(baseline.url, '/bare/webhooks/stripe', all);
    log(`baseline: ${bare.perSecond.toFixed(0)} answers/s`);
    const hooks = await load(turnout.url, '/webhooks/stripe', all);
    log(`turnout: ${hooks.perSecond.toFixed(0)} events/s ${JSON.stringify(hooks.outcomes)}`);
    await turnout.stop();

    const database = connect(databaseUrl);
    const db = database.db;
    const gifts = Number((await db.selectFrom('donations').select(sql<number>`count(*)`.as('n')).where('fundraising_page_id', '=', pageId).executeTakeFirstOrThrow()).n);
    const twice = await db
      .selectFrom('donations')
      .select(['payment_intent', sql<number>`count(*)`.as('n')])
      .where('fundraising_page_id', '=', pageId)
      .groupBy('payment_intent')
      .having(sql`count(*)`, '>', 1)
      .execute();
    const events = Number((await db.selectFrom('stripe_events').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    await database.close();

    const rows = [
      ['webhook events answered 200 per second', hooks.perSecond.toFixed(0), `${(hooks.perSecond / bare.perSecond).toFixed(2)} × the bare route`],
      ['bare Fastify route, same bodies, answers per second', bare.perSecond.toFixed(0), 'baseline, same run'],
      ['deliveries sent (distinct + repeats)', String(all.length), `${distinct} + ${all.length - distinct}`],
      ['answered: applied / duplicate / other', `${hooks.outcomes.applied ?? 0} / ${hooks.outcomes.duplicate ?? 0} / ${hooks.errors + Object.entries(hooks.outcomes).filter(([k]) => k !== 'applied' && k !== 'duplicate').reduce((s, [, v]) => s + v, 0)}`, ''],
      ['gifts recorded / distinct events / events claimed', `${gifts} / ${distinct} / ${events}`, gifts === distinct ? 'equal' : 'NOT EQUAL'],
      ['gifts recorded twice', String(twice.length), twice.length === 0 ? 'goal 0: met' : 'goal 0: NOT MET'],
      ['p99 latency, turnout', `${hooks.p99} ms`, ''],
    ];
    process.stdout.write(`\n| figure | value | note |\n|---|---|---|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`);
    if (twice.length > 0 || gifts !== distinct) process.exitCode = 1;
  } finally {
    await turnout.stop();
    await baseline.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
