// Abuse (issue #14): the proof-of-work challenge on the sign form (altcha-lib, solved by turnout's
// own script), the surge detector, the stricter limit without JavaScript, block lists, and bulk
// invalidation with undo; on every database.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { createHmac } from 'node:crypto';
import { verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { parse } from 'csv-parse/sync';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organizerIn, organization, type SignedIn } from './admin-helpers.ts';
import { createPetition } from '../src/petitions/service.ts';
import { nowIso } from '../src/util/ids.ts';
import { ChallengeGate, challengeGate } from '../src/kits/pages/challenge.ts';
import { SurgeDetector } from '../src/kits/pages/surge-detector.ts';
import { actionClientKey } from '../src/kits/pages/client-key.ts';
import { attendee, makeEvent } from './events-support.ts';

const SOLVER = readFileSync(new URL('../src/kits/pages/assets/challenge.js', import.meta.url), 'utf8');

/** Runs turnout's browser solver in a bare context (a stand-in form and fetch) and returns what it puts in the form. */
async function solveWithTurnoutScript(challenge: unknown): Promise<string> {
  const field = { value: '' };
  const formStub = { querySelector: () => field, addEventListener: () => {}, submit: () => {} };
  const box = { closest: () => formStub, querySelector: () => null, getAttribute: (k: string) => (k === 'data-challenge' ? '/challenge' : null), setAttribute: () => {} };
  const context = vm.createContext({
    document: { querySelector: () => box },
    fetch: async () => ({ ok: true, json: async () => challenge }),
    btoa: (s: string) => Buffer.from(s, 'binary').toString('base64'),
    setTimeout,
  });
  vm.runInContext(SOLVER, context);
  for (let i = 0; i < 1000 && !field.value; i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(field.value, 'the solver filled the field');
  return field.value;
}

describe('the challenge and the detector (in memory)', () => {
  const secret = Buffer.from('k'.repeat(32));

  it('a solution from turnout’s script verifies once; a replay, a tampered or an expired one does not', async () => {
    const gate = new ChallengeGate(secret, { maxCounter: 20_000 });
    const payload = await solveWithTurnoutScript(await gate.create());
    assert.equal(await gate.verify(payload), 'valid');
    assert.equal(await gate.verify(payload), 'used', 'a used solution cannot be replayed');
    const decoded = JSON.parse(Buffer.from(payload, 'base64').toString());
    const key: string = decoded.solution.derivedKey;
    decoded.solution.derivedKey = key.slice(0, -1) + (key.endsWith('0') ? '1' : '0');
    assert.equal(await gate.verify(Buffer.from(JSON.stringify(decoded)).toString('base64')), 'invalid');
    assert.equal(await gate.verify(undefined), 'missing');
    assert.equal(await gate.verify('not base64 json'), 'invalid');
    assert.equal(await gate.verify('x'.repeat(5000)), 'invalid');
    const old = await gate.create(Date.now() - 11 * 60_000);
    assert.equal(await gate.verify(await solveWithTurnoutScript(old)), 'invalid', 'an expired challenge is refused');
    const other = new ChallengeGate(Buffer.from('o'.repeat(32)), { maxCounter: 20_000 });
    assert.equal(await other.verify(await solveWithTurnoutScript(await gate.create())), 'invalid', 'another instance’s key does not verify');
  });

  it('agrees with altcha-lib’s verifySolution on valid, tampered and foreign solutions', async () => {
    const keys = { hmacSignatureSecret: createHmac('sha256', secret).update('altcha-challenge').digest('hex'), hmacKeySignatureSecret: createHmac('sha256', secret).update('altcha-key-signature').digest('hex') };
    const gate = new ChallengeGate(secret, { maxCounter: 5_000 });
    const valid = JSON.parse(Buffer.from(await solveWithTurnoutScript(await gate.create()), 'base64').toString());
    const variants: Record<string, unknown> = {
      valid,
      'another key': { ...valid, solution: { ...valid.solution, derivedKey: 'ab'.repeat(32) } },
      'a changed parameter': { ...valid, challenge: { ...valid.challenge, parameters: { ...valid.challenge.parameters, cost: 2 } } },
      'a forged key signature': { ...valid, challenge: { ...valid.challenge, parameters: { ...valid.challenge.parameters, keySignature: 'cd'.repeat(32) } } },
      'no solution': { challenge: valid.challenge },
      'a non-hex signature': { ...valid, challenge: { ...valid.challenge, signature: 'é'.repeat(64) } },
    };
    for (const [name, payload] of Object.entries(variants)) {
      const p = payload as { challenge: Parameters<typeof verifySolution>[0]['challenge']; solution: Parameters<typeof verifySolution>[0]['solution'] };
      let reference = false;
      try {
        reference = (await verifySolution({ challenge: p.challenge, solution: p.solution, deriveKey, ...keys })).verified;
      } catch {
        reference = false;
      }
      const ours = (await new ChallengeGate(secret).verify(Buffer.from(JSON.stringify(payload)).toString('base64'))) === 'valid';
      assert.equal(ours, reference, name);
    }
  });

  it('switches on for a minute of signatures from a few connections or one unusual domain, not for a spread surge', () => {
    const d = new SurgeDetector();
    const now = Date.now();
    for (let i = 0; i < 100; i++) d.note('a', `key${i % 2}`, 'gmail.com', now + i);
    assert.equal(d.automated('a', now + 200), true, 'two connections sending 100 a minute');
    for (let i = 0; i < 100; i++) d.note('b', `key${i}`, i % 2 ? 'bots.example' : `d${i}.example`, now + i);
    assert.equal(d.automated('b', now + 200), true, 'half from one domain of its own');
    for (let i = 0; i < 300; i++) d.note('c', `key${i}`, ['gmail.com', 'yahoo.com', 'hotmail.com', `d${i}.example`][i % 4]!, now + i);
    assert.equal(d.automated('c', now + 400), false, 'a surge from many connections and the large providers');
    for (let i = 0; i < 30; i++) d.note('d', 'key', 'bots.example', now + i);
    assert.equal(d.automated('d', now + 100), false, 'below 60 a minute');
    assert.equal(d.automated('a', now + 16 * 60_000), false, 'it switches off 15 minutes after the last such minute');
  });
});

for (const target of targets()) {
  describe(`petition abuse on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let otherOrgId: string;
    let organizer: SignedIn;
    let other: SignedIn;
    let n = 0;

    before(async () => {
      h = await harness(target, { RATE_LIMITS: 'on' });
      orgId = (await organization(h, 'Faces Not Data')).id;
      otherOrgId = (await organization(h, 'Other Coalition')).id;
      organizer = await organizerIn(h, orgId, 'organizer', 'organizer@fnd.example');
      other = await organizerIn(h, otherOrgId, 'owner', 'owner@other.example');
    });
    after(() => h.close());

    const db = () => h.ctx.database.db;
    const newPetition = async (confirmation = false, organizationId = orgId) =>
      createPetition(
        db(),
        organizationId,
        { title: `Abuse petition ${++n}`, description: '', petition_text: 'Stop it.', targets: [], goal: null, confirmation_required: confirmation, status: 'open' },
        nowIso(),
      );
    const console = (who: SignedIn, url: string) => h.app.inject({ url, headers: { cookie: who.cookie } });
    const consolePost = (who: SignedIn, url: string, body: Record<string, string>) =>
      h.app.inject({ method: 'POST', url, headers: { ...FORM, cookie: who.cookie }, payload: form({ _csrf: who.csrf, ...body }) });
    let signer = 0;
    const sign = (slug: string, o: { email?: string; ip?: string; altcha?: string; lang?: string; source?: string } = {}) =>
      h.app.inject({
        method: 'POST',
        url: `/petitions/${slug}${o.source ? `?source=${o.source}` : ''}`,
        headers: FORM,
        remoteAddress: o.ip ?? `203.0.113.${(signer % 200) + 1}`,
        payload: form({
          lang: o.lang ?? 'en',
          given_name: 'Ana',
          family_name: 'Lopez',
          email: o.email ?? `signer${++signer}@example.org`,
          postal_code: '60601',
          country: 'US',
          ...(o.altcha ? { altcha: o.altcha } : {}),
        }),
      });
    const count = async (id: string) => (await db().selectFrom('petitions').select('signature_count').where('id', '=', id).executeTakeFirstOrThrow()).signature_count;
    const stored = async (id: string) => Number((await db().selectFrom('signatures').select((eb) => eb.fn.countAll<number>().as('n')).where('petition_id', '=', id).executeTakeFirstOrThrow()).n);
    const solution = async () => {
      const res = await h.app.inject({ url: '/challenge' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['cache-control'], 'no-store');
      return solveWithTurnoutScript(res.json());
    };
    const setChallenge = async (id: string, mode: string) => {
      const res = await consolePost(organizer, `/admin/petitions/${id}/challenge`, { challenge: mode });
      assert.equal(res.statusCode, 303, res.body);
    };

    it('serves the solver from this site and puts the challenge on the page only when it is on, with the script allowed there only', async () => {
      const p = await newPetition();
      const js = await h.app.inject({ url: '/assets/challenge.js' });
      assert.equal(js.statusCode, 200);
      assert.match(js.headers['content-type'] as string, /^text\/javascript/);
      const off = await h.app.inject({ url: `/petitions/${p.slug}` });
      assert.doesNotMatch(off.body, /challenge\.js/, 'automatic, with no surge: no script');
      assert.doesNotMatch(off.headers['content-security-policy'] as string, /script-src/);
      await setChallenge(p.id, 'always');
      for (const lang of ['en', 'es']) {
        const on = await h.app.inject({ url: `/petitions/${p.slug}?lang=${lang}` });
        assert.match(on.body, /<script src="\/assets\/challenge\.js" defer><\/script>/);
        assert.match(on.body, /name="altcha"/);
        assert.match(on.headers['content-security-policy'] as string, /script-src 'self'; connect-src 'self'/);
        assert.match(on.headers['content-security-policy'] as string, /default-src 'none'/);
        assert.match(on.body, lang === 'en' ? /Without JavaScript this form takes fewer signatures/ : /Sin JavaScript, este formulario acepta/);
      }
      const audit = await db().selectFrom('audit_events').selectAll().where('subject', '=', p.id).where('action', '=', 'petition.changed').execute();
      assert.equal(audit.length, 1);
      await setChallenge(p.id, 'off');
      assert.doesNotMatch((await h.app.inject({ url: `/petitions/${p.slug}` })).body, /challenge\.js/);
      const bad = await consolePost(organizer, `/admin/petitions/${p.id}/challenge`, { challenge: 'sometimes' });
      assert.equal(bad.statusCode, 200);
      assert.match(bad.body, /Choose off, automatic or always/);
    });

    it('with the challenge on, a solved form signs; without a solution the stricter limit applies, in the supporter’s language', async () => {
      const p = await newPetition();
      await setChallenge(p.id, 'always');
      const ip = '198.51.100.77';
      for (let i = 0; i < 3; i++) assert.equal((await sign(p.slug, { ip })).statusCode, 303, 'within the strict limit without JavaScript');
      const limited = await sign(p.slug, { ip });
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.headers['retry-after'], '600');
      assert.match(limited.body, /Turn on JavaScript and reload the page, or wait 10 minutes/);
      const es = await sign(p.slug, { ip, lang: 'es' });
      assert.equal(es.statusCode, 429);
      assert.match(es.body, /Activa JavaScript y vuelve a cargar la página/);
      const solved = await solution();
      assert.equal((await sign(p.slug, { ip, altcha: solved })).statusCode, 303, 'a valid solution signs beyond the strict limit');
      assert.equal((await sign(p.slug, { ip, altcha: solved })).statusCode, 429, 'the same solution again counts as none');
      assert.equal((await sign(p.slug, { ip, altcha: 'garbage' })).statusCode, 429);
      assert.equal(await stored(p.id), 4);
      assert.equal(await count(p.id), 4);
      assert.equal((await sign(p.slug, { ip: '198.51.100.78' })).statusCode, 303, 'another connection has its own limit');
    });

    it('switches on by itself when a surge looks automated, and not when the organizer chose off', async () => {
      const auto = await newPetition();
      const off = await newPetition();
      await setChallenge(off.id, 'off');
      const ip = '192.0.2.50';
      for (let i = 0; i < 70; i++) {
        challengeGate(h.ctx).detector.note(auto.id, 'one-connection', 'example.org');
        challengeGate(h.ctx).detector.note(off.id, 'one-connection', 'example.org');
      }
      const page = await h.app.inject({ url: `/petitions/${auto.slug}` });
      assert.match(page.body, /challenge\.js/);
      assert.doesNotMatch((await h.app.inject({ url: `/petitions/${off.slug}` })).body, /challenge\.js/);
      for (let i = 0; i < 3; i++) assert.equal((await sign(auto.slug, { ip })).statusCode, 303);
      assert.equal((await sign(auto.slug, { ip })).statusCode, 429);
      assert.equal((await sign(off.slug, { ip })).statusCode, 303);
      const screen = await console(organizer, `/admin/petitions/${auto.id}/abuse`);
      assert.equal(screen.statusCode, 200);
      assert.match(screen.body, /The challenge is on now/);
    });

    it('stores a hashed client key with each signature, never the address', async () => {
      const p = await newPetition();
      const ip = '198.51.100.200';
      assert.equal((await sign(p.slug, { ip, email: 'keyed@example.org' })).statusCode, 303);
      const row = await db().selectFrom('signatures').selectAll().where('petition_id', '=', p.id).executeTakeFirstOrThrow();
      assert.equal(row.client_key, actionClientKey(h.config.secretKey, orgId, ip));
      assert.match(row.client_key!, /^[A-Za-z0-9_-]{16}$/);
      assert.ok(!JSON.stringify(row).includes(ip));
      assert.notEqual(actionClientKey(h.config.secretKey, otherOrgId, ip), row.client_key, 'another organization’s key differs');
    });

    it('refuses new signatures from a blocked domain or client key with a neutral page, counts refusals, and takes them again once removed', async () => {
      const p = await newPetition();
      const add = await consolePost(organizer, '/admin/blocks', { kind: 'email_domain', value: '@Bots.Example', note: 'made-up signers' });
      assert.equal(add.statusCode, 303, add.body);
      for (const email of ['a@bots.example', 'b@mail.bots.example']) {
        const refused = await sign(p.slug, { email });
        assert.equal(refused.statusCode, 403);
        assert.match(refused.body, /We could not take this/);
        assert.doesNotMatch(refused.body, /block/i, 'the message does not say why');
      }
      const es = await sign(p.slug, { email: 'c@bots.example', lang: 'es' });
      assert.match(es.body, /No pudimos aceptar esto/);
      assert.equal((await sign(p.slug, { email: 'ok@notbots.example' })).statusCode, 303);
      assert.equal(await stored(p.id), 1, 'nothing stored for the refused');
      const ip = '192.0.2.99';
      const key = actionClientKey(h.config.secretKey, orgId, ip);
      assert.equal((await consolePost(organizer, '/admin/blocks', { kind: 'client_key', value: key, note: '' })).statusCode, 303);
      assert.equal((await sign(p.slug, { ip })).statusCode, 403);
      assert.equal((await sign(p.slug, { ip: '192.0.2.98' })).statusCode, 303);
      await new Promise((r) => setTimeout(r, 50)); // refusals are counted through group commit
      const rows = await db().selectFrom('blocked_senders').selectAll().where('organization_id', '=', orgId).orderBy('kind').execute();
      assert.deepEqual(rows.map((r) => [r.kind, r.value, r.refusals]), [['client_key', key, 1], ['email_domain', 'bots.example', 3]]);
      const list = await console(organizer, '/admin/blocks');
      assert.match(list.body, /bots\.example/);
      // Another organization's lists do not apply to this one, and it cannot remove this one's entries.
      const theirs = await newPetition(false, otherOrgId);
      assert.equal((await sign(theirs.slug, { email: 'd@bots.example' })).statusCode, 303);
      assert.equal((await consolePost(other, `/admin/blocks/${rows[1]!.id}/remove`, {})).statusCode, 404);
      assert.equal((await sign(p.slug, { email: 'e@bots.example' })).statusCode, 403);
      assert.equal((await consolePost(organizer, `/admin/blocks/${rows[1]!.id}/remove`, {})).statusCode, 303);
      assert.equal((await sign(p.slug, { email: 'f@bots.example' })).statusCode, 303);
      const audits = await db().selectFrom('audit_events').select('action').where('organization_id', '=', orgId).where('action', 'like', 'block.%').execute();
      assert.deepEqual(audits.map((a) => a.action).sort(), ['block.added', 'block.added', 'block.removed']);
    });

    it('explains a wrong entry in the block list form and stores nothing', async () => {
      for (const [kind, value, message] of [
        ['email_domain', 'not a domain', /Enter a domain like spam\.example/],
        ['email_domain', '', /Enter an email domain/],
        ['client_key', 'short', /A client key is 16 letters/],
      ] as const) {
        const res = await consolePost(organizer, '/admin/blocks', { kind, value, note: '' });
        assert.equal(res.statusCode, 422);
        assert.match(res.body, message);
      }
      const long = await consolePost(organizer, '/admin/blocks', { kind: 'email_domain', value: 'x.example', note: 'n'.repeat(201) });
      assert.equal(long.statusCode, 422);
      assert.equal((await db().selectFrom('blocked_senders').select('id').where('value', '=', 'x.example').execute()).length, 0);
    });

    it('invalidates chosen signatures after a preview, keeps why and who, takes them out of counts and exports, and undoes it', async () => {
      const p = await newPetition();
      for (let i = 0; i < 3; i++) assert.equal((await sign(p.slug, { email: `real${i}@gmail.com`, ip: `198.18.0.${i + 1}` })).statusCode, 303);
      for (let i = 0; i < 4; i++) assert.equal((await sign(p.slug, { email: `fake${i}@farm.example`, ip: '198.18.1.1', source: 'spam' })).statusCode, 303);
      assert.equal(await count(p.id), 7);
      const base = `/admin/petitions/${p.id}/abuse`;
      const screen = await console(organizer, base);
      assert.equal(screen.statusCode, 200);
      assert.match(screen.body, /farm\.example/, 'the busiest domains are listed');
      assert.match(screen.body, new RegExp(actionClientKey(h.config.secretKey, orgId, '198.18.1.1')), 'and the busiest client keys');
      const preview = await console(organizer, `${base}?email_domain=farm.example&preview=1`);
      assert.match(preview.body, /4 signatures match, 4 of them in the count\. The count would go from 7 to 3\./);
      assert.equal(await count(p.id), 7, 'a preview changes nothing');
      const noReason = await consolePost(organizer, `/admin/petitions/${p.id}/invalidations`, { email_domain: 'farm.example', reason: '' });
      assert.equal(noReason.statusCode, 422);
      assert.match(noReason.body, /Say why/);
      const done = await consolePost(organizer, `/admin/petitions/${p.id}/invalidations`, { email_domain: 'farm.example', reason: 'a sign-up farm' });
      assert.equal(done.statusCode, 303, done.body);
      assert.equal(await count(p.id), 3);
      assert.equal(await stored(p.id), 7, 'the signatures stay in the database');
      const json = await h.app.inject({ url: `/petitions/${p.slug}.json` });
      assert.equal(json.json().count, 3, 'the public count dropped at once');
      const csv = await console(organizer, `/admin/petitions/${p.id}/signatures.csv`);
      const rows = parse(csv.body, { columns: true }) as { email: string }[];
      assert.deepEqual(rows.map((r) => r.email).sort(), ['real0@gmail.com', 'real1@gmail.com', 'real2@gmail.com']);
      const inv = await db().selectFrom('signature_invalidations').selectAll().where('petition_id', '=', p.id).executeTakeFirstOrThrow();
      assert.equal(inv.reason, 'a sign-up farm');
      assert.equal(inv.created_by, organizer.userId);
      assert.deepEqual([inv.signatures, inv.counted], [4, 4]);
      const audit = await db().selectFrom('audit_events').selectAll().where('action', '=', 'signatures.invalidated').where('subject', '=', p.id).executeTakeFirstOrThrow();
      assert.match(String(audit.details), /a sign-up farm/);
      // A second invalidation by source finds nothing left to take.
      assert.match((await console(organizer, `${base}?source=spam&preview=1`)).body, /0 signatures match/);
      // Another organization cannot undo it.
      assert.equal((await consolePost(other, `/admin/petitions/${p.id}/invalidations/${inv.id}/undo`, {})).statusCode, 404);
      const undo = await consolePost(organizer, `/admin/petitions/${p.id}/invalidations/${inv.id}/undo`, {});
      assert.equal(undo.statusCode, 303);
      assert.equal(await count(p.id), 7, 'the count is restored');
      assert.equal((await h.app.inject({ url: `/petitions/${p.slug}.json` })).json().count, 7);
      assert.equal((await consolePost(organizer, `/admin/petitions/${p.id}/invalidations/${inv.id}/undo`, {})).headers.location, `/admin/petitions/${p.id}/abuse?notice=already#invalidations`);
      assert.equal(await count(p.id), 7, 'a second undo restores nothing more');
      const undone = await db().selectFrom('signature_invalidations').selectAll().where('id', '=', inv.id).executeTakeFirstOrThrow();
      assert.equal(undone.undone_by, organizer.userId);
    });

    it('takes partners’ copies of the invalidated signers out too, and puts them back on undo', async () => {
      const p = await newPetition();
      await db()
        .insertInto('action_partners')
        .values({ id: crypto.randomUUID(), action_type: 'petition', action_id: p.id, sponsor_organization_id: orgId, partner_organization_id: otherOrgId, status: 'accepted', source_code: 'other', invited_by: null, created_at: nowIso(), responded_at: nowIso() })
        .execute();
      const shared = (email: string) =>
        h.app.inject({
          method: 'POST',
          url: `/petitions/${p.slug}`,
          headers: FORM,
          remoteAddress: '198.18.4.1',
          payload: form({ lang: 'en', given_name: 'Ana', family_name: 'Lopez', email, postal_code: '60601', country: 'US', share: otherOrgId }),
        });
      assert.equal((await shared('copy@farm3.example')).statusCode, 303);
      assert.equal((await shared('keep@gmail.com')).statusCode, 303);
      const { signaturesSharedWith } = await import('../src/petitions/repository.ts');
      const sharedCount = async () => (await signaturesSharedWith(db(), orgId, p.id)).map((r) => Number(r.n));
      assert.deepEqual(await sharedCount(), [2]);
      assert.equal((await consolePost(organizer, `/admin/petitions/${p.id}/invalidations`, { email_domain: 'farm3.example', reason: 'farm' })).statusCode, 303);
      assert.deepEqual(await sharedCount(), [1], 'the partner’s copy left the partner count');
      const copies = await db().selectFrom('signatures').select(['organization_id', 'invalidated_at']).where('petition_id', '=', p.id).where('organization_id', '=', otherOrgId).execute();
      assert.equal(copies.filter((c) => c.invalidated_at !== null).length, 1);
      const inv = await db().selectFrom('signature_invalidations').select('id').where('petition_id', '=', p.id).executeTakeFirstOrThrow();
      assert.equal((await consolePost(organizer, `/admin/petitions/${p.id}/invalidations/${inv.id}/undo`, {})).statusCode, 303);
      assert.deepEqual(await sharedCount(), [2]);
      assert.equal(await count(p.id), 2);
    });

    it('chooses by time window and client key, and refuses a choice of nothing or a malformed one', async () => {
      const p = await newPetition();
      for (let i = 0; i < 2; i++) await sign(p.slug, { ip: '198.18.2.1' });
      await sign(p.slug, { ip: '198.18.2.2' });
      const base = `/admin/petitions/${p.id}/abuse`;
      const key = actionClientKey(h.config.secretKey, orgId, '198.18.2.1');
      assert.match((await console(organizer, `${base}?client_key=${key}&preview=1`)).body, /2 signatures match/);
      const hourAgo = new Date(Date.now() - 3_600_000).toISOString().slice(0, 16);
      const inAnHour = new Date(Date.now() + 3_600_000).toISOString().slice(0, 16);
      assert.match((await console(organizer, `${base}?from=${hourAgo}&before=${inAnHour}&preview=1`)).body, /3 signatures match/);
      assert.match((await console(organizer, `${base}?before=${hourAgo}&preview=1`)).body, /0 signatures match/);
      for (const [q, message] of [
        ['', /Choose at least one/],
        ['from=yesterday', /Enter the time in UTC\. Like 2026-12-01 09:00, on a 24-hour clock/],
        [`from=${inAnHour}&before=${hourAgo}`, /must be after/],
        ['email_domain=no%20spaces', /Enter a domain like spam\.example/],
        ['client_key=abc', /A client key is 16 letters/],
      ] as const) {
        const res = await console(organizer, `${base}?${q}&preview=1`);
        assert.equal(res.statusCode, 422, q);
        assert.match(res.body, message);
      }
      const post = await consolePost(organizer, `/admin/petitions/${p.id}/invalidations`, { reason: 'nothing chosen' });
      assert.equal(post.statusCode, 422);
      assert.equal(await count(p.id), 3);
      assert.equal((await console(other, base)).statusCode, 404, 'another organization’s petition is missing');
    });

    it('an invalidated signature awaiting confirmation does not count when its link is followed', async () => {
      const p = await newPetition(true);
      assert.equal((await sign(p.slug, { email: 'pending@farm2.example' })).statusCode, 303);
      const s = await db().selectFrom('signatures').selectAll().where('petition_id', '=', p.id).executeTakeFirstOrThrow();
      const done = await consolePost(organizer, `/admin/petitions/${p.id}/invalidations`, { email_domain: 'farm2.example', reason: 'farm' });
      assert.equal(done.statusCode, 303);
      const { confirmationToken } = await import('../src/petitions/service.ts');
      const confirm = await h.app.inject({ method: 'POST', url: `/petitions/${p.slug}/confirm/${s.id}/${confirmationToken(h.config.secretKey, s.id)}`, remoteAddress: '198.18.3.1' });
      assert.equal(confirm.statusCode, 200);
      assert.equal(await count(p.id), 0);
    });
    it('guards the RSVP form the same way: block lists, the challenge while RSVPs look automated, and the event’s own setting', async () => {
      const event = await makeEvent(h, orgId);
      const rsvp = (email: string, ip: string, altcha?: string) =>
        h.app.inject({ method: 'POST', url: `/events/${event.slug}`, headers: FORM, remoteAddress: ip, payload: form({ lang: 'en', ...attendee({ email }), ...(altcha ? { altcha } : {}) }) });
      assert.equal((await consolePost(organizer, '/admin/blocks', { kind: 'email_domain', value: 'rsvp-bots.example', note: '' })).statusCode, 303);
      const refused = await rsvp('x@rsvp-bots.example', '192.0.2.10');
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /We could not take this/);
      assert.equal((await db().selectFrom('attendances').select('id').where('event_id', '=', event.id).execute()).length, 0);
      assert.doesNotMatch((await h.app.inject({ url: `/events/${event.slug}` })).body, /challenge\.js/);
      for (let i = 0; i < 70; i++) challengeGate(h.ctx).detector.note(event.id, 'one-connection', 'example.org');
      const page = await h.app.inject({ url: `/events/${event.slug}` });
      assert.match(page.body, /challenge\.js/);
      assert.match(page.headers['content-security-policy'] as string, /script-src 'self'/);
      const ip = '192.0.2.11';
      for (let i = 0; i < 3; i++) assert.equal((await rsvp(`r${i}@example.org`, ip)).statusCode, 303);
      assert.equal((await rsvp('r3@example.org', ip)).statusCode, 429);
      assert.equal((await rsvp('r4@example.org', ip, await solution())).statusCode, 303);
      // The organizer's setting on the event: off silences the detector, always needs no surge.
      const detail = await console(organizer, `/admin/events/${event.id}`);
      assert.match(detail.body, /Proof-of-work challenge on the RSVP form/);
      assert.equal((await consolePost(organizer, `/admin/events/${event.id}/challenge`, { challenge: 'off' })).statusCode, 303);
      assert.doesNotMatch((await h.app.inject({ url: `/events/${event.slug}` })).body, /challenge\.js/);
      assert.equal((await rsvp('r5@example.org', ip)).statusCode, 303);
      const calm = await makeEvent(h, orgId, { title: 'Quiet vigil' });
      assert.equal((await consolePost(organizer, `/admin/events/${calm.id}/challenge`, { challenge: 'always' })).statusCode, 303);
      assert.match((await h.app.inject({ url: `/events/${calm.slug}?lang=es` })).body, /Sin JavaScript, este formulario/);
      assert.equal((await consolePost(other, `/admin/events/${calm.id}/challenge`, { challenge: 'off' })).statusCode, 404, 'another organization’s event is missing');
      assert.equal((await consolePost(organizer, `/admin/events/${calm.id}/challenge`, { challenge: 'maybe' })).headers.location, `/admin/events/${calm.id}?notice=challenge_invalid`);
    });
  });
}
