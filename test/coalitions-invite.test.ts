// Inviting a partner by its name (any case, part of it, or its slug), choosing among
// organizations of the same name, and the email its owners get; the audit log's sentences for it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organizerIn, organization, type SignedIn } from './admin-helpers.ts';
import { createPetition } from '../src/petitions/service.ts';
import { nowIso } from '../src/util/ids.ts';

for (const target of targets()) {
  describe(`inviting partners by name on ${target.name}`, () => {
    let h: Harness;
    let sponsor: SignedIn;
    let petition: { id: string };
    const orgs: Record<string, { id: string; slug: string }> = {};

    before(async () => {
      h = await harness(target);
      for (const name of ['Sponsor Coalition', 'Tenants United', 'Riverside Tenants Union', 'Tenants Union of Eastside', 'Privacy 100% Now']) {
        const o = await organization(h, name);
        orgs[name] = { id: o.id, slug: o.slug };
      }
      sponsor = await organizerIn(h, orgs['Sponsor Coalition']!.id, 'owner', 'lead@sponsor.example');
      await organizerIn(h, orgs['Tenants United']!.id, 'owner', 'ana@tenants.example');
      await organizerIn(h, orgs['Tenants United']!.id, 'owner', 'bo@tenants.example');
      await organizerIn(h, orgs['Tenants United']!.id, 'viewer', 'viewer@tenants.example');
      const p = await createPetition(h.ctx.database.db, orgs['Sponsor Coalition']!.id, { title: 'Stop facial recognition', description: '', petition_text: 'Stop it.', targets: [], goal: null, confirmation_required: false, status: 'open' }, nowIso());
      petition = { id: p.id };
    });
    after(() => h.close());

    const invite = (fields: Record<string, string>) =>
      h.app.inject({ method: 'POST', url: `/admin/petitions/${petition.id}/partners`, headers: { ...FORM, cookie: sponsor.cookie }, payload: form({ _csrf: sponsor.csrf, ...fields }) });

    it('finds the partner by its name in any case and emails its owners only', async () => {
      const res = await invite({ partner: '  tenants UNITED ' });
      assert.equal(res.statusCode, 303);
      await h.runJobs();
      const mails = h.mailer.sent.filter((m) => m.subject.includes('invites Tenants United'));
      assert.deepEqual(mails.map((m) => m.to).sort(), ['ana@tenants.example', 'bo@tenants.example']);
      assert.match(mails[0]!.subject, /Sponsor Coalition invites Tenants United to partner on the petition “Stop facial recognition”/);
      assert.match(mails[0]!.text, /http:\/\/turnout\.test\/admin\/partnerships/);
      assert.match(mails[0]!.html ?? '', /Answer the invitation/);
      const again = await invite({ partner: 'Tenants United' });
      assert.equal(again.statusCode, 422);
      assert.match(again.body, /already invited/);
    });

    it('lists the choices when several names hold what was typed, then invites the one picked', async () => {
      const res = await invite({ partner: 'tenants union' });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /Which organization do you mean\?/);
      assert.match(res.body, /Riverside Tenants Union/);
      assert.match(res.body, /Tenants Union of Eastside/);
      assert.doesNotMatch(res.body, /value="[^"]*" required\/><label[^>]*>Tenants United/, 'names that do not hold the words are not offered');
      const picked = await invite({ partner: 'tenants union', partner_id: orgs['Tenants Union of Eastside']!.id });
      assert.equal(picked.statusCode, 303);
      const view = await h.app.inject({ url: `/admin/petitions/${petition.id}/partners`, headers: { cookie: sponsor.cookie } });
      assert.match(view.body, /Tenants Union of Eastside/);
      assert.doesNotMatch(view.body, /Riverside Tenants Union/);
    });

    it('takes a slug, treats % and _ as letters, and refuses the sponsor itself or a name nobody has', async () => {
      assert.equal((await invite({ partner: orgs['Riverside Tenants Union']!.slug })).statusCode, 303);
      const pct = await invite({ partner: '100%' });
      assert.equal(pct.statusCode, 303, 'one organization holds “100%”');
      const wild = await invite({ partner: '%' });
      assert.equal(wild.statusCode, 422);
      assert.match(wild.body, /Privacy 100% Now is already invited/, '“%” matches the one name that holds it, not every name');
      const own = await invite({ partner: 'Sponsor Coalition' });
      assert.equal(own.statusCode, 422);
      assert.match(own.body, /Your own organization is the sponsor/);
      const none = await invite({ partner: 'Nobody at all' });
      assert.equal(none.statusCode, 422);
      assert.match(none.body, /No organization on this site is called “Nobody at all”/);
      const empty = await invite({ partner: '   ' });
      assert.equal(empty.statusCode, 422);
      const foreign = await invite({ partner: 'x', partner_id: '00000000-0000-4000-8000-000000000000' });
      assert.equal(foreign.statusCode, 422);
    });

    it('writes the invitations in the audit log as sentences with names', async () => {
      const log = await h.app.inject({ url: '/admin/audit', headers: { cookie: sponsor.cookie } });
      assert.equal(log.statusCode, 200);
      assert.match(log.body, /lead invited “Tenants United” to join the petition “Stop facial recognition” as a partner at \d\d:\d\d/);
      assert.doesNotMatch(log.body, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, 'no id in the log');
      assert.doesNotMatch(log.body, /\{&quot;|\{"/, 'no JSON in the log');
    });
  });
}
