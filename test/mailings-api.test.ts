import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, targets, type Harness } from './helpers.ts';
import { apiOrganization, idOf, type ApiClient } from './api-support.ts';
import { addPerson, mailSettings } from './mailings-support.ts';

for (const target of targets()) {
  describe(`the messages API on ${target.name}`, () => {
    let h: Harness;
    let api: ApiClient;
    let other: ApiClient;
    before(async () => {
      h = await harness(target);
      api = await apiOrganization(h, 'fair-trains');
      other = await apiOrganization(h, 'other-org');
      await mailSettings(h, api.orgId);
      await addPerson(h, api.orgId, { email: 'a@example.org', tags: ['members'], language: 'es' });
      await addPerson(h, api.orgId, { email: 'b@example.org', tags: ['members'], status: 'unsubscribed' });
    });
    after(() => h.close());

    it('creates, gets, lists and updates a message; targets are tags', async () => {
      const created = await api.post('/messages', { subject: 'Trains are coming', body: 'Hello **all**', targets: [{ name: 'members' }], 'turnout:spanish': { subject: 'Llegan los trenes', body: 'Hola' } });
      assert.equal(created.status, 200);
      const m = created.body as any;
      assert.equal(m.status, 'draft');
      assert.deepEqual(m.targets, [{ name: 'members', type: 'tag' }]);
      assert.equal(m.statistics.sent, 0);
      const id = idOf(m);
      assert.equal((await api.get(`/messages/${id}`)).status, 200);
      assert.equal((await other.get(`/messages/${id}`)).status, 404, 'another organization\u2019s message is missing');
      const list = (await api.get('/messages')).body as any;
      assert.equal(list.total_records, 1);
      assert.equal(list._embedded['osdi:messages'].length, 1);
      const put = await api.put(`/messages/${id}`, { subject: 'Renamed' });
      assert.equal((put.body as any).subject, 'Renamed');
      assert.equal((put.body as any).body, 'Hello **all**', 'PUT merges');
      const long = await api.post('/messages', { subject: 'x'.repeat(5000), body: 'Hi' });
      assert.equal(long.status, 400);
      assert.match((long.body as any).error, /200 characters or fewer/);
    });

    it('sends with the send helper; statistics are aggregate; a sent message cannot change', async () => {
      const m = (await api.post('/messages', { subject: 'Now', body: 'Hi', targets: [{ name: 'members' }] })).body as any;
      const id = idOf(m);
      const sent = await api.post(`/messages/${id}/send`, {});
      assert.equal(sent.status, 200);
      assert.equal((sent.body as any).status, 'scheduled');
      await h.runJobs();
      const after = (await api.get(`/messages/${id}`)).body as any;
      assert.equal(after.status, 'sent');
      assert.deepEqual(after.statistics, { sent: 1, unsubscribed: 0, bounced: 0, spam_reports: 0, clicked: null });
      assert.equal(h.mailer.sent.filter((s) => s.messageId.includes(id)).length, 1);
      assert.equal((await api.post(`/messages/${id}/send`, {})).status, 409);
      assert.equal((await api.put(`/messages/${id}`, { subject: 'Too late' })).status, 409);
    });

    it('schedules with scheduled_start_date, refusing the past, a bad date and an audience of zero', async () => {
      const m = (await api.post('/messages', { subject: 'Later', body: 'Hi', targets: [{ name: 'members' }] })).body as any;
      const id = idOf(m);
      assert.equal((await api.post(`/messages/${id}/schedule`, { scheduled_start_date: '2020-01-01T00:00:00Z' })).status, 400);
      assert.equal((await api.post(`/messages/${id}/schedule`, { scheduled_start_date: 'tomorrow' })).status, 400);
      const ok = await api.post(`/messages/${id}/schedule`, { scheduled_start_date: '2099-05-01T09:00:00-05:00' });
      assert.equal(ok.status, 200);
      assert.equal((ok.body as any).scheduled_start_date, '2099-05-01T14:00:00.000Z');
      const nobody = (await api.post('/messages', { subject: 'Nobody', body: 'Hi', targets: [{ name: 'no-such-tag' }] })).body as any;
      const zero = await api.post(`/messages/${idOf(nobody)}/send`, {});
      assert.equal(zero.status, 400);
      assert.match((zero.body as any).error, /Nobody is in this audience/);
    });
  });
}
