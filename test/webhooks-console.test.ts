import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organizerIn, organization, type SignedIn } from './admin-helpers.ts';
import { ALLOW, jobCount, Receiver, verified } from './webhooks-support.ts';
import { createPetition, signPetition } from '../src/petitions/service.ts';

for (const target of targets()) {
  describe(`webhooks in the console on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let owner: SignedIn;
    let admin: SignedIn;
    let organizer: SignedIn;
    let stranger: SignedIn;
    const receiver = new Receiver();

    before(async () => {
      await receiver.start();
      h = await harness(target, ALLOW);
      orgId = (await organization(h, 'Hooked Coalition')).id;
      const otherId = (await organization(h, 'Elsewhere')).id;
      owner = await organizerIn(h, orgId, 'owner', 'owner@hooked.example');
      admin = await organizerIn(h, orgId, 'admin', 'admin@hooked.example');
      organizer = await organizerIn(h, orgId, 'organizer', 'organizer@hooked.example');
      stranger = await organizerIn(h, otherId, 'owner', 'owner@elsewhere.example');
    });
    after(async () => {
      await h.close();
      await receiver.close();
    });

    const db = () => h.ctx.database.db;
    const get = (who: SignedIn, url: string) => h.app.inject({ url, headers: { cookie: who.cookie } });
    const post = (who: SignedIn, url: string, body: Record<string, string | string[]> = {}) => {
      const params = new URLSearchParams({ _csrf: who.csrf });
      for (const [k, v] of Object.entries(body)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      return h.app.inject({ method: 'POST', url, headers: { ...FORM, cookie: who.cookie }, payload: params.toString() });
    };
    const secretOn = (html: string) => /<code id="secret">(whsec_[^<]+)<\/code>/.exec(html)?.[1];
    let endpointId: string;
    let secret: string;

    it('lists no endpoint at first, and offers every capability’s events', async () => {
      const list = await get(admin, '/admin/webhooks');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /No endpoint yet/);
      assert.match(list.body, /href="\/admin\/webhooks"[^>]*>Webhooks</);
      const page = await get(owner, '/admin/webhooks/new');
      for (const label of ['Petition signatures', 'Event RSVPs', 'Donations', 'Letters to decision-makers', 'People added or changed']) assert.match(page.body, new RegExp(label));
    });

    it('refuses bad endpoints with a message per field and saves nothing', async () => {
      const bad = await post(owner, '/admin/webhooks', { url: 'ftp://example.org/x', description: 'a\nb', events: 'nonsense' });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /must start with https:\/\//);
      assert.match(bad.body, /one line, without control characters/);
      assert.match(bad.body, /Choose among the events listed/);
      const none = await post(owner, '/admin/webhooks', { url: receiver.url('/hook'), description: '' });
      assert.equal(none.statusCode, 422);
      assert.match(none.body, /Choose at least one event/);
      const long = await post(owner, '/admin/webhooks', { url: `https://example.org/${'x'.repeat(2100)}`, events: 'signature' });
      assert.match(long.body, /2000 characters or fewer/);
      assert.equal((await db().selectFrom('webhook_endpoints').selectAll().execute()).length, 0);
    });

    it('adds an endpoint and shows its secret once', async () => {
      const res = await post(owner, '/admin/webhooks', { url: receiver.url('/hook'), description: 'CRM', events: ['signature', 'person'] });
      assert.equal(res.statusCode, 201, res.body);
      secret = secretOn(res.body)!;
      assert.match(secret, /^whsec_/);
      const row = await db().selectFrom('webhook_endpoints').selectAll().where('organization_id', '=', orgId).executeTakeFirstOrThrow();
      endpointId = row.id;
      assert.deepEqual(JSON.parse(row.events), ['signature', 'person']);
      assert.ok(!row.secret_sealed.includes(secret.slice(6)));
      const page = await get(owner, `/admin/webhooks/${endpointId}`);
      assert.equal(page.statusCode, 200);
      assert.ok(!page.body.includes(secret), 'the secret is never shown again');
      const audit = await db().selectFrom('audit_events').selectAll().where('action', '=', 'webhook.created').execute();
      assert.equal(audit.length, 1);
    });

    it('sends at once what is signed after a change in the console (no wait for the cache)', async () => {
      const petition = await createPetition(db(), orgId, { title: 'Hooked', description: '', petition_text: 'Stop.', targets: [], goal: null, confirmation_required: false, status: 'open' }, new Date().toISOString());
      await h.ctx.committer.submit((uow) =>
        signPetition(uow, petition, { person: { email: 'quick@example.org', givenName: 'Quinn', familyName: '', postalCode: '', country: 'US' }, comments: null, optIn: true, optInWording: 'Yes', language: 'en', referral: { source: null, referrer: null } }),
      );
      assert.equal(await jobCount(h, 'webhooks.fanout'), 1);
      await h.runJobs();
      const body = verified(secret, receiver.at('/hook').at(-1)!);
      assert.equal(body[0]['osdi:signature'].person.given_name, 'Quinn');
    });

    it('sends a test now and shows the answer, kept in the log', async () => {
      const before = receiver.at('/hook').length;
      const res = await post(admin, `/admin/webhooks/${endpointId}/test`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /The test was delivered: HTTP 200 in \d+ ms/);
      assert.equal(receiver.at('/hook').length, before + 1);
      const body = verified(secret, receiver.at('/hook').at(-1)!);
      assert.ok(body[0]['turnout:test']);
      receiver.behaviour.set('/hook', 500);
      const failed = await post(admin, `/admin/webhooks/${endpointId}/test`);
      assert.match(failed.body, /The test was not delivered: answered 500/);
      receiver.behaviour.delete('/hook');
      const log = await get(owner, `/admin/webhooks/${endpointId}/deliveries`);
      assert.equal(log.statusCode, 200);
      assert.match(log.body, /HTTP 500, \d+ ms/);
      assert.match(log.body, /HTTP 200, \d+ ms/);
      const one = await db().selectFrom('webhook_deliveries').select('id').where('event', '=', 'test').where('status', '=', 'failed').executeTakeFirstOrThrow();
      const detail = await get(owner, `/admin/webhooks/${endpointId}/deliveries/${one.id}`);
      assert.equal(detail.statusCode, 200);
      assert.match(detail.body, /answered 500/);
    });

    it('sends a failed delivery again from the log, once the receiver is fixed', async () => {
      receiver.behaviour.set('/hook', 500);
      await h.ctx.committer.submit(async (uow) => {
        const person = await uow.trx.selectFrom('people').select('id').where('organization_id', '=', orgId).executeTakeFirstOrThrow();
        uow.raise('person', orgId, person.id);
      });
      await h.runJobs();
      const d = await db().selectFrom('webhook_deliveries').selectAll().where('event', '=', 'person').executeTakeFirstOrThrow();
      // Its retries over: failed (the endpoint stays on, it took other deliveries since).
      await db().updateTable('webhook_deliveries').set({ status: 'failed', next_attempt_at: null }).where('id', '=', d.id).execute();
      await db().updateTable('jobs').set({ status: 'done' }).where('kind', '=', 'webhooks.deliver').where('payload', 'like', `%${d.id}%`).execute();
      const page = await get(owner, `/admin/webhooks/${endpointId}/deliveries/${d.id}`);
      assert.match(page.body, /Send again/);
      receiver.behaviour.delete('/hook');
      const res = await post(owner, `/admin/webhooks/${endpointId}/deliveries/${d.id}/resend`);
      assert.equal(res.statusCode, 303);
      await h.runJobs();
      const after = await db().selectFrom('webhook_deliveries').selectAll().where('id', '=', d.id).executeTakeFirstOrThrow();
      assert.equal(after.status, 'delivered');
      const got = receiver.at('/hook').filter((r) => r.headers['webhook-id'] === d.message_id);
      assert.ok(got.length >= 2, 'the same message, sent again');
      verified(secret, got.at(-1)!);
      // A delivered one cannot be resent.
      const again = await post(owner, `/admin/webhooks/${endpointId}/deliveries/${d.id}/resend`);
      assert.match(again.headers.location as string, /not_resent/);
    });

    it('edits, rolls the secret (both sign for a while), turns off and on, and deletes', async () => {
      const edited = await post(owner, `/admin/webhooks/${endpointId}`, { url: receiver.url('/hook2'), description: 'CRM 2', events: 'person' });
      assert.equal(edited.statusCode, 303);
      const row = await db().selectFrom('webhook_endpoints').selectAll().where('id', '=', endpointId).executeTakeFirstOrThrow();
      assert.equal(row.url, receiver.url('/hook2'));
      assert.deepEqual(JSON.parse(row.events), ['person']);
      const rolled = await post(owner, `/admin/webhooks/${endpointId}/roll-secret`);
      const fresh = secretOn(rolled.body)!;
      assert.match(rolled.body, /old secret keeps signing beside this one until/);
      await post(owner, `/admin/webhooks/${endpointId}/test`);
      const r = receiver.at('/hook2').at(-1)!;
      verified(secret, r);
      verified(fresh, r);
      assert.equal((await post(owner, `/admin/webhooks/${endpointId}/disable`)).statusCode, 303);
      assert.equal((await db().selectFrom('webhook_endpoints').select('status').where('id', '=', endpointId).executeTakeFirstOrThrow()).status, 'disabled');
      assert.match((await get(owner, `/admin/webhooks/${endpointId}`)).body, /Turn on/);
      // The dashboard says so among what needs attention, and stops once it is on again.
      const host = new URL(receiver.url('/hook2')).host;
      assert.match((await get(owner, '/admin')).body, new RegExp(`The webhook to ${host.replace(/\./g, '\\.')} is turned off`));
      assert.equal((await post(owner, `/admin/webhooks/${endpointId}/enable`)).statusCode, 303);
      assert.doesNotMatch((await get(owner, '/admin')).body, /is turned off after its deliveries failed/);
      assert.equal((await db().selectFrom('webhook_endpoints').select('status').where('id', '=', endpointId).executeTakeFirstOrThrow()).status, 'enabled');
      assert.equal((await post(owner, `/admin/webhooks/${endpointId}/delete`)).statusCode, 303);
      assert.equal((await db().selectFrom('webhook_endpoints').selectAll().where('id', '=', endpointId).execute()).length, 0);
      assert.equal((await db().selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).execute()).length, 0);
    });

    it('is for owners and admins of the organization only', async () => {
      const made = await post(owner, '/admin/webhooks', { url: receiver.url('/mine'), events: 'signature' });
      const id = (await db().selectFrom('webhook_endpoints').select('id').where('url', '=', receiver.url('/mine')).executeTakeFirstOrThrow()).id;
      assert.equal(made.statusCode, 201);
      assert.equal((await get(organizer, '/admin/webhooks')).statusCode, 403);
      assert.equal((await post(organizer, `/admin/webhooks/${id}/test`)).statusCode, 403);
      assert.equal((await get(stranger, `/admin/webhooks/${id}`)).statusCode, 404);
      assert.equal((await post(stranger, `/admin/webhooks/${id}/delete`)).statusCode, 404);
      assert.equal((await get(owner, '/admin/webhooks/not-an-id')).statusCode, 404);
      assert.equal((await db().selectFrom('webhook_endpoints').selectAll().where('id', '=', id).execute()).length, 1);
      const noCsrf = await h.app.inject({ method: 'POST', url: `/admin/webhooks/${id}/delete`, headers: { ...FORM, cookie: owner.cookie }, payload: form({}) });
      assert.equal(noCsrf.statusCode, 403);
    });
  });
}
