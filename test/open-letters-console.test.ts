import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organizerIn, organization, type SignedIn } from './admin-helpers.ts';
import { confirmationPath, logoPng, makeLetter, signAndConfirm, signAsOrganization } from './open-letters-support.ts';
import { invitePartner, respondToPartnership } from '../src/coalitions/service.ts';
import { letterCache } from '../src/open-letters/index.ts';

for (const target of targets()) {
  describe(`open letters in the console on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let owner: SignedIn;
    let viewer: SignedIn;
    let other: SignedIn;
    let n = 0;
    const db = () => h.ctx.database.db;
    const get = (who: SignedIn, url: string) => h.app.inject({ url, headers: { cookie: who.cookie } });
    const post = (who: SignedIn, url: string, body: Record<string, string>) => h.app.inject({ method: 'POST', url, headers: { ...FORM, cookie: who.cookie }, payload: form({ _csrf: who.csrf, ...body }) });
    const sigs = (letterId: string) => db().selectFrom('open_letter_signatures').selectAll().where('open_letter_id', '=', letterId).orderBy('created_at').execute();
    const letter = (over = {}) => makeLetter(h, orgId, { title: `Console letter ${++n}`, ...over });
    const audits = (action: string) => db().selectFrom('audit_events').selectAll().where('action', '=', action).execute();

    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Faces Not Data')).id;
      const otherId = (await organization(h, 'Other Coalition')).id;
      owner = await organizerIn(h, orgId, 'owner', 'owner@fnd.example');
      viewer = await organizerIn(h, orgId, 'viewer', 'viewer@fnd.example');
      other = await organizerIn(h, otherId, 'owner', 'owner@other.example');
    });
    after(() => h.close());

    const letterForm = (over: Record<string, string> = {}) => ({
      title: 'Letter to the CEO', slug: '', description: '', letter_text: 'Dear CEO,\n\nStop.', targets: 'Dana Reyes\nBoard of Lumidex', status: 'open',
      deadline: '', hold_until_count: '', hold_until_date: '', list_order: 'alphabetical', groups: 'National\nState\nLocal', ...over,
    });

    it('creates and edits a letter, with its checks', async () => {
      const bad = await post(owner, '/admin/open_letters/new', letterForm({ title: '', deadline: 'next week', hold_until_count: '-3', groups: 'A\na' }));
      assert.equal(bad.statusCode, 422);
      for (const m of [/Enter a title/, /Enter the deadline as a day/, /Enter the number of organizations/, /Each group must have a name of its own/]) assert.match(bad.body, m);
      const res = await post(owner, '/admin/open_letters/new', letterForm({ slug: 'ceo-letter', allow_individuals: 'yes', deadline: '2999-06-30' }));
      assert.equal(res.statusCode, 303);
      const id = /\/admin\/open_letters\/([0-9a-f-]+)\?notice=created/.exec(res.headers.location as string)![1]!;
      const row = await db().selectFrom('open_letters').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.slug, 'ceo-letter');
      assert.equal(row.deadline, '2999-06-30T23:59:00.000Z');
      assert.equal(row.groups, '["National","State","Local"]');
      assert.equal((await audits('open_letter.created')).length, 1);
      const edit = await get(owner, `/admin/open_letters/${id}/edit`);
      assert.match(edit.body, /value="2999-06-30T23:59"/);
      const saved = await post(owner, `/admin/open_letters/${id}/edit`, letterForm({ slug: 'ceo-letter', title: 'Letter to the CEO, again', list_order: 'signed', featured_first: 'yes' }));
      assert.equal(saved.statusCode, 303);
      assert.match(saved.headers.location as string, /notice=saved/);
      assert.equal((await db().selectFrom('open_letters').select('list_order').where('id', '=', id).executeTakeFirstOrThrow()).list_order, 'signed');
      assert.equal((await get(viewer, `/admin/open_letters/${id}`)).statusCode, 200);
      assert.equal((await post(viewer, `/admin/open_letters/${id}/edit`, letterForm())).statusCode, 403);
      assert.equal((await get(other, `/admin/open_letters/${id}`)).statusCode, 404);
    });

    it('moderates: approves and rejects with reasons kept, and the public list follows', async () => {
      const l = await letter();
      await signAndConfirm(h, l.slug, { org_name: 'Approved Org', website: 'approved.example', email: 'a@approved.example' }, { name: 'logo', filename: 'a.png', type: 'image/png', bytes: await logoPng() });
      await signAndConfirm(h, l.slug, { org_name: 'Rejected Org', website: 'rejected.example', email: 'r@rejected.example' });
      const [a, r] = await sigs(l.id);
      const detail = await get(owner, `/admin/open_letters/${l.id}`);
      assert.match(detail.body, /Awaiting review/);
      assert.match(detail.body, /a@approved\.example/);
      assert.match(detail.body, new RegExp(`/admin/open_letters/${l.id}/signatures/${a!.id}/logo.png`));
      const logo = await get(owner, `/admin/open_letters/${l.id}/signatures/${a!.id}/logo.png`);
      assert.equal(logo.headers['content-type'], 'image/png');
      assert.doesNotMatch((await get(viewer, `/admin/open_letters/${l.id}`)).body, /a@approved\.example/, 'a viewer sees no emails');
      assert.equal((await post(viewer, `/admin/open_letters/${l.id}/signatures/${a!.id}/moderate`, { decision: 'approved' })).statusCode, 403);
      assert.equal((await post(other, `/admin/open_letters/${l.id}/signatures/${a!.id}/moderate`, { decision: 'approved' })).statusCode, 404);
      assert.equal((await post(owner, `/admin/open_letters/${l.id}/signatures/${a!.id}/moderate`, { decision: 'approved', reason: 'member of the coalition' })).statusCode, 303);
      assert.equal((await post(owner, `/admin/open_letters/${l.id}/signatures/${r!.id}/moderate`, { decision: 'rejected', reason: 'not a real group' })).statusCode, 303);
      const [a2, r2] = await sigs(l.id);
      assert.deepEqual([a2!.status, a2!.moderation_reason, r2!.status, r2!.moderation_reason], ['approved', 'member of the coalition', 'rejected', 'not a real group']);
      assert.equal((await db().selectFrom('open_letters').select('organization_count').where('id', '=', l.id).executeTakeFirstOrThrow()).organization_count, 1);
      const pub = await h.app.inject({ url: `/open_letters/${l.slug}` });
      assert.match(pub.body, /Approved Org/);
      assert.doesNotMatch(pub.body, /Rejected Org/);
      const moderated = await audits('open_letter.moderated');
      assert.ok(moderated.some((e) => JSON.parse(e.details as unknown as string).reason === 'not a real group'));
      const page = await get(owner, `/admin/open_letters/${l.id}`);
      assert.match(page.body, /not a real group/);
    });

    it('flags duplicates and merges them: the duplicate hidden, its signer kept', async () => {
      const l = await letter();
      await signAndConfirm(h, l.slug, { org_name: 'Faces Not Data', website: 'fnd.example', email: 'one@fnd.example' });
      await signAndConfirm(h, l.slug, { org_name: 'The Faces-Not-Data, Inc.', website: '', email: 'two@elsewhere.example' });
      const [first, second] = await sigs(l.id);
      await post(owner, `/admin/open_letters/${l.id}/signatures/${second!.id}/moderate`, { decision: 'approved' });
      const detail = await get(owner, `/admin/open_letters/${l.id}`);
      assert.match(detail.body, /Possible duplicates/);
      assert.match(detail.body, /nearly the same name/);
      const merged = await post(owner, `/admin/open_letters/${l.id}/merge`, { duplicate: second!.id, kept: first!.id });
      assert.equal(merged.statusCode, 303);
      const [f2, s2] = await sigs(l.id);
      assert.equal(s2!.status, 'merged');
      assert.equal(s2!.merged_into, first!.id);
      assert.equal(f2!.status, 'approved', 'the kept one takes the approval of the merged one');
      assert.ok(await db().selectFrom('people').select('id').where('id', '=', s2!.person_id).executeTakeFirst(), 'the signer stays on record');
      assert.doesNotMatch((await get(owner, `/admin/open_letters/${l.id}`)).body, /Possible duplicates/);
      const pub = await h.app.inject({ url: `/open_letters/${l.slug}` });
      assert.match(pub.body, /Faces Not Data/);
      assert.doesNotMatch(pub.body, /The Faces-Not-Data, Inc\./);
      assert.match(pub.body, /Signed by 1 organization/);
    });

    it('groups and features organizations, in the order set', async () => {
      const l = await letter({ groups: ['National', 'Local'], featuredFirst: true });
      for (const name of ['Zeta Group', 'Alpha Group', 'Mid Group']) await signAndConfirm(h, l.slug, { org_name: name, website: '', email: `${name.split(' ')[0]!.toLowerCase()}@groups.example` });
      const rows = await sigs(l.id);
      for (const s of rows) await post(owner, `/admin/open_letters/${l.id}/signatures/${s.id}/moderate`, { decision: 'approved' });
      const by = (name: string) => rows.find((s) => s.org_name === name)!;
      await post(owner, `/admin/open_letters/${l.id}/signatures/${by('Zeta Group').id}/place`, { group: 'National', featured: '' });
      await post(owner, `/admin/open_letters/${l.id}/signatures/${by('Mid Group').id}/place`, { group: 'Local', featured: 'yes' });
      await post(owner, `/admin/open_letters/${l.id}/signatures/${by('Alpha Group').id}/place`, { group: 'Local' });
      assert.equal((await post(owner, `/admin/open_letters/${l.id}/signatures/${by('Alpha Group').id}/place`, { group: 'Galactic' })).statusCode, 200, 'an unknown group is refused with a notice');
      const body = (await h.app.inject({ url: `/open_letters/${l.slug}` })).body;
      const order = ['National', 'Zeta Group', 'Local', 'Mid Group', 'Alpha Group'].map((s) => body.indexOf(s));
      assert.deepEqual([...order].sort((x, y) => x - y), order, `order: ${order}`);
    });

    it('trusts an organization: its next signature on a later letter goes live at once', async () => {
      const l1 = await letter();
      await signAndConfirm(h, l1.slug, { org_name: 'Trusty Org', website: 'trusty.example', email: 'lead@trusty.example' });
      const [s] = await sigs(l1.id);
      assert.equal((await post(owner, `/admin/open_letters/${l1.id}/signatures/${s!.id}/trust`, {})).statusCode, 200, 'a pending one cannot be trusted');
      await post(owner, `/admin/open_letters/${l1.id}/signatures/${s!.id}/moderate`, { decision: 'approved' });
      assert.equal((await post(owner, `/admin/open_letters/${l1.id}/signatures/${s!.id}/trust`, {})).statusCode, 303);
      assert.match((await get(owner, '/admin/open_letters/trusted')).body, /Trusty Org/);
      const l2 = await letter();
      const done = await signAndConfirm(h, l2.slug, { org_name: 'Trusty Org', website: 'trusty.example', email: 'other.person@trusty.example' });
      assert.match(done.body, /is now on the list/);
      const [t] = await sigs(l2.id);
      assert.equal(t!.status, 'approved');
      assert.equal(t!.trusted, 1);
      // The same name from an address with no link to it waits for review.
      const l3 = await letter();
      await signAndConfirm(h, l3.slug, { org_name: 'Trusty Org', website: 'trusty.example', email: 'impostor@gmail.example' });
      assert.equal((await sigs(l3.id))[0]!.status, 'pending');
      const trusted = await db().selectFrom('open_letter_trusted').select('id').executeTakeFirstOrThrow();
      assert.equal((await post(owner, `/admin/open_letters/trusted/${trusted.id}/delete`, {})).statusCode, 303);
      assert.doesNotMatch((await get(owner, '/admin/open_letters/trusted')).body, /Trusty Org/);
    });

    it('records a delivery and shows it on the closed letter’s page when chosen', async () => {
      const l = await letter();
      const bad = await post(owner, `/admin/open_letters/${l.id}/deliveries`, { delivered_on: '2026-02-30', recipient: '', method: 'fax' });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /Enter the day it was delivered/);
      assert.match(bad.body, /Choose how it was delivered/);
      assert.equal((await post(owner, `/admin/open_letters/${l.id}/deliveries`, { delivered_on: '2026-05-01', recipient: 'Dana Reyes, CEO', method: 'in_person', note: 'private note', shown: 'yes' })).statusCode, 303);
      const asked = await post(owner, `/admin/open_letters/${l.id}/close`, {});
      assert.equal(asked.statusCode, 200, 'closing asks first');
      assert.match(asked.body, /Close the letter/);
      assert.equal((await post(owner, `/admin/open_letters/${l.id}/close`, { confirm: 'yes' })).statusCode, 303);
      const pub = await h.app.inject({ url: `/open_letters/${l.slug}` });
      assert.match(pub.body, /Delivered to Dana Reyes, CEO on 2026-05-01 \(in person\)/);
      assert.doesNotMatch(pub.body, /private note/);
      assert.match(pub.body, /closed and no longer takes signatures/);
      const es = await h.app.inject({ url: `/open_letters/${l.slug}?lang=es` });
      assert.match(es.body, /Entregada a Dana Reyes, CEO el 2026-05-01 \(en persona\)/);
      const detail = await get(owner, `/admin/open_letters/${l.id}`);
      assert.match(detail.body, /private note/);
      const id = (await db().selectFrom('deliveries').select('id').where('action_id', '=', l.id).executeTakeFirstOrThrow()).id;
      assert.equal((await post(other, `/admin/open_letters/${l.id}/deliveries/${id}/delete`, {})).statusCode, 404);
      assert.equal((await post(owner, `/admin/open_letters/${l.id}/deliveries/${id}/delete`, {})).statusCode, 303);
      assert.doesNotMatch((await h.app.inject({ url: `/open_letters/${l.slug}` })).body, /Delivered to/);
    });

    it('takes partners: the coalition screen, the share box, and the signer on the partner’s list once confirmed', async () => {
      const l = await letter();
      const partner = await organization(h, 'Neighbours for Privacy');
      const partnerOwner = await organizerIn(h, partner.id, 'owner', 'owner@nfp.example');
      const screen0 = await get(owner, `/admin/open_letters/${l.id}/partners`);
      assert.equal(screen0.statusCode, 200);
      assert.match(screen0.body, /Back to the open letter</);
      await h.ctx.committer.submit((uow) => invitePartner(uow, { sponsorId: orgId, action: { type: 'open_letter', id: l.id, title: l.title }, partner, byUserId: owner.userId }));
      const p = await db().selectFrom('action_partners').select('id').where('action_id', '=', l.id).executeTakeFirstOrThrow();
      await respondToPartnership(db(), { partnershipId: p.id, partnerId: partner.id, accept: true, byUserId: partnerOwner.userId });
      letterCache(h.ctx).forget(l.slug);
      assert.match((await h.app.inject({ url: `/open_letters/${l.slug}` })).body, /Share my name and email with Neighbours for Privacy/);
      const res = await signAsOrganization(h, l.slug, { org_name: 'Sharing Org', website: '', email: 'share@sharing.example', share: partner.id });
      assert.equal(res.statusCode, 303);
      const onPartnerList = () => db().selectFrom('people').select('id').where('organization_id', '=', partner.id).where('email', '=', 'share@sharing.example').executeTakeFirst();
      assert.equal(await onPartnerList(), undefined, 'not before confirmation');
      await h.app.inject({ method: 'POST', url: await confirmationPath(h, 'share@sharing.example'), headers: FORM, payload: form({}) });
      assert.ok(await onPartnerList(), 'on the partner’s list once confirmed');
      const screen = await get(owner, `/admin/open_letters/${l.id}/partners`);
      assert.match(screen.body, /Neighbours for Privacy/);
    });

    it('lists letters and shows them on the dashboard', async () => {
      const list = await get(owner, '/admin/open_letters');
      assert.match(list.body, /Console letter 1/);
      assert.match(list.body, /New open letter/);
      assert.doesNotMatch((await get(viewer, '/admin/open_letters')).body, /New open letter/);
      assert.match((await get(owner, '/admin')).body, /Open letters/);
    });
  });
}
