import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import type { Role } from '../src/db/schema.ts';
import { createUser, grantRole, startSession } from '../src/accounts/service.ts';
import { createOrganization } from '../src/orgs/service.ts';
import { createPetition } from '../src/petitions/service.ts';
import { upsertPerson } from '../src/actions/people/repository.ts';
import { consoleRouteList as consoleRoutes } from '../src/kits/console/mount.tsx';
import { nowIso } from '../src/util/ids.ts';

interface SignedIn {
  userId: string;
  cookie: string;
  csrf: string;
}

for (const target of targets()) {
  describe(`console people on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let otherOrgId: string;
    let petitionSlug: string;
    let petitionId: string;
    let otherSlug: string;
    let owner: SignedIn;
    let organizer: SignedIn;
    let viewer: SignedIn;
    let otherOwner: SignedIn;
    const ids: Record<string, string> = {};

    const db = () => h.ctx.database.db;

    async function signIn(organizationId: string, role: Role, email: string): Promise<SignedIn> {
      const user = await createUser(db(), { email, name: email.split('@')[0]! });
      await grantRole(db(), { userId: user.id, organizationId, role, byUserId: null });
      const token = await startSession(db(), user.id, true);
      const session = await db().selectFrom('sessions').select('csrf_token').where('user_id', '=', user.id).executeTakeFirstOrThrow();
      return { userId: user.id, cookie: `turnout_session=${token}`, csrf: session.csrf_token };
    }

    const get = (who: SignedIn, url: string) => h.app.inject({ url, headers: { cookie: who.cookie } });
    const post = (who: SignedIn, url: string, fields: Record<string, string> = {}, csrf: string | null = who.csrf) =>
      h.app.inject({ method: 'POST', url, headers: { ...FORM, cookie: who.cookie }, payload: form(csrf === null ? fields : { ...fields, _csrf: csrf }) });

    /** Signs a petition through the public form, as a supporter would. */
    async function sign(slug: string, fields: Record<string, string>, query = '', headers: Record<string, string> = {}) {
      const res = await h.app.inject({
        method: 'POST',
        url: `/petitions/${slug}${query}`,
        headers: { ...FORM, ...headers },
        payload: form({ country: 'US', ...fields }),
      });
      assert.equal(res.statusCode, 303, `signing as ${fields.email}: ${res.body.slice(0, 200)}`);
    }

    const personId = async (organizationId: string, email: string) =>
      (await db().selectFrom('people').select('id').where('organization_id', '=', organizationId).where('email', '=', email).executeTakeFirstOrThrow()).id;

    const signatureCount = async (id: string) =>
      Number((await db().selectFrom('petitions').select('signature_count').where('id', '=', id).executeTakeFirstOrThrow()).signature_count);

    /** The ids of the people a list page links to, in order. */
    const listed = (html: string) => [...html.matchAll(/<a href="\/admin\/people\/([0-9a-f-]{36})"/g)].map((m) => m[1]!);

    const search = async (query: Record<string, string>) => {
      const res = await get(owner, `/admin/people?${new URLSearchParams(query)}`);
      assert.equal(res.statusCode, 200);
      return listed(res.body);
    };

    const newPetition = (organizationId: string, title: string) =>
      createPetition(
        db(),
        organizationId,
        { title, description: 'A demo', petition_text: 'Stop it.', targets: [{ name: 'Lumidex CEO' }], goal: null, confirmation_required: false, status: 'open' },
        nowIso(),
      );

    before(async () => {
      h = await harness(target);
      const org = await createOrganization(db(), { name: 'Faces Not Data', slug: 'fnd' });
      const other = await createOrganization(db(), { name: 'Other Coalition', slug: 'other' });
      orgId = org.id;
      otherOrgId = other.id;
      const petition = await newPetition(orgId, 'Stop face surveillance');
      petitionSlug = petition.slug;
      petitionId = petition.id;
      otherSlug = (await newPetition(otherOrgId, 'Another petition')).slug;

      owner = await signIn(orgId, 'owner', 'owner@fnd.example');
      organizer = await signIn(orgId, 'organizer', 'organizer@fnd.example');
      viewer = await signIn(orgId, 'viewer', 'viewer@fnd.example');
      otherOwner = await signIn(otherOrgId, 'owner', 'owner@other.example');

      // Oldest first, so the list (newest first) shows them in reverse.
      await sign(
        petitionSlug,
        { given_name: 'Ana', family_name: 'Ruiz', email: 'ana@example.org', postal_code: '94110', opt_in: 'yes', comments: 'For my neighbours' },
        '?source=email-1',
        { referer: 'https://news.example/story?id=7' },
      );
      await sign(petitionSlug, { given_name: 'Ben', family_name: 'Okafor', email: 'ben@example.org', postal_code: '10001', lang: 'es' });
      await sign(petitionSlug, {
        given_name: '<script>alert(1)</script>',
        family_name: 'Evil',
        email: 'evil@example.org',
        postal_code: '60601',
        comments: '<img src=x onerror=alert(2)>',
      });
      // The same email in another organization is another person.
      await sign(otherSlug, { given_name: 'Ana', family_name: 'Elsewhere', email: 'ana@example.org', postal_code: '94110', opt_in: 'yes' });

      ids.ana = await personId(orgId, 'ana@example.org');
      ids.ben = await personId(orgId, 'ben@example.org');
      ids.evil = await personId(orgId, 'evil@example.org');
      ids.otherAna = await personId(otherOrgId, 'ana@example.org');
    });
    after(() => h.close());

    it('registers every people route with the permission it needs', () => {
      const want: Record<string, string> = {
        'GET /admin/people': 'see_people',
        'GET /admin/people/:id': 'see_people',
        'POST /admin/people/:id/tags': 'see_people',
        'POST /admin/people/:id/tags/remove': 'see_people',
        'GET /admin/people/:id/export.json': 'export_data',
        'GET /admin/people/:id/erase': 'erase_people',
        'POST /admin/people/:id/erase': 'erase_people',
      };
      for (const [route, permission] of Object.entries(want)) assert.equal(consoleRoutes.get(route)?.permission, permission, route);
    });

    it('lists the organization’s people newest first, with the total, each linking to their page', async () => {
      const res = await get(owner, '/admin/people');
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['cache-control'] as string, /no-store/);
      assert.match(res.body, /1–3 of 3 people, newest first/);
      assert.deepEqual(listed(res.body), [ids.evil, ids.ben, ids.ana]);
      assert.ok(!listed(res.body).includes(ids.otherAna!), 'nobody from another organization');
      assert.match(res.body, /<a href="\/admin\/people" aria-current="page">People<\/a>/);
    });

    it('finds people by name, email and ZIP, in any case, with every word matching', async () => {
      assert.deepEqual(await search({ q: 'ruiz' }), [ids.ana]);
      assert.deepEqual(await search({ q: 'ANA' }), [ids.ana]);
      assert.deepEqual(await search({ q: 'okafor' }), [ids.ben]);
      assert.deepEqual(await search({ q: 'ben@example.org' }), [ids.ben]);
      assert.deepEqual(await search({ q: '@example.org' }), [ids.evil, ids.ben, ids.ana]);
      assert.deepEqual(await search({ q: '94110' }), [ids.ana]);
      assert.deepEqual(await search({ q: '100' }), [ids.ben], 'a ZIP matches from its start');
      assert.deepEqual(await search({ q: 'ana 94110' }), [ids.ana]);
      assert.deepEqual(await search({ q: 'ana 10001' }), []);
      assert.deepEqual(await search({ q: '<script>' }), [ids.evil]);
      // LIKE wildcards typed by the organizer are plain characters.
      assert.deepEqual(await search({ q: '%' }), []);
      assert.deepEqual(await search({ q: '_' }), []);
      const none = await get(owner, '/admin/people?q=nobody');
      assert.match(none.body, /No one matches this search/);
    });

    it('finds people by tag, and by tag and words together', async () => {
      let res = await post(owner, `/admin/people/${ids.ana}/tags`, { tag: 'volunteer' });
      assert.equal(res.statusCode, 200);
      res = await post(owner, `/admin/people/${ids.ben}/tags`, { tag: 'volunteer' });
      assert.equal(res.statusCode, 200);
      res = await post(owner, `/admin/people/${ids.ben}/tags`, { tag: 'donor' });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(await search({ tag: 'volunteer' }), [ids.ben, ids.ana]);
      assert.deepEqual(await search({ tag: 'donor' }), [ids.ben]);
      assert.deepEqual(await search({ tag: 'volunteer', q: 'ruiz' }), [ids.ana]);
      assert.deepEqual(await search({ tag: 'no such tag' }), []);
      const page = await get(owner, '/admin/people?tag=volunteer');
      assert.match(page.body, /1–2 of 2 people matching/);
      assert.match(page.body, /<option value="donor">/, 'known tags are offered');
      // Another organization's tag of the same name does not reach into this one.
      await post(otherOwner, `/admin/people/${ids.otherAna}/tags`, { tag: 'other-only' });
      assert.deepEqual(await search({ tag: 'other-only' }), []);
    });

    it('pages 50 people at a time, keeping the search in the links', async () => {
      const paged = await createOrganization(db(), { name: 'Big List', slug: 'big-list' });
      const big = await signIn(paged.id, 'organizer', 'organizer@big.example');
      for (let i = 0; i < 53; i++) {
        await upsertPerson(db(), {
          organizationId: paged.id,
          email: `p${i}@big.example`,
          givenName: `Person ${i}`,
          familyName: 'Many',
          postalCode: '94110',
          country: 'US',
          language: 'en',
          subscribe: false,
          now: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
        });
      }
      const first = await get(big, '/admin/people?q=many');
      assert.match(first.body, /1–50 of 53 people matching/);
      assert.equal(listed(first.body).length, 50);
      assert.match(first.body, /Page 1 of 2/);
      assert.match(first.body, /href="\/admin\/people\?q=many&page=2" rel="next"/);
      const second = await get(big, '/admin/people?q=many&page=2');
      assert.match(second.body, /51–53 of 53 people matching/);
      const last = listed(second.body);
      assert.equal(last.length, 3);
      const oldest = await personId(paged.id, 'p0@big.example');
      assert.equal(last[2], oldest, 'the oldest comes last');
      const junk = await get(big, '/admin/people?page=abc');
      assert.equal(junk.statusCode, 200);
    });

    it('shows a person’s fields, consent and actions', async () => {
      const res = await get(organizer, `/admin/people/${ids.ana}`);
      assert.equal(res.statusCode, 200);
      const body = res.body;
      assert.match(body, /<h1>Ana Ruiz<\/h1>/);
      assert.match(body, /<dt>Email<\/dt><dd>ana@example.org<\/dd>/);
      assert.match(body, /<dt>ZIP or postal code<\/dt><dd>94110<\/dd>/);
      assert.match(body, /<dt>Country<\/dt><dd>US<\/dd>/);
      assert.match(body, /<dt>Language<\/dt><dd>en<\/dd>/);
      assert.match(body, /<dt>Email list<\/dt><dd>subscribed<\/dd>/);
      assert.match(body, /Petition “Stop face surveillance”/);
      assert.match(body, /<td[^>]*>yes<\/td><td[^>]*>[^<]*Faces Not Data/, 'the consent, ticked, with its wording');
      assert.match(body, /Signed the petition “Stop face surveillance”/);
      assert.match(body, /<td[^>]*>For my neighbours<\/td><td[^>]*>email-1<\/td><td[^>]*>https:\/\/news.example<\/td><td[^>]*>yes<\/td>/);
      assert.match(body, /export\.json/, 'an organizer may export');
      assert.doesNotMatch(body, /Erase this person/, 'an organizer may not erase');
      const ben = await get(organizer, `/admin/people/${ids.ben}`);
      assert.match(ben.body, /<dt>Language<\/dt><dd>es<\/dd>/);
      assert.match(ben.body, /<dt>Email list<\/dt><dd>unsubscribed<\/dd>/);
      assert.match(ben.body, /<td[^>]*>no \(left unticked\)<\/td>/);
      const asOwner = await get(owner, `/admin/people/${ids.ana}`);
      assert.match(asOwner.body, /href="\/admin\/people\/[0-9a-f-]+\/erase">Erase this person/);
    });

    it('escapes what a supporter typed on the list and the person page', async () => {
      for (const url of ['/admin/people', `/admin/people/${ids.evil}`]) {
        const res = await get(owner, url);
        assert.equal(res.statusCode, 200);
        assert.doesNotMatch(res.body, /<script/i, url);
        assert.doesNotMatch(res.body, /<img/i, url);
        assert.match(res.body, /&lt;script>alert\(1\)&lt;\/script>/, url);
      }
      const page = await get(owner, `/admin/people/${ids.evil}`);
      assert.match(page.body, /&lt;img src=x onerror=alert\(2\)>/);
      assert.match(page.body, /<title>&lt;script>alert\(1\)&lt;\/script> Evil · turnout<\/title>/);
    });

    it('adds and removes tags with the CSRF token from the page', async () => {
      const page = await get(organizer, `/admin/people/${ids.evil}`);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      let res = await post(organizer, `/admin/people/${ids.evil}/tags`, { tag: '  press <b>list</b> ' }, csrf);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<span>press &lt;b>list&lt;\/b><\/span>/);
      const tags = () =>
        db()
          .selectFrom('taggings')
          .innerJoin('tags', 'tags.id', 'taggings.tag_id')
          .select('tags.name')
          .where('taggings.person_id', '=', ids.evil!)
          .execute();
      assert.deepEqual(await tags(), [{ name: 'press <b>list</b>' }]);
      // Adding it twice changes nothing.
      await post(organizer, `/admin/people/${ids.evil}/tags`, { tag: 'press <b>list</b>' }, csrf);
      assert.equal((await tags()).length, 1);
      res = await post(organizer, `/admin/people/${ids.evil}/tags`, { tag: '   ' }, csrf);
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /Enter the name of a tag/);
      res = await post(organizer, `/admin/people/${ids.evil}/tags`, { tag: 'x'.repeat(101) }, csrf);
      assert.equal(res.statusCode, 422);
      res = await post(organizer, `/admin/people/${ids.evil}/tags/remove`, { tag: 'press <b>list</b>' }, csrf);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Removed the tag/);
      assert.deepEqual(await tags(), []);
      assert.ok(await db().selectFrom('tags').select('id').where('organization_id', '=', orgId).where('name', '=', 'press <b>list</b>').executeTakeFirst(), 'the tag itself stays');
    });

    it('refuses a POST without the CSRF token and changes nothing', async () => {
      const before = await db().selectFrom('people').selectAll().where('id', '=', ids.ben!).executeTakeFirstOrThrow();
      const tagsBefore = await db().selectFrom('taggings').selectAll().where('person_id', '=', ids.ben!).execute();
      for (const [url, fields] of [
        [`/admin/people/${ids.ben}/tags`, { tag: 'sneaky' }],
        [`/admin/people/${ids.ben}/tags/remove`, { tag: 'donor' }],
        [`/admin/people/${ids.ben}/erase`, {}],
      ] as const) {
        const missing = await post(owner, url, fields, null);
        assert.equal(missing.statusCode, 403, url);
        assert.match(missing.body, /This form has expired/);
        const wrong = await post(owner, url, fields, 'x'.repeat(owner.csrf.length));
        assert.equal(wrong.statusCode, 403, url);
      }
      assert.deepEqual(await db().selectFrom('people').selectAll().where('id', '=', ids.ben!).executeTakeFirstOrThrow(), before);
      assert.deepEqual(await db().selectFrom('taggings').selectAll().where('person_id', '=', ids.ben!).execute(), tagsBefore);
    });

    it('exports everything stored about a person as a JSON download, and audits it', async () => {
      const res = await get(organizer, `/admin/people/${ids.ana}/export.json`);
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^application\/json/);
      assert.equal(res.headers['content-disposition'], `attachment; filename="person-${ids.ana}.json"`);
      assert.match(res.headers['cache-control'] as string, /no-store/);
      const data = JSON.parse(res.body);
      assert.deepEqual(data.organization, { slug: 'fnd', name: 'Faces Not Data' });
      assert.equal(data.person.id, ids.ana);
      assert.equal(data.person.email, 'ana@example.org');
      assert.equal(data.person.given_name, 'Ana');
      assert.equal(data.person.family_name, 'Ruiz');
      assert.equal(data.person.postal_code, '94110');
      assert.equal(data.person.country, 'US');
      assert.equal(data.person.language, 'en');
      assert.equal(data.person.email_status, 'subscribed');
      assert.equal(data.person.erased, false);
      assert.deepEqual(
        data.tags.map((t: { name: string }) => t.name),
        ['volunteer'],
      );
      assert.equal(data.consents.length, 1);
      assert.equal(data.consents[0].given, true);
      assert.equal(data.consents[0].action_type, 'petition');
      assert.equal(data.consents[0].action_title, 'Stop face surveillance');
      assert.match(data.consents[0].wording, /Faces Not Data/);
      assert.equal(data.signatures.length, 1);
      assert.deepEqual(data.signatures[0].petition, { id: petitionId, title: 'Stop face surveillance', slug: petitionSlug });
      assert.equal(data.signatures[0].comments, 'For my neighbours');
      assert.equal(data.signatures[0].source, 'email-1');
      assert.equal(data.signatures[0].referrer, 'https://news.example');
      assert.ok(data.signatures[0].confirmed_at);
      assert.deepEqual(data.signatures[0].shares_awaiting_confirmation, []);
      assert.doesNotMatch(res.body, /Elsewhere/, 'nothing from the other organization’s Ana');
      const audit = await db()
        .selectFrom('audit_events')
        .selectAll()
        .where('organization_id', '=', orgId)
        .where('action', '=', 'person.exported')
        .execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.subject, ids.ana);
      assert.equal(audit[0]!.user_id, organizer.userId);
    });

    it('erases a person after a confirmation page, keeping their signature and every count', async () => {
      const countBefore = await signatureCount(petitionId);
      const signaturesBefore = await db().selectFrom('signatures').select('id').where('petition_id', '=', petitionId).execute();
      assert.equal(countBefore, 3);

      // A share with a partner still waiting for confirmation is a consent too.
      await db().updateTable('signatures').set({ shared_with: JSON.stringify([{ id: otherOrgId, wording: 'Share with Other Coalition' }]) }).where('person_id', '=', ids.ana!).execute();

      const forbidden = await post(organizer, `/admin/people/${ids.ana}/erase`);
      assert.equal(forbidden.statusCode, 403, 'an organizer may not erase');

      const confirm = await get(owner, `/admin/people/${ids.ana}/erase`);
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /Erase Ana Ruiz\?/);
      assert.match(confirm.body, /This cannot be undone/);
      assert.match(confirm.body, /What they did stays \(1 petition signature\), with no name/, 'human nouns, and no zero counts');
      assert.doesNotMatch(confirm.body, /\b0 |open_letter_signatures|outreaches/);
      assert.match(confirm.body, /<form method="post" action="\/admin\/people\/[0-9a-f-]+\/erase">/);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(confirm.body)![1]!;

      const res = await post(owner, `/admin/people/${ids.ana}/erase`, {}, csrf);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<h1>Erased person<\/h1>/);
      assert.match(res.body, /This person was erased/);
      assert.doesNotMatch(res.body, /ana@example.org|Ruiz|For my neighbours|email-1|news\.example/);

      const person = await db().selectFrom('people').selectAll().where('id', '=', ids.ana!).executeTakeFirstOrThrow();
      for (const field of ['email', 'given_name', 'family_name', 'postal_code', 'country', 'language'] as const) {
        assert.equal(person[field], null, field);
      }
      assert.equal(person.email_status, 'unsubscribed');
      assert.equal(person.organization_id, orgId);
      assert.deepEqual(await db().selectFrom('taggings').selectAll().where('person_id', '=', ids.ana!).execute(), []);
      assert.deepEqual(await db().selectFrom('consents').selectAll().where('person_id', '=', ids.ana!).execute(), []);
      const signatures = await db().selectFrom('signatures').selectAll().where('person_id', '=', ids.ana!).execute();
      assert.equal(signatures.length, 1);
      assert.equal(signatures[0]!.comments, null);
      assert.equal(signatures[0]!.source, null);
      assert.equal(signatures[0]!.referrer, null);
      assert.equal(signatures[0]!.shared_with, null);
      assert.ok(signatures[0]!.confirmed_at, 'still a confirmed signature');
      assert.equal(await signatureCount(petitionId), countBefore, 'the petition’s count is unchanged');
      assert.equal((await db().selectFrom('signatures').select('id').where('petition_id', '=', petitionId).execute()).length, signaturesBefore.length);

      // The other organization's Ana is untouched.
      const otherAna = await db().selectFrom('people').selectAll().where('id', '=', ids.otherAna!).executeTakeFirstOrThrow();
      assert.equal(otherAna.email, 'ana@example.org');
      assert.equal(otherAna.family_name, 'Elsewhere');

      const audit = await db().selectFrom('audit_events').selectAll().where('action', '=', 'person.erased').execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.organization_id, orgId);
      assert.equal(audit[0]!.user_id, owner.userId);
      assert.equal(audit[0]!.subject, ids.ana);
      assert.doesNotMatch(audit[0]!.details, /ana|ruiz|example|94110/i, 'no personal data in the audit');

      assert.deepEqual(await search({ q: 'ana@example.org' }), [], 'no longer found by the old email');
      assert.deepEqual(await search({ q: 'ruiz' }), []);
      assert.deepEqual(await search({ tag: 'volunteer' }), [ids.ben]);
      const list = await get(owner, '/admin/people');
      assert.ok(listed(list.body).includes(ids.ana!), 'the erased record is still listed');
      assert.match(list.body, />Erased person</);

      // The confirmation page of an erased person leads back to their page; the export says erased.
      const again = await get(owner, `/admin/people/${ids.ana}/erase`);
      assert.equal(again.statusCode, 303);
      const exported = JSON.parse((await get(owner, `/admin/people/${ids.ana}/export.json`)).body);
      assert.equal(exported.person.erased, true);
      assert.equal(exported.person.email, null);
      assert.deepEqual(exported.tags, []);
      assert.deepEqual(exported.consents, []);
      assert.equal(exported.signatures.length, 1);
      assert.equal(exported.signatures[0].comments, null);
      const tag = await post(owner, `/admin/people/${ids.ana}/tags`, { tag: 'again' });
      assert.equal(tag.statusCode, 409, 'an erased person gathers no new tags');
    });

    it('lets several erased people share the null email, and a returning signer is a new person', async () => {
      const res = await post(owner, `/admin/people/${ids.evil}/erase`);
      assert.equal(res.statusCode, 200);
      const nulls = await db().selectFrom('people').select('id').where('organization_id', '=', orgId).where('email', 'is', null).execute();
      assert.equal(nulls.length, 2, 'two rows with a null email in one organization');
      const count = await signatureCount(petitionId);
      await sign(petitionSlug, { given_name: 'Ana', family_name: 'Ruiz', email: 'ana@example.org', postal_code: '94110' });
      const returning = await personId(orgId, 'ana@example.org');
      assert.notEqual(returning, ids.ana);
      assert.equal(await signatureCount(petitionId), count + 1);
    });

    it('gives a viewer 403 on every people route, and changes nothing', async () => {
      const before = await db().selectFrom('people').selectAll().where('id', '=', ids.ben!).executeTakeFirstOrThrow();
      for (const url of ['/admin/people', `/admin/people/${ids.ben}`, `/admin/people/${ids.ben}/export.json`, `/admin/people/${ids.ben}/erase`]) {
        const res = await get(viewer, url);
        assert.equal(res.statusCode, 403, url);
        assert.match(res.body, /Not allowed/);
        assert.doesNotMatch(res.body, /ben@example.org|Okafor/);
      }
      for (const [url, fields] of [
        [`/admin/people/${ids.ben}/tags`, { tag: 'viewer-tag' }],
        [`/admin/people/${ids.ben}/tags/remove`, { tag: 'donor' }],
        [`/admin/people/${ids.ben}/erase`, {}],
      ] as const) {
        const res = await post(viewer, url, fields);
        assert.equal(res.statusCode, 403, url);
        assert.match(res.body, /Not allowed/);
      }
      assert.deepEqual(await db().selectFrom('people').selectAll().where('id', '=', ids.ben!).executeTakeFirstOrThrow(), before);
      assert.deepEqual(
        (await search({ tag: 'donor' })).length,
        1,
        'the viewer removed no tag',
      );
      assert.equal((await db().selectFrom('audit_events').select('id').where('action', '=', 'person.exported').where('user_id', '=', viewer.userId).execute()).length, 0);
      const anonymous = await h.app.inject({ url: '/admin/people' });
      assert.equal(anonymous.statusCode, 303);
      assert.match(anonymous.headers.location as string, /^\/admin\/sign-in/);
    });

    it('answers another organization’s person id with a 404 page, never their data', async () => {
      const other = ids.otherAna!;
      const before = await db().selectFrom('people').selectAll().where('id', '=', other).executeTakeFirstOrThrow();
      for (const url of [`/admin/people/${other}`, `/admin/people/${other}/export.json`, `/admin/people/${other}/erase`, '/admin/people/not-an-id']) {
        const res = await get(owner, url);
        assert.equal(res.statusCode, 404, url);
        assert.match(res.body, /No such person/);
        assert.doesNotMatch(res.body, /Elsewhere|ana@example/);
      }
      for (const [url, fields] of [
        [`/admin/people/${other}/tags`, { tag: 'crossing' }],
        [`/admin/people/${other}/tags/remove`, { tag: 'other-only' }],
        [`/admin/people/${other}/erase`, {}],
      ] as const) {
        const res = await post(owner, url, fields);
        assert.equal(res.statusCode, 404, url);
        assert.doesNotMatch(res.body, /Elsewhere|ana@example/);
      }
      assert.deepEqual(await db().selectFrom('people').selectAll().where('id', '=', other).executeTakeFirstOrThrow(), before);
      const tags = await db().selectFrom('taggings').innerJoin('tags', 'tags.id', 'taggings.tag_id').select('tags.name').where('taggings.person_id', '=', other).execute();
      assert.deepEqual(tags, [{ name: 'other-only' }]);
      assert.equal((await db().selectFrom('audit_events').select('id').where('subject', '=', other).execute()).length, 0);
      // Its own owner sees it.
      const own = await get(otherOwner, `/admin/people/${other}`);
      assert.equal(own.statusCode, 200);
      assert.match(own.body, /Ana Elsewhere/);
    });
  });
}
