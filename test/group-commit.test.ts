import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { connect } from '../src/db/connect.ts';
import type { SharedStatement, UnitOfWork } from '../src/actions/unit-of-work.ts';
import { createOrganization } from '../src/orgs/service.ts';
import { createPetition, signPetition, type Signing } from '../src/petitions/service.ts';
import { signatureInsert } from '../src/petitions/repository.ts';
import { nowIso } from '../src/util/ids.ts';

for (const target of targets()) {
  describe(`group commit on ${target.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await harness(target);
    });
    after(() => h.close());

    it('writes the actions submitted in one turn of the event loop in one transaction', async () => {
      const transactions = new Set<UnitOfWork>();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          h.ctx.committer.submit(async (uow) => {
            transactions.add(uow);
            uow.enqueue('batched', { i });
            return i;
          }),
        ),
      );
      assert.deepEqual(results, [...Array(20).keys()], 'each action gets its own result');
      // Starting a transaction at the first submit used to split them (one alone, then the rest).
      assert.equal(transactions.size, 1, `${transactions.size} transactions for 20 actions`);
    });

    it('gathers actions that arrive while a transaction is written into the next one', async () => {
      const transactions = new Set<UnitOfWork>();
      const submit = (i: number) =>
        h.ctx.committer.submit(async (uow) => {
          transactions.add(uow);
          uow.enqueue('arriving', { i });
          return i;
        });
      const first = submit(0);
      // Nineteen more, each in its own later turn of the event loop, as requests arrive.
      const later = Array.from({ length: 19 }, (_, i) => new Promise<number>((resolve) => setImmediate(() => resolve(submit(i + 1)))));
      await Promise.all([first, ...later]);
      assert.ok(transactions.size < 20, `${transactions.size} transactions for 20 actions arriving one by one`);
    });

    it('answers only once the action is committed: another connection already sees it', async () => {
      const jobId = await h.ctx.committer.submit(async (uow) => uow.enqueue('seen-from-outside', {}));
      const other = connect(h.databaseUrl);
      try {
        const row = await other.db.selectFrom('jobs').select('id').where('id', '=', jobId).executeTakeFirst();
        assert.equal(row?.id, jobId);
      } finally {
        await other.close();
      }
    });

    it('runs side-by-side actions together: each shared statement once for all of them', async () => {
      const runs: string[][] = [];
      const echo: SharedStatement<string, string> = {
        name: 'echo',
        async run(_uow, inputs) {
          runs.push([...inputs]);
          return inputs.map((x) => x.toUpperCase());
        },
      };
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          h.ctx.committer.submit(
            async (uow) => {
              const first = await uow.ask(echo, `a${i}`);
              // Some actions do other work between their questions; the others wait for them.
              if (i % 3 === 0) await uow.trx.selectFrom('jobs').select('id').limit(1).execute();
              const second = await uow.ask(echo, `b${i}`);
              return `${first}${second}`;
            },
            { sideBySide: true },
          ),
        ),
      );
      assert.deepEqual(answers, Array.from({ length: 30 }, (_, i) => `A${i}B${i}`));
      assert.equal(runs.length, 2, `the statement ran ${runs.length} times for two questions per action`);
      assert.equal(runs[0]!.length, 30);
      assert.equal(runs[1]!.length, 30);
    });

    it('signs side by side: one insert for the batch, a repeat signer once, a failing action alone', async () => {
      const org = await createOrganization(h.ctx.database.db, { name: 'Side by Side', slug: `sbs-${target.name}` });
      const petition = await createPetition(
        h.ctx.database.db,
        org.id,
        { title: 'Side by side', description: '', petition_text: 'Text', targets: [], goal: null, confirmation_required: false, status: 'open' },
        nowIso(),
      );
      const signing = (email: string, givenName: string, optIn: boolean): Signing => ({
        person: { email, givenName, familyName: 'Signer', postalCode: '02139', country: 'US' },
        comments: null,
        optIn,
        optInWording: 'Keep me posted',
        language: 'en',
        referral: { source: null, referrer: null },
      });
      const inserts: number[] = [];
      const run = signatureInsert.run;
      (signatureInsert as { run: typeof run }).run = async (uow, rows) => {
        inserts.push(rows.length);
        return run(uow, rows);
      };
      let results: PromiseSettledResult<unknown>[];
      try {
        const emails = Array.from({ length: 40 }, (_, i) => `signer${i}@example.org`);
        // The same person three times in one batch (the last ticks the box), and one action that fails.
        emails.push('signer7@example.org', 'signer7@example.org');
        const submissions = emails.map((email, i) =>
          h.ctx.committer.submit((uow) => signPetition(uow, petition, signing(email, i >= 40 ? 'Seven' : `N${i}`, i === 41)), { sideBySide: true }),
        );
        submissions.push(
          h.ctx.committer.submit(
            (uow) => signPetition(uow, { ...petition, id: 'no-such-petition' }, signing('stray@example.org', 'Stray', true)),
            { sideBySide: true },
          ),
        );
        results = await Promise.allSettled(submissions);
      } finally {
        (signatureInsert as { run: typeof run }).run = run;
      }
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 42);
      assert.equal(results[42]!.status, 'rejected', 'the signature on a petition that does not exist fails');
      // The batch failed on that action, then each was written alone: the first try inserted 43 rows together.
      assert.equal(inserts[0], 43, `first insert had ${inserts[0]} rows`);
      const db = h.ctx.database.db;
      const signatures = await db.selectFrom('signatures').select(['person_id']).where('petition_id', '=', petition.id).execute();
      assert.equal(signatures.length, 40);
      const counted = await db.selectFrom('petitions').select('signature_count').where('id', '=', petition.id).executeTakeFirstOrThrow();
      assert.equal(Number(counted.signature_count), 40);
      const seven = await db.selectFrom('people').selectAll().where('organization_id', '=', org.id).where('email', '=', 'signer7@example.org').execute();
      assert.equal(seven.length, 1);
      assert.equal(seven[0]!.given_name, 'Seven', 'the later submission’s name is kept');
      assert.equal(seven[0]!.email_status, 'subscribed', 'one of the three ticked the box');
      const consents = await db.selectFrom('consents').select('id').where('action_id', '=', petition.id).execute();
      assert.equal(consents.length, 42, 'every submission keeps the consent it saw');
      const created = results.slice(0, 42).filter((r) => r.status === 'fulfilled' && (r.value as { created: boolean }).created);
      assert.equal(created.length, 40, 'the repeat submissions say they were not new');
    });

    it('a batch of side-by-side actions that all succeed is one insert of all their signatures', async () => {
      const org = await createOrganization(h.ctx.database.db, { name: 'One Insert', slug: `one-insert-${target.name}` });
      const petition = await createPetition(
        h.ctx.database.db,
        org.id,
        { title: 'One insert', description: '', petition_text: 'Text', targets: [], goal: null, confirmation_required: false, status: 'open' },
        nowIso(),
      );
      const inserts: number[] = [];
      const run = signatureInsert.run;
      (signatureInsert as { run: typeof run }).run = async (uow, rows) => {
        inserts.push(rows.length);
        return run(uow, rows);
      };
      try {
        await Promise.all(
          Array.from({ length: 25 }, (_, i) =>
            h.ctx.committer.submit(
              (uow) =>
                signPetition(uow, petition, {
                  person: { email: `one${i}@example.org`, givenName: 'One', familyName: '', postalCode: '', country: '' },
                  comments: null,
                  optIn: true,
                  optInWording: 'Keep me posted',
                  language: 'es',
                  referral: { source: 'email', referrer: null },
                }),
              { sideBySide: true },
            ),
          ),
        );
      } finally {
        (signatureInsert as { run: typeof run }).run = run;
      }
      assert.deepEqual(inserts, [25]);
    });
  });
}
