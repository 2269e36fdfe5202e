import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, FORM, form, type Harness } from './helpers.ts';
import { organization, organizerIn } from './admin-helpers.ts';
import { upsertPerson } from '../src/actions/people/repository.ts';
import {
  checkCustomFieldName,
  checkCustomFieldValue,
  customFieldNames,
  customFieldsOf,
  customFieldsOfPeople,
  CustomFieldError,
  setCustomFields,
  setCustomFieldsInWork,
} from '../src/people/index.ts';
import { nowIso } from '../src/util/ids.ts';

for (const target of targets()) {
  describe(`person custom fields on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let otherOrgId: string;
    const db = () => h.ctx.database.db;
    const person = (organizationId: string, email: string) =>
      upsertPerson(db(), { organizationId, email, givenName: null, familyName: null, postalCode: null, country: null, language: null, subscribe: false, now: nowIso() });

    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Fields Org')).id;
      otherOrgId = (await organization(h, 'Other Fields Org')).id;
    });
    after(() => h.close());

    it('sets many at once, replaces, deletes with null, and keeps the rest', async () => {
      const id = await person(orgId, 'fields@example.net');
      await db().transaction().execute((trx) => setCustomFields(trx, orgId, id, { 'T-shirt size': 'L', 'Why I care': 'Line one\nline two', shift: 'morning' }, nowIso()));
      assert.deepEqual(await customFieldsOf(db(), orgId, id), { 'T-shirt size': 'L', 'Why I care': 'Line one\nline two', shift: 'morning' });
      await db().transaction().execute((trx) => setCustomFields(trx, orgId, id, { 'T-shirt size': 'XL', shift: null }, nowIso()));
      assert.deepEqual(await customFieldsOf(db(), orgId, id), { 'T-shirt size': 'XL', 'Why I care': 'Line one\nline two' });
      // Another organization sees nothing of them.
      assert.deepEqual(await customFieldsOf(db(), otherOrgId, id), {});
    });

    it('writes a batch of actions together in a unit of work, a later change winning', async () => {
      const a = await person(orgId, 'batch-a@example.net');
      const b = await person(orgId, 'batch-b@example.net');
      // Submitted side by side, they may share one batch (and one statement).
      await Promise.all([
        h.ctx.committer.submit((u) => setCustomFieldsInWork(u, orgId, a, { color: 'red', size: 'S' }), { sideBySide: true }),
        h.ctx.committer.submit((u) => setCustomFieldsInWork(u, orgId, b, { color: 'blue' }), { sideBySide: true }),
      ]);
      await h.ctx.committer.submit((u) => setCustomFieldsInWork(u, orgId, a, { color: 'green' }), { sideBySide: true });
      const both = await customFieldsOfPeople(db(), orgId, [a, b]);
      assert.deepEqual(both.get(a), { color: 'green', size: 'S' });
      assert.deepEqual(both.get(b), { color: 'blue' });
      const names = await customFieldNames(db(), orgId);
      assert.deepEqual(
        names.map((n) => [n.name, n.people]),
        [['T-shirt size', 1], ['Why I care', 1], ['color', 2], ['size', 1]].sort((x, y) => ((x[0] as string) < (y[0] as string) ? -1 : 1)),
      );
      assert.deepEqual(await customFieldNames(db(), otherOrgId), []);
    });

    it('refuses empty, long and control-character names, and NUL or long values', async () => {
      assert.equal(checkCustomFieldName(''), 'name_empty');
      assert.equal(checkCustomFieldName('x'.repeat(256)), 'name_long');
      assert.equal(checkCustomFieldName('a\nb'), 'name_control');
      assert.equal(checkCustomFieldName('a\u0000b'), 'name_control');
      assert.equal(checkCustomFieldName('¿Por qué? — 100% sure'), null);
      assert.equal(checkCustomFieldValue('a\u0000b'), 'value_control');
      assert.equal(checkCustomFieldValue('x'.repeat(10_001)), 'value_long');
      assert.equal(checkCustomFieldValue('tab\there\r\nnew line'), null);
      const id = await person(orgId, 'refused@example.net');
      await assert.rejects(
        db().transaction().execute((trx) => setCustomFields(trx, orgId, id, { fine: 'ok', 'bad\u0007': 'x' }, nowIso())),
        (e) => e instanceof CustomFieldError && e.problem === 'name_control',
      );
      await assert.rejects(
        db().transaction().execute((trx) => setCustomFields(trx, orgId, id, { fine: 'nul\u0000' }, nowIso())),
        (e) => e instanceof CustomFieldError && e.problem === 'value_control',
      );
      assert.deepEqual(await customFieldsOf(db(), orgId, id), {}, 'nothing of a refused call is written');
    });

    it('is in the person’s data export and deleted by their erasure', async () => {
      const owner = await organizerIn(h, orgId, 'owner', 'fields-owner@example.net');
      const id = await person(orgId, 'erase-fields@example.net');
      await db().transaction().execute((trx) => setCustomFields(trx, orgId, id, { secret: 'plugh answer' }, nowIso()));
      const exported = await h.app.inject({ method: 'GET', url: `/admin/people/${id}/export.json`, headers: { cookie: owner.cookie } });
      assert.equal(exported.statusCode, 200);
      assert.equal((JSON.parse(exported.body) as { custom_fields: { name: string; value: string }[] }).custom_fields[0]?.value, 'plugh answer');
      const erase = await h.app.inject({ method: 'POST', url: `/admin/people/${id}/erase`, headers: { ...FORM, cookie: owner.cookie }, payload: form({ _csrf: owner.csrf }) });
      assert.ok(erase.statusCode < 400);
      assert.deepEqual(await customFieldsOf(db(), orgId, id), {});
      const audit = await db().selectFrom('audit_events').select('details').where('action', '=', 'person.erased').where('subject', '=', id).executeTakeFirstOrThrow();
      assert.equal((JSON.parse(audit.details) as Record<string, number>).custom_fields_deleted, 1);
    });
  });
}
