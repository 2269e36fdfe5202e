import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { targets, harness, type Harness } from './helpers.ts';
import { apiOrganization, idOf, osdiPerson, type ApiClient } from './api-support.ts';
import { ALLOW, endpoint, jobCount, Receiver, verified, webhookHeaders } from './webhooks-support.ts';
import { erasePerson } from '../src/people/service.ts';
import { isPublicAddress } from '../src/webhooks/address.ts';
import { SubscriptionCache } from '../src/webhooks/subscriptions.ts';
import { makeCampaign } from './letters-support.ts';

const BASE = 'http://turnout.test/api/v2';
const day = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);

for (const target of targets()) {
  describe(`webhooks: events and bodies on ${target.name}`, () => {
    let h: Harness;
    let api: ApiClient;
    let quiet: ApiClient;
    let other: ApiClient;
    let secret: string;
    const receiver = new Receiver();

    before(async () => {
      await receiver.start();
      h = await harness(target, ALLOW);
      api = await apiOrganization(h, 'hooked');
      quiet = await apiOrganization(h, 'quiet');
      other = await apiOrganization(h, 'other');
    });
    after(async () => {
      await h.close();
      await receiver.close();
    });

    const db = () => h.ctx.database.db;
    const newPetition = async (client: ApiClient) => {
      const res = await client.post('/petitions', { title: `Stop the cameras ${Math.random()}`, petition_text: 'Stop.' });
      assert.equal(res.status, 200, res.text);
      return idOf(res.body);
    };

    it('adds no job row when people sign for an organization with no webhook', async () => {
      const petitionId = await newPetition(quiet);
      const before = await jobCount(h, 'webhooks.fanout');
      for (let i = 0; i < 5; i++) assert.equal((await quiet.post(`/petitions/${petitionId}/signatures`, { person: osdiPerson(`quiet${i}@example.org`) })).status, 200);
      assert.equal((await quiet.post('/people', { person: osdiPerson('quiet-signup@example.org') })).status, 200);
      assert.equal(await jobCount(h, 'webhooks.fanout'), before);
      // An endpoint of another organization changes nothing for this one.
      await endpoint(h, other.orgId, receiver.url('/other'), ['signature', 'person']);
      assert.equal((await quiet.post(`/petitions/${petitionId}/signatures`, { person: osdiPerson('quiet9@example.org') })).status, 200);
      assert.equal(await jobCount(h, 'webhooks.fanout'), before);
    });

    it('delivers a signature in Action Network’s shape, signed as Standard Webhooks says', async () => {
      ({ secret } = await endpoint(h, api.orgId, receiver.url('/crm'), ['signature', 'attendance', 'donation', 'person']));
      assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
      const petitionId = await newPetition(api);
      const signed = await api.post(`/petitions/${petitionId}/signatures`, { person: osdiPerson('ana@example.org'), comments: 'No cameras' });
      assert.equal(signed.status, 200, signed.text);
      const signatureId = idOf(signed.body);
      assert.equal(await jobCount(h, 'webhooks.fanout'), 1, 'one fan-out job, queued with the signature');
      await h.runJobs();
      const got = receiver.at('/crm');
      assert.equal(got.length, 1);
      const body = verified(secret, got[0]!);
      assert.ok(Array.isArray(body) && body.length === 1);
      const item = body[0];
      assert.deepEqual(Object.keys(item).sort(), ['idempotency_key', 'osdi:signature']);
      assert.equal(item.idempotency_key, got[0]!.headers['webhook-id']);
      const s = item['osdi:signature'];
      assert.ok(s.identifiers.includes(`turnout:${signatureId}`));
      assert.equal(s.comments, 'No cameras');
      assert.equal(s._links['osdi:petition'].href, `${BASE}/petitions/${petitionId}`);
      assert.equal(s.person.email_addresses[0].address, 'ana@example.org');
      assert.equal(s.person.given_name, 'Ana');
      assert.equal(s.person.postal_addresses[0].postal_code, '94110');
      // The same resource the API gives, with the person embedded.
      const fromApi = (await api.get(`/petitions/${petitionId}/signatures/${signatureId}`)).body;
      for (const key of ['identifiers', 'comments', 'action_network:referrer_data', 'action_network:person_id']) assert.deepEqual(s[key], fromApi[key], key);
      assert.equal(got[0]!.headers['content-type'], 'application/json');
      // The log keeps the delivery, without its body once delivered.
      const delivery = await db().selectFrom('webhook_deliveries').selectAll().where('message_id', '=', item.idempotency_key).executeTakeFirstOrThrow();
      assert.equal(delivery.status, 'delivered');
      assert.equal(delivery.body, null);
      assert.equal(delivery.last_status_code, 200);
    });

    it('refuses a forged or changed body, a wrong secret and an old timestamp', async () => {
      const r = receiver.at('/crm')[0]!;
      const headers = webhookHeaders(r);
      assert.throws(() => new Webhook(secret).verify(r.body.replace('No cameras', 'Yes cameras'), headers), WebhookVerificationError);
      assert.throws(() => new Webhook(secret).verify(r.body, { ...headers, 'webhook-id': 'msg_other' }), WebhookVerificationError);
      const stranger = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
      assert.throws(() => new Webhook(stranger).verify(r.body, headers), WebhookVerificationError);
      // A replay long after: the library refuses timestamps more than 5 minutes away.
      const old = String(Math.floor(Date.now() / 1000) - 3600);
      const resigned = new Webhook(secret).sign(headers['webhook-id']!, new Date(Number(old) * 1000), r.body);
      assert.throws(() => new Webhook(secret).verify(r.body, { ...headers, 'webhook-timestamp': old, 'webhook-signature': resigned }), WebhookVerificationError);
    });

    it('delivers an RSVP as osdi:attendance with the attendee', async () => {
      const event = await api.post('/events', {
        title: 'Town hall', description: 'Ask the council.', start_date: `${day}T18:00:00`, end_date: `${day}T20:00:00`, timezone_identifier: 'America/Chicago',
        location: { venue: 'Council chambers', address_lines: ['121 N LaSalle St'], locality: 'Chicago', region: 'IL', postal_code: '60602', country: 'US' },
      });
      assert.equal(event.status, 200, event.text);
      const rsvp = await api.post(`/events/${idOf(event.body)}/attendances`, { person: osdiPerson('rsvp@example.org', { given_name: 'Rosa' }) });
      assert.equal(rsvp.status, 200, rsvp.text);
      await h.runJobs();
      const item = verified(secret, receiver.at('/crm').at(-1)!)[0];
      assert.ok(item['osdi:attendance'].identifiers.includes(`turnout:${idOf(rsvp.body)}`));
      assert.equal(item['osdi:attendance'].status, 'accepted');
      assert.equal(item['osdi:attendance'].person.given_name, 'Rosa');
      assert.equal(item['osdi:attendance']._links['osdi:event'].href, `${BASE}/events/${idOf(event.body)}`);
    });

    it('delivers a donation as osdi:donation with the donor', async () => {
      const page = await api.post('/fundraising_pages', { title: 'Legal fund' });
      assert.equal(page.status, 200, page.text);
      const gift = await api.post(`/fundraising_pages/${idOf(page.body)}/donations`, {
        person: osdiPerson('donor@example.org', { given_name: 'Dana' }),
        recipients: [{ display_name: 'Org hooked', amount: '25.00' }],
        payment: { method: 'Check', reference_number: 'CHK-9' },
      });
      assert.equal(gift.status, 200, gift.text);
      await h.runJobs();
      const item = verified(secret, receiver.at('/crm').at(-1)!)[0];
      const d = item['osdi:donation'];
      assert.ok(d.identifiers.includes(`turnout:${idOf(gift.body)}`));
      assert.equal(d.amount, '25.00');
      assert.equal(d.person.given_name, 'Dana');
      assert.equal(d.person.email_addresses[0].address, 'donor@example.org');
    });

    it('delivers a person change (the signup helper) as osdi:person', async () => {
      const res = await api.post('/people', { person: osdiPerson('joiner@example.org', { given_name: 'Jo' }) });
      assert.equal(res.status, 200, res.text);
      await h.runJobs();
      const item = verified(secret, receiver.at('/crm').at(-1)!)[0];
      assert.ok(item['osdi:person'].identifiers.includes(`turnout:${idOf(res.body)}`));
      assert.equal(item['osdi:person'].given_name, 'Jo');
      assert.equal(item['osdi:person'].email_addresses[0].address, 'joiner@example.org');
      // A PUT, written outside the group committer, is told too.
      const deliveries = receiver.at('/crm').length;
      const put = await api.put(`/people/${idOf(res.body)}`, { family_name: 'Changed', identifiers: ['mycrm:77'] });
      assert.equal(put.status, 200, put.text);
      await h.runJobs();
      assert.equal(receiver.at('/crm').length, deliveries + 1, 'the PUT is one delivery');
      const changed = verified(secret, receiver.at('/crm').at(-1)!)[0];
      assert.equal(changed['osdi:person'].family_name, 'Changed');
      assert.deepEqual(changed['osdi:person'].identifiers, [`action_network:${idOf(res.body)}`, `turnout:${idOf(res.body)}`, 'mycrm:77'], 'with the identifiers other systems gave');
    });

    it('delivers a letter to decision-makers as action_network:outreach with the writer', async () => {
      const { secret: letterSecret } = await endpoint(h, api.orgId, receiver.url('/letters'), ['outreach']);
      const campaign = await makeCampaign(h, api.orgId);
      const res = await api.post(`/advocacy_campaigns/${campaign.id}/outreaches`, { person: osdiPerson('writer@example.org', { given_name: 'Wren' }), subject: 'Please', message: 'No cameras.' });
      assert.equal(res.status, 200, res.text);
      await h.runJobs();
      const item = verified(letterSecret, receiver.at('/letters').at(-1)!)[0];
      assert.ok(item['action_network:outreach'].identifiers.includes(`turnout:${idOf(res.body)}`));
      assert.equal(item['action_network:outreach'].person.given_name, 'Wren');
      await db().updateTable('webhook_endpoints').set({ status: 'disabled' }).where('url', '=', receiver.url('/letters')).execute();
    });

    it('delivers a form submission as osdi:submission with the person', async () => {
      const { secret: formSecret } = await endpoint(h, api.orgId, receiver.url('/forms'), ['submission']);
      const made = await api.post('/forms', { title: 'Volunteer' });
      assert.equal(made.status, 200, made.text);
      const res = await api.post(`/forms/${idOf(made.body)}/submissions`, { person: osdiPerson('helper@example.org', { given_name: 'Hal' }) });
      assert.equal(res.status, 200, res.text);
      await h.runJobs();
      const item = verified(formSecret, receiver.at('/forms').at(-1)!)[0];
      assert.ok(item['osdi:submission'].identifiers.includes(`turnout:${idOf(res.body)}`));
      assert.equal(item['osdi:submission'].person.given_name, 'Hal');
      await db().updateTable('webhook_endpoints').set({ status: 'disabled' }).where('url', '=', receiver.url('/forms')).execute();
    });

    it('sends only the events an endpoint chose, and each organization only its own', async () => {
      const petitionId = await newPetition(api);
      await endpoint(h, api.orgId, receiver.url('/people-only'), ['person']);
      await api.post(`/petitions/${petitionId}/signatures`, { person: osdiPerson('only-signs@example.org') });
      await h.runJobs();
      assert.equal(receiver.at('/people-only').length, 0);
      assert.ok(receiver.at('/other').every((r) => !r.body.includes('only-signs@example.org')));
      await api.post('/people', { person: osdiPerson('only-person@example.org') });
      await h.runJobs();
      assert.equal(receiver.at('/people-only').length, 1);
    });

    it('an erased person’s queued deliveries are cancelled and their bodies cleared', async () => {
      receiver.behaviour.set('/crm', 500);
      const petitionId = await newPetition(api);
      const signed = await api.post(`/petitions/${petitionId}/signatures`, { person: osdiPerson('forget-me@example.org', { given_name: 'Forgotten' }) });
      await h.runJobs(); // fan-out, then a failed first attempt: the body waits for its retry
      const signature = await db().selectFrom('signatures').select('person_id').where('id', '=', idOf(signed.body)).executeTakeFirstOrThrow();
      const waiting = await db().selectFrom('webhook_deliveries').selectAll().where('person_id', '=', signature.person_id).execute();
      assert.ok(waiting.length >= 1 && waiting.every((d) => d.body?.includes('forget-me@example.org')));
      await erasePerson(db(), api.orgId, signature.person_id, h.ctx.capabilities);
      const after = await db().selectFrom('webhook_deliveries').selectAll().where('person_id', '=', signature.person_id).execute();
      assert.ok(after.every((d) => d.body === null && d.status === 'cancelled'));
      const jobs = await db().selectFrom('jobs').selectAll().where('kind', '=', 'webhooks.deliver').where('status', '=', 'pending').execute();
      assert.ok(jobs.every((j) => !waiting.some((d) => j.payload.includes(d.id))), 'no delivery of theirs is still queued');
      receiver.behaviour.delete('/crm');
    });

    it('another process sees a new endpoint within seconds, without being told', async () => {
      // A second cache on the same database stands for another process: the console's change
      // (which makes this process forget its own at once) does not reach it.
      const elsewhere = new SubscriptionCache(db());
      const org = await apiOrganization(h, 'late');
      assert.equal(await elsewhere.subscribed(db(), org.orgId, 'signature'), false);
      await endpoint(h, org.orgId, receiver.url('/late'), ['signature']);
      assert.equal(await elsewhere.subscribed(db(), org.orgId, 'signature'), false, 'still the copy it read');
      await new Promise((r) => setTimeout(r, 2100));
      await elsewhere.subscribed(db(), org.orgId, 'signature'); // past 2 s: read again in the background
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await elsewhere.subscribed(db(), org.orgId, 'signature'), true);
    });

    it('knows which addresses are public', () => {
      for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a00:1', '192.0.2.1', 'not an ip']) {
        assert.equal(isPublicAddress(ip), false, ip);
      }
      for (const ip of ['93.184.216.34', '8.8.8.8', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:8.8.8.8']) assert.equal(isPublicAddress(ip), true, ip);
    });
  });
}
