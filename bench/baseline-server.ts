// The baselines, in their own process: bare Fastify routes doing the least a route can.
// - `/bare/*`: answers "ok" (200) to any GET or POST, reading a form body as a string without
//   parsing it: the cheapest answer to the same request.
// - `/*`: parses the form body as turnout does (@fastify/formbody) and answers a POST with a
//   303 to a thank-you path, as a signature is answered; a GET answers "ok".
// - `/durable/*` (when DATA_DIR is set): the form route plus the least a durable signature can
//   write: SQLite's floor (bench/lib/floor.ts, the four rows by statements prepared once), every
//   POST read in one turn of the event loop in one transaction, each answered 303 once the log is
//   on disk by the same WalSync turnout uses. No rules, no checks: what a sign route cannot beat.
import path from 'node:path';
import Fastify from 'fastify';
import formbody from '@fastify/formbody';
import { WalSync } from '../src/db/sqlite-durable.ts';
import { openFloor, openPostgresFloor, type FloorSigner } from './lib/floor.ts';

const app = Fastify({ logger: false });
await app.register(async (bare) => {
  bare.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  bare.get('/*', async () => 'ok');
  bare.post('/*', async () => 'ok');
}, { prefix: '/bare' });
await app.register(async (form) => {
  await form.register(formbody, { bodyLimit: 64 * 1024 });
  form.get('/*', async () => 'ok');
  form.post('/*', async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    // Touch what a signature reads, so the parse cannot be skipped.
    if (typeof body.email !== 'string') return reply.code(422).send('email?');
    return reply.redirect(`${request.url}/thanks`, 303);
  });
});
/**
 * A durable floor route at `prefix`, batching as turnout's group committer does: up to
 * `concurrency` writes at once, and every POST that arrives meanwhile joins the next batch.
 */
async function durableRoute(prefix: string, concurrency: number, write: (signers: FloorSigner[]) => Promise<void>) {
  let waiting: { signer: FloorSigner; done: (e?: unknown) => void }[] = [];
  let inFlight = 0;
  let scheduled = false;
  const pump = () => {
    scheduled = false;
    while (inFlight < concurrency && waiting.length > 0) {
      const batch = waiting.splice(0, 500);
      inFlight++;
      Promise.resolve()
        .then(() => write(batch.map((w) => w.signer)))
        .then(
          () => batch.forEach((w) => w.done()),
          (e: unknown) => batch.forEach((w) => w.done(e)),
        )
        .finally(() => {
          inFlight--;
          schedule();
        });
    }
  };
  const schedule = () => {
    if (scheduled || waiting.length === 0) return;
    scheduled = true;
    setImmediate(pump);
  };
  await app.register(async (durable) => {
    await durable.register(formbody, { bodyLimit: 64 * 1024 });
    durable.post('/*', async (request, reply) => {
      const body = request.body as Record<string, unknown>;
      if (typeof body.email !== 'string') return reply.code(422).send('email?');
      const signer = { email: body.email, givenName: String(body.given_name ?? ''), familyName: String(body.family_name ?? ''), postalCode: String(body.postal_code ?? '') };
      await new Promise<void>((resolve, reject) => {
        waiting.push({ signer, done: (e) => (e ? reject(e) : resolve()) });
        schedule();
      });
      return reply.redirect(`${request.url}/thanks`, 303);
    });
  }, { prefix });
}
if (process.env.DATA_DIR) {
  const file = path.join(process.env.DATA_DIR, 'floor.sqlite');
  const floor = openFloor(file);
  const wal = new WalSync(file);
  await durableRoute('/durable', 1, (signers) => {
    floor.write(signers);
    return wal.sync();
  });
}
// `/durable-pg/*` (when FLOOR_DATABASE_URL names a PostgreSQL schema): the same on PostgreSQL (bench/lib/floor.ts).
if (process.env.FLOOR_DATABASE_URL) {
  const floor = await openPostgresFloor(process.env.FLOOR_DATABASE_URL);
  await durableRoute('/durable-pg', 2, (signers) => floor.write(signers));
}
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.stdout.write('baseline listening\n');
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
