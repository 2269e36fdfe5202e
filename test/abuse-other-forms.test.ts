// Abuse (issue #14) on the public forms beside petitions and events: the fundraising page, the open
// letter and the letter to decision-makers refuse blocked senders with a neutral page and write
// nothing, and carry the proof-of-work challenge (with its script allowed by the page's policy)
// while their submissions look automated; on every database.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organizerIn, organization, type SignedIn } from './admin-helpers.ts';
import { createPage } from '../src/donations/index.ts';
import { challengeGate } from '../src/kits/pages/challenge.ts';
import { nowIso } from '../src/util/ids.ts';
import { makeLetter, orgFields } from './open-letters-support.ts';
import { makeCampaign, writer } from './letters-support.ts';

const pledgePage = {
  title: 'Pledge for the fight',
  description: '',
  currency: 'USD',
  goal_minor: null,
  amounts: [1000, 2500],
  min_minor: 100,
  max_minor: 1_000_000,
  allow_monthly: false,
  offer_fee_cover: false,
  processor: 'pledge' as const,
  actblue_form: null,
  actblue_refcode: null,
  status: 'open' as const,
};

for (const target of targets()) {
  describe(`abuse on the other public forms on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let organizer: SignedIn;

    before(async () => {
      h = await harness(target, { RATE_LIMITS: 'on' });
      orgId = (await organization(h, 'Faces Not Data')).id;
      organizer = await organizerIn(h, orgId, 'organizer', 'organizer@fnd.example');
      const res = await h.app.inject({ method: 'POST', url: '/admin/blocks', headers: { ...FORM, cookie: organizer.cookie }, payload: form({ _csrf: organizer.csrf, kind: 'email_domain', value: 'bots.example', note: 'made-up senders' }) });
      assert.equal(res.statusCode, 303);
    });
    after(() => h.close());

    const db = () => h.ctx.database.db;
    const post = (url: string, fields: Record<string, string>, ip: string) => h.app.inject({ method: 'POST', url, headers: FORM, remoteAddress: ip, payload: form(fields) });
    const surge = (actionId: string) => {
      for (let i = 0; i < 70; i++) challengeGate(h.ctx).detector.note(actionId, 'one-connection', 'example.org');
    };

    it('a fundraising page refuses a blocked sender, writes nothing, and carries the challenge in a surge', async () => {
      const p = await createPage(db(), orgId, pledgePage, nowIso());
      const give = (email: string, ip: string) => post(`/fundraising/${p.slug}`, { lang: 'en', given_name: 'Ana', family_name: 'Ruiz', email, postal_code: '60605', country: 'US', amount: '2500', form_id: 'abuse-form-0000000001' }, ip);
      const refused = await give('x@bots.example', '192.0.2.20');
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /We could not take this/);
      assert.doesNotMatch(refused.body, /block/i, 'the page does not say why');
      assert.equal((await db().selectFrom('people').select('id').where('email', '=', 'x@bots.example').execute()).length, 0, 'no person was written');
      assert.equal((await give('ana@example.org', '192.0.2.21')).statusCode, 303, 'another sender gives');

      assert.doesNotMatch((await h.app.inject({ url: `/fundraising/${p.slug}` })).body, /challenge\.js/, 'no challenge without a surge');
      surge(p.id);
      const page = await h.app.inject({ url: `/fundraising/${p.slug}` });
      assert.match(page.body, /challenge\.js/);
      assert.match(page.headers['content-security-policy'] as string, /script-src 'self'/);
      const ip = '192.0.2.22';
      for (let i = 0; i < 3; i++) assert.equal((await give(`g${i}@example.org`, ip)).statusCode, 303);
      assert.equal((await give('g3@example.org', ip)).statusCode, 429, 'without a solution, the strict limit applies');
    });

    it('an open letter refuses a blocked signer (organization or individual) and carries the challenge in a surge', async () => {
      const letter = await makeLetter(h, orgId, { title: 'No face scans in our schools', allowIndividuals: true });
      const refused = await post(`/open_letters/${letter.slug}`, { lang: 'es', ...orgFields({ email: 'ceo@bots.example' }) }, '192.0.2.30');
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /lang="es"/);
      const person = await post(`/open_letters/${letter.slug}`, { lang: 'en', kind: 'individual', given_name: 'Bo', family_name: 'Li', email: 'bo@bots.example', postal_code: '60605', country: 'US' }, '192.0.2.31');
      assert.equal(person.statusCode, 403);
      assert.equal((await db().selectFrom('open_letter_signatures').select('id').where('open_letter_id', '=', letter.id).execute()).length, 0, 'nothing was written');

      surge(letter.id);
      const page = await h.app.inject({ url: `/open_letters/${letter.slug}` });
      assert.match(page.body, /challenge\.js/);
      assert.match(page.headers['content-security-policy'] as string, /script-src 'self'/);
    });

    it('a letter campaign refuses a blocked writer and carries the challenge in a surge', async () => {
      const campaign = await makeCampaign(h, orgId);
      const refused = await post(`/letters/${campaign.slug}`, writer({ email: 'maya@bots.example' }), '192.0.2.40');
      assert.equal(refused.statusCode, 403);
      assert.equal((await db().selectFrom('people').select('id').where('email', '=', 'maya@bots.example').execute()).length, 0, 'no person was written');
      surge(campaign.id);
      assert.match((await h.app.inject({ url: `/letters/${campaign.slug}` })).body, /challenge\.js/);
    });
  });
}
