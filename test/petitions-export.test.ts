import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { parse as parseCsv } from 'csv-parse/sync';
import { targets, harness, type Harness } from './helpers.ts';
import { createOrganization } from '../src/orgs/service.ts';
import { createPetition } from '../src/petitions/service.ts';
import { exportSignaturesCsv, SIGNATURE_COLUMNS } from '../src/petitions/export.ts';
import { newId, nowIso } from '../src/util/ids.ts';

async function exported(h: Harness, orgId: string, petitionId: string, splitFrom?: number): Promise<string> {
  const out = new PassThrough();
  const collected = text(out);
  await exportSignaturesCsv(h.ctx.database, orgId, petitionId, out, { splitFrom });
  out.end();
  return collected;
}

for (const target of targets()) {
  describe(`signature export on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let petitionId: string;
    const SIGNERS = 240;

    before(async () => {
      h = await harness(target);
      const db = h.ctx.database.db;
      orgId = (await createOrganization(db, { name: 'Export Org', slug: 'export-org' })).id;
      const petition = await createPetition(
        db,
        orgId,
        { title: 'Exported', description: '', petition_text: 'Text', targets: [], goal: null, confirmation_required: false, status: 'open' },
        nowIso(),
      );
      petitionId = petition.id;
      // Signing times with many ties (a batch shares one), a formula in a comment, and a
      // signer of another petition who must not appear.
      const people = [];
      const signatures = [];
      for (let i = 0; i < SIGNERS; i++) {
        const at = new Date(Date.UTC(2026, 10, 1, 12, 0, Math.floor(i / 7))).toISOString();
        const personId = newId();
        people.push({ id: personId, organization_id: orgId, email: `s${i}@example.org`, given_name: `Given${i}`, family_name: i % 5 ? `Family${i}` : null, postal_code: '02139', country: 'US', language: 'en', email_status: 'subscribed' as const, created_at: at, modified_at: at });
        signatures.push({ id: newId(), petition_id: petitionId, organization_id: orgId, person_id: personId, comments: i % 11 === 0 ? `=HYPERLINK("x") ${i}, "quoted"` : null, source: i % 3 ? 'email' : null, referrer: null, language: 'en', confirmed_at: at, shared_with: null, created_at: at, modified_at: at });
      }
      await db.insertInto('people').values(people).execute();
      await db.insertInto('signatures').values(signatures).execute();
    });
    after(() => h.close());

    it('writes one row per signature, oldest first, with Action Network’s column names', async () => {
      const rows = parseCsv(await exported(h, orgId, petitionId)) as string[][];
      assert.deepEqual(rows[0], [...SIGNATURE_COLUMNS]);
      assert.equal(rows.length, SIGNERS + 1);
      const times = rows.slice(1).map((r) => r[11]!);
      assert.deepEqual(times, [...times].sort(), 'oldest first');
      assert.ok(rows.slice(1).every((r) => /^turnout:[0-9a-f-]{36}$/.test(r[0]!)));
      assert.ok(rows.some((r) => r[7]!.startsWith(`'=HYPERLINK`)), 'a formula is written as text');
    });

    it('written in two halves at once, it is the same file byte for byte', async () => {
      const whole = await exported(h, orgId, petitionId);
      const halves = await exported(h, orgId, petitionId, 10);
      assert.equal(halves.length, whole.length);
      assert.equal(halves, whole);
    });
  });
}
