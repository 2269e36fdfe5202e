import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { targets, harness, type Harness } from './helpers.ts';
import { apiOrganization, idOf, osdiPerson, type ApiClient } from './api-support.ts';
import { organizerIn } from './admin-helpers.ts';
import { ALLOW, endpoint, Receiver, verified } from './webhooks-support.ts';
import { MAX_ATTEMPTS, RETRY_DELAYS_MS } from '../src/webhooks/delivery.ts';
import { checkEndpoint, rollSecret } from '../src/webhooks/service.ts';
import { checkedLookup } from '../src/webhooks/address.ts';
import { postWebhook } from '../src/webhooks/send.ts';
import { nowIso } from '../src/util/ids.ts';

for (const target of targets()) {
  describe(`webhooks: delivery, retries and the address rule on ${target.name}`, () => {
    let h: Harness;
    let api: ApiClient;
    let petitionId: string;
    const receiver = new Receiver();

    before(async () => {
      await receiver.start();
      h = await harness(target, { ...ALLOW, WEBHOOKS_TIMEOUT_MS: '400' });
      api = await apiOrganization(h, 'deliveries');
      await organizerIn(h, api.orgId, 'owner', 'owner@deliveries.example');
      await organizerIn(h, api.orgId, 'admin', 'admin@deliveries.example');
      petitionId = idOf((await api.post('/petitions', { title: 'No cameras', petition_text: 'Stop.' })).body);
    });
    after(async () => {
      await h.close();
      await receiver.close();
    });

    const db = () => h.ctx.database.db;
    let n = 0;
    const sign = async () => {
      const res = await api.post(`/petitions/${petitionId}/signatures`, { person: osdiPerson(`signer${++n}@example.org`) });
      assert.equal(res.status, 200, res.text);
      return idOf(res.body);
    };
    const deliveryOf = (endpointId: string, recordId: string) =>
      db().selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).where('record_id', '=', recordId).executeTakeFirstOrThrow();
    const jobOf = (deliveryId: string) => db().selectFrom('jobs').selectAll().where('kind', '=', 'webhooks.deliver').where('payload', 'like', `%${deliveryId}%`).executeTakeFirstOrThrow();
    /** Brings the delivery's next attempt to now (instead of waiting hours) and runs the due jobs. */
    const nextAttempt = async (deliveryId: string) => {
      await db().updateTable('jobs').set({ run_at: nowIso() }).where('kind', '=', 'webhooks.deliver').where('status', '=', 'pending').where('payload', 'like', `%${deliveryId}%`).execute();
      await h.runJobs();
    };

    it('retries a receiver that answers 500 on the schedule, over about three days, then turns it off and emails the owners', async () => {
      receiver.behaviour.set('/down', 500);
      const { endpoint: e, secret } = await endpoint(h, api.orgId, receiver.url('/down'), ['signature']);
      const signatureId = await sign();
      await h.runJobs(); // the fan-out and the first attempt
      let delivery = await deliveryOf(e.id, signatureId);
      for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
        assert.equal(delivery.attempts, attempt);
        assert.equal(delivery.status, 'pending');
        assert.equal(delivery.last_status_code, 500);
        const job = await jobOf(delivery.id);
        assert.equal(job.status, 'pending');
        const waited = Date.parse(job.run_at) - Date.parse(delivery.modified_at);
        assert.ok(Math.abs(waited - RETRY_DELAYS_MS[attempt - 1]!) < 2000, `attempt ${attempt}: the next comes after ${waited} ms, not ${RETRY_DELAYS_MS[attempt - 1]}`);
        await nextAttempt(delivery.id);
        delivery = await deliveryOf(e.id, signatureId);
      }
      const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
      assert.ok(total > 2.5 * 86_400_000 && total < 3.5 * 86_400_000, `retries span ${total / 3_600_000} h`);
      assert.equal(delivery.attempts, MAX_ATTEMPTS);
      assert.equal(delivery.status, 'failed');
      const attempts = await db().selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', delivery.id).orderBy('attempt').execute();
      assert.deepEqual(attempts.map((a) => a.status_code), Array(MAX_ATTEMPTS).fill(500));
      assert.ok(attempts.every((a) => a.duration_ms >= 0 && a.duration_ms < 5000));
      // Every attempt was the same message (one webhook-id), each freshly signed and verifiable.
      const got = receiver.at('/down');
      assert.equal(got.length, MAX_ATTEMPTS);
      assert.equal(new Set(got.map((r) => r.headers['webhook-id'])).size, 1);
      for (const r of got) verified(secret, r);
      const endpointRow = await db().selectFrom('webhook_endpoints').selectAll().where('id', '=', e.id).executeTakeFirstOrThrow();
      assert.equal(endpointRow.status, 'disabled');
      assert.match(endpointRow.disabled_reason!, /three days/);
      await h.runJobs(); // the notice
      const notices = h.mailer.sent.filter((m) => m.subject.startsWith('Webhook turned off'));
      assert.deepEqual(notices.map((m) => m.to), ['owner@deliveries.example'], 'the owners, not the admins');
      assert.match(notices[0]!.text, new RegExp(`/admin/webhooks/${e.id}`));
      // Turned off: new signatures are not queued for it.
      const later = await sign();
      await h.runJobs();
      assert.equal((await db().selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', e.id).where('record_id', '=', later).execute()).length, 0);
      assert.equal(receiver.at('/down').length, MAX_ATTEMPTS);
    });

    it('a success in between keeps an endpoint on, and a later retry can still succeed', async () => {
      receiver.behaviour.set('/flaky', 503);
      const { endpoint: e, secret } = await endpoint(h, api.orgId, receiver.url('/flaky'), ['signature']);
      const signatureId = await sign();
      await h.runJobs();
      const d = await deliveryOf(e.id, signatureId);
      assert.equal(d.status, 'pending');
      receiver.behaviour.delete('/flaky');
      await nextAttempt(d.id);
      const done = await deliveryOf(e.id, signatureId);
      assert.equal(done.status, 'delivered');
      assert.equal(done.attempts, 2);
      assert.equal(done.body, null, 'a delivered body is not kept');
      const row = await db().selectFrom('webhook_endpoints').selectAll().where('id', '=', e.id).executeTakeFirstOrThrow();
      assert.equal(row.failing_since, null);
      assert.ok(row.last_success_at);
      verified(secret, receiver.at('/flaky').at(-1)!);
      await db().updateTable('webhook_endpoints').set({ status: 'disabled' }).where('id', '=', e.id).execute();
    });

    it('gives up on a hanging receiver at the time limit and retries it', async () => {
      receiver.behaviour.set('/hang', 'hang');
      const { endpoint: e } = await endpoint(h, api.orgId, receiver.url('/hang'), ['signature']);
      const signatureId = await sign();
      const started = Date.now();
      await h.runJobs();
      assert.ok(Date.now() - started < 5000, 'the worker was not held');
      const d = await deliveryOf(e.id, signatureId);
      assert.equal(d.status, 'pending');
      assert.equal(d.last_status_code, null);
      assert.match(d.last_error!, /no answer within 0.4 s/);
      assert.ok(d.last_duration_ms! >= 350 && d.last_duration_ms! < 3000, `${d.last_duration_ms} ms`);
      receiver.behaviour.delete('/hang');
      await nextAttempt(d.id);
      assert.equal((await deliveryOf(e.id, signatureId)).status, 'delivered');
      await db().updateTable('webhook_endpoints').set({ status: 'disabled' }).where('id', '=', e.id).execute();
    });

    it('follows no redirect', async () => {
      receiver.behaviour.set('/moved', { redirect: receiver.url('/elsewhere') });
      const { endpoint: e } = await endpoint(h, api.orgId, receiver.url('/moved'), ['signature']);
      const signatureId = await sign();
      await h.runJobs();
      const d = await deliveryOf(e.id, signatureId);
      assert.equal(d.status, 'pending');
      assert.equal(d.last_status_code, 302);
      assert.match(d.last_error!, /redirect, not followed/);
      assert.equal(receiver.at('/elsewhere').length, 0);
      await db().updateTable('webhook_endpoints').set({ status: 'disabled' }).where('id', '=', e.id).execute();
    });

    it('signs with both secrets while one is rolled, then with the new one only', async () => {
      const { endpoint: e, secret: old } = await endpoint(h, api.orgId, receiver.url('/rolled'), ['signature']);
      const { secret: fresh } = await rollSecret(db(), h.config, e);
      assert.notEqual(fresh, old);
      await sign();
      await h.runJobs();
      const r = receiver.at('/rolled').at(-1)!;
      assert.equal(String(r.headers['webhook-signature']).split(' ').length, 2);
      verified(old, r);
      verified(fresh, r);
      // The overlap over, only the new secret signs.
      await db().updateTable('webhook_endpoints').set({ previous_secret_expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', e.id).execute();
      await sign();
      await h.runJobs();
      const next = receiver.at('/rolled').at(-1)!;
      assert.equal(String(next.headers['webhook-signature']).split(' ').length, 1);
      verified(fresh, next);
      assert.throws(() => verified(old, next));
      // The stored secrets are sealed: the database alone does not hold them.
      const row = await db().selectFrom('webhook_endpoints').selectAll().where('id', '=', e.id).executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(row).includes(fresh.slice(6)) && !JSON.stringify(row).includes(old.slice(6)));
      assert.equal(new Webhook(fresh).sign('msg_x', new Date(0), 'b').startsWith('v1,'), true);
      await db().updateTable('webhook_endpoints').set({ status: 'disabled' }).where('id', '=', e.id).execute();
    });
  });

  describe(`webhooks: private addresses refused without the operator's setting on ${target.name}`, () => {
    let h: Harness;
    let api: ApiClient;
    const receiver = new Receiver();
    before(async () => {
      await receiver.start();
      h = await harness(target);
      api = await apiOrganization(h, 'strict');
    });
    after(async () => {
      await h.close();
      await receiver.close();
    });

    it('refuses non-https, private, loopback and link-local addresses when saved', async () => {
      const check = (url: string) => checkEndpoint({ url, description: '', events: ['signature'] }, ['signature'], h.config);
      assert.match((await check(receiver.url('/x'))).url!, /must start with https:\/\//);
      assert.match((await check('ftp://example.org/x')).url!, /must start with https:\/\//);
      for (const url of ['https://127.0.0.1/x', 'https://localhost/x', 'https://10.0.0.8/x', 'https://[::1]/x', 'https://169.254.169.254/latest', 'https://100.64.0.1/', 'https://[fd00::1]/', 'https://0.0.0.0/', 'https://[::ffff:192.168.0.1]/']) {
        assert.match((await check(url)).url!, /private or reserved address|does not resolve/, url);
      }
      assert.match((await check('https://user:pw@hooks.example.org/x')).url!, /user name or password/);
      assert.match((await check('not a url')).url!, /full address/);
      assert.match((await check('https://no-such-host.invalid/x')).url!, /does not resolve/);
    });

    it('refuses them again at delivery time, before connecting (the address may have changed since)', async () => {
      // Saved while allowed (or the DNS answered otherwise then): the worker still refuses.
      const { endpoint: e } = await endpoint(h, api.orgId, `https://127.0.0.1:${receiver.port}/inside`, ['person']);
      await endpoint(h, api.orgId, receiver.url('/plain'), ['person']);
      assert.equal((await api.post('/people', { person: osdiPerson('inside@example.org') })).status, 200);
      await h.runJobs();
      assert.equal(receiver.received.length, 0, 'nothing reached the operator’s network');
      const rows = await db().selectFrom('webhook_deliveries').selectAll().where('organization_id', '=', api.orgId).execute();
      assert.equal(rows.length, 2);
      const inside = rows.find((r) => r.endpoint_id === e.id)!;
      assert.match(inside.last_error!, /private or reserved address/);
      assert.match(rows.find((r) => r.endpoint_id !== e.id)!.last_error!, /not https/);
      // A host name that resolves inside is refused by the lookup the connection uses.
      const refused = await postWebhook('https://localhost:1/x', {}, '[]', { allowPrivate: false, timeoutMs: 1000 });
      assert.equal(refused.ok, false);
      assert.match(refused.error!, /private or reserved address/);
      await new Promise<void>((resolve) =>
        checkedLookup(false)('localhost', { all: true }, (err) => {
          assert.ok(err);
          resolve();
        }),
      );
    });
    const db = () => h.ctx.database.db;
  });
}
