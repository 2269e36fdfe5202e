import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { apiOrganization, BASE, HAL, idOf, osdiPerson, type ApiClient } from './api-support.ts';
import { tagsOf } from '../src/actions/people/repository.ts';

for (const target of targets()) {
  describe(`API people and the person signup helper on ${target.name}`, () => {
    let h: Harness;
    let api: ApiClient;

    before(async () => {
      h = await harness(target);
      api = await apiOrganization(h, 'delta');
    });
    after(() => h.close());

    const db = () => h.ctx.database.db;
    const signup = (body: unknown) => api.post('/people', body);
    const peopleCount = async () =>
      Number((await db().selectFrom('people').select((eb) => eb.fn.countAll().as('n')).where('organization_id', '=', api.orgId).executeTakeFirstOrThrow()).n);

    it('creates a person with Action Network’s field names', async () => {
      const res = await signup({
        person: osdiPerson('ana@example.org', {
          email_addresses: [{ address: 'Ana@Example.org', status: 'subscribed', primary: true }],
          languages_spoken: ['es'],
        }),
        add_tags: ['volunteer'],
      });
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers['content-type'] as string, HAL);
      const p = res.body;
      const id = idOf(p);
      assert.deepEqual(p.identifiers, [`action_network:${id}`, `turnout:${id}`]);
      assert.equal(p.origin_system, undefined, 'a person has no origin_system at Action Network');
      assert.equal(p.preferred_language, undefined, 'languages_spoken is Action Network’s field');
      assert.equal(p.given_name, 'Ana');
      assert.equal(p.family_name, 'Ruiz');
      assert.deepEqual(p.email_addresses, [{ primary: true, address: 'ana@example.org', status: 'subscribed' }]);
      assert.deepEqual(p.postal_addresses, [{ primary: true, postal_code: '94110', country: 'US' }]);
      assert.deepEqual(p.languages_spoken, ['es']);
      assert.deepEqual(p.custom_fields, {});
      assert.ok(!Number.isNaN(Date.parse(p.created_date)));
      assert.ok(!Number.isNaN(Date.parse(p.modified_date)));
      assert.equal(p._links.self.href, `${BASE}/people/${id}`);
      assert.equal(p._links['osdi:signatures'].href, `${BASE}/people/${id}/signatures`);
      assert.equal(p._links.curies.length, 3);
      assert.deepEqual(await tagsOf(db(), id), ['volunteer']);
      const consent = await db().selectFrom('consents').selectAll().where('person_id', '=', id).execute();
      assert.deepEqual(consent.map((c) => [c.given, c.action_type, c.action_id]), [[1, 'person_signup', api.tokenId]]);
      assert.match(consent[0]!.wording, /through the API with the token "test"/);
      assert.ok(!consent[0]!.wording.includes(api.token), 'the consent never holds the secret');

      const got = await api.get(`/people/turnout:${id}`);
      assert.equal(got.status, 200);
      assert.deepEqual(got.body, p);
    });

    it('matches an existing person by normalized email and updates what was sent', async () => {
      const first = await signup({ person: osdiPerson('bo@example.org', { given_name: 'Bo', email_addresses: [{ address: 'bo@example.org', status: 'subscribed' }] }) });
      const before = await peopleCount();
      const again = await signup({
        person: {
          family_name: 'Nguyen',
          email_addresses: [{ address: '  BO@EXAMPLE.ORG ' }],
          postal_addresses: [{ postal_code: 'sw1a 1aa', country: 'gb' }],
        },
        add_tags: ['donor'],
      });
      assert.equal(again.status, 200, again.text);
      assert.deepEqual(again.body.identifiers, first.body.identifiers);
      assert.equal(await peopleCount(), before, 'no second person');
      assert.equal(again.body.given_name, 'Bo', 'a name left out is kept');
      assert.equal(again.body.family_name, 'Nguyen');
      assert.deepEqual(again.body.postal_addresses, [{ primary: true, postal_code: 'SW1A 1AA', country: 'GB' }]);
      assert.equal(again.body.email_addresses[0].status, 'subscribed', 'no status sent: the subscription stays');
      assert.deepEqual(await tagsOf(db(), idOf(again.body)), ['donor']);
    });

    it('subscribes a new person sent with no status, as Action Network does; unsubscribed is kept', async () => {
      const plain = await signup({ person: { email_addresses: [{ address: 'cy@example.org' }] } });
      assert.equal(plain.body.email_addresses[0].status, 'subscribed');
      assert.equal(plain.body.given_name, null);
      const out = await signup({ person: { email_addresses: [{ address: 'cy-out@example.org', status: 'unsubscribed' }] } });
      assert.equal(out.body.email_addresses[0].status, 'unsubscribed');
      const again = await signup({ person: { email_addresses: [{ address: 'cy-out@example.org' }] } });
      assert.equal(again.body.email_addresses[0].status, 'unsubscribed', 'someone on the list keeps their status when none is sent');
      const later = await signup({ person: { email_addresses: [{ address: 'cy-out@example.org', status: 'subscribed' }] } });
      assert.equal(later.body.email_addresses[0].status, 'subscribed');
      const off = await signup({ person: { email_addresses: [{ address: 'cy-out@example.org', status: 'unsubscribed' }] } });
      assert.equal(off.body.email_addresses[0].status, 'unsubscribed', 'the helper unsubscribes, as Action Network’s does');
      const consents = await db().selectFrom('consents').select(['given']).where('person_id', '=', idOf(off.body)).orderBy('created_at').orderBy('id').execute();
      assert.deepEqual(consents.map((c) => c.given).sort(), [0, 0, 1]);
    });

    it('uses the primary email address when several are sent', async () => {
      const res = await signup({
        person: { email_addresses: [{ address: 'old@example.org' }, { address: 'main@example.org', primary: true }] },
      });
      assert.equal(res.body.email_addresses[0].address, 'main@example.org');
    });

    it('rejects bad people with a 400 naming each field, and stores nothing', async () => {
      const before = await peopleCount();
      const cases: [unknown, RegExp][] = [
        [{}, /^person is required$/],
        [{ person: {} }, /^person\.email_addresses is required$/],
        [{ person: { email_addresses: [{ address: 'nope' }] } }, /person\.email_addresses\[0\]\.address: Enter an email address/],
        [{ person: { email_addresses: [{ address: 5 }] } }, /^person\.email_addresses\[0\]\.address must be a string$/],
        [{ person: { email_addresses: [{ address: 'a@example.org' }], given_name: 'x'.repeat(5000) } }, /person\.given_name: first name must be 100 characters or fewer/],
        [{ person: { email_addresses: [{ address: 'a@example.org' }], given_name: 'Ann\u0007' } }, /^body\.person\.given_name contains a control character \(U\+0007\)/],
        [{ person: { email_addresses: [{ address: 'a@example.org' }], given_name: 'Ann\u0085' } }, /person\.given_name: first name contains characters we cannot read/],
        [{ person: { email_addresses: [{ address: 'a@example.org' }], given_name: '\u200B\u2060' } }, /person\.given_name: first name must have letters or numbers we can see/],
        [{ person: { email_addresses: [{ address: 'a@example.org' }] }, add_tags: [1] }, /^add_tags\[0\] must be a string$/],
        [{ person: { email_addresses: [{ address: 'a@example.org' }] }, add_tags: ['t'.repeat(101)] }, /^add_tags\[0\] must be 100 characters or fewer$/],
        [{ person: { email_addresses: [{ address: 'a@example.org' }] }, add_tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, /^add_tags must have 50 items or fewer$/],
        [[], /^body must be a JSON object$/],
      ];
      for (const [body, message] of cases) {
        const res = await signup(body);
        assert.equal(res.status, 400, JSON.stringify(body).slice(0, 100));
        assert.match(res.headers['content-type'] as string, HAL);
        assert.match(res.body.error, message, JSON.stringify(body).slice(0, 100));
      }
      assert.equal(await peopleCount(), before);
    });

    it('lists the organization’s tags made by add_tags, and reads one', async () => {
      await signup({ person: { email_addresses: [{ address: 'tagged@example.org' }] }, add_tags: ['zz-phone-bank', 'zz-canvass'] });
      const res = await api.get(`/tags?filter=${encodeURIComponent("created_date gt '2000-01-01'")}&per_page=100`);
      assert.equal(res.status, 200);
      const names = res.body._embedded['osdi:tags'].map((t: { name: string }) => t.name);
      assert.ok(names.includes('zz-phone-bank') && names.includes('zz-canvass'), names.join());
      assert.deepEqual([...names].sort(), names, 'by name');
      assert.equal(res.body.total_records, names.length);
      const one = await api.get(`/tags?filter=${encodeURIComponent("name eq 'zz-canvass'")}`);
      assert.equal(one.body.total_records, 1);
      const tag = one.body._embedded['osdi:tags'][0];
      const got = await api.get(tag._links.self.href.slice(BASE.length));
      assert.equal(got.status, 200);
      assert.equal(got.body.name, 'zz-canvass');
      assert.deepEqual(got.body.identifiers, tag.identifiers);
      assert.equal((await api.get('/tags/00000000-0000-4000-8000-000000000000')).status, 404);
    });

    it('answers an unknown person with a JSON 404', async () => {
      const res = await api.get('/people/00000000-0000-4000-8000-000000000000');
      assert.equal(res.status, 404);
      assert.match(res.body.error, /No person with identifier/);
      assert.equal((await api.get('/people/../../etc/passwd')).status, 404);
    });
  });

  describe(`API people collection on ${target.name}`, () => {
    let h: Harness;
    let api: ApiClient;
    const ids: string[] = [];

    before(async () => {
      h = await harness(target);
      api = await apiOrganization(h, 'epsilon');
      const people = [
        ['Ana', 'Ruiz', '94110'],
        ['Bo', 'Nguyen', '10001'],
        ['Ana', 'Okafor', '94110'],
        ['Cy', 'Ruiz', '60601'],
        ['Di', "O'Brien", '02139'],
      ];
      for (const [i, [given, family, zip]] of people.entries()) {
        const res = await api.post('/people', {
          person: osdiPerson(`p${i}@example.org`, { given_name: given, family_name: family, postal_addresses: [{ postal_code: zip, country: 'US' }] }),
        });
        ids.push(idOf(res.body));
        const at = `2024-05-0${i + 1}T08:00:00.000Z`;
        await h.ctx.database.db.updateTable('people').set({ created_at: at, modified_at: `2024-06-0${5 - i}T08:00:00.000Z` }).where('id', '=', ids[i]!).execute();
      }
    });
    after(() => h.close());

    const people = async (query = '') => {
      const res = await api.get(`/people${query}`);
      assert.equal(res.status, 200, `${query}: ${res.text}`);
      return res.body;
    };
    const filtered = async (filter: string) => (await people(`?filter=${encodeURIComponent(filter)}`))._embedded['osdi:people'].map(idOf);

    it('lists people with paging counts and links', async () => {
      const all = await people();
      assert.equal(all.total_records, 5);
      assert.equal(all.total_pages, 1);
      assert.equal(all.page, 1);
      assert.equal(all.per_page, 25);
      assert.deepEqual(all._embedded['osdi:people'].map(idOf), ids);
      assert.equal(all._links.next, undefined);
      assert.equal(all._links['osdi:people'][0].href, `${BASE}/people/${ids[0]}`);
      const page2 = await people('?per_page=2&page=2');
      assert.equal(page2.total_pages, 3);
      assert.deepEqual(page2._embedded['osdi:people'].map(idOf), ids.slice(2, 4));
      assert.equal(page2._links.next.href, `${BASE}/people?page=3&per_page=2`);
      assert.equal(page2._links.previous.href, `${BASE}/people?page=1&per_page=2`);
      assert.equal(page2._embedded['osdi:people'][0].email_addresses[0].address, 'p2@example.org');
    });

    it('filters on every field Action Network documents for people', async () => {
      assert.deepEqual(await filtered("email_address eq 'P3@Example.org'"), [ids[3]]);
      assert.deepEqual(await filtered("given_name eq 'Ana'"), [ids[0], ids[2]]);
      assert.deepEqual(await filtered("family_name eq 'Ruiz'"), [ids[0], ids[3]]);
      assert.deepEqual(await filtered("family_name eq 'O''Brien'"), [ids[4]]);
      assert.deepEqual(await filtered("postal_code eq '94110'"), [ids[0], ids[2]]);
      assert.deepEqual(await filtered(`identifier eq 'turnout:${ids[1]}'`), [ids[1]]);
      assert.deepEqual(await filtered("created_date gt '2024-05-03'"), ids.slice(2));
      assert.deepEqual(await filtered("created_date lt '2024-05-03'"), ids.slice(0, 2));
      assert.deepEqual(await filtered("modified_date gt '2024-06-04'"), ids.slice(0, 2));
      assert.deepEqual(await filtered("modified_date eq '2024-06-03'"), [ids[2]]);
      assert.deepEqual(await filtered("given_name eq 'Ana' and postal_code eq '94110' and family_name eq 'Okafor'"), [ids[2]]);
      assert.deepEqual(await filtered("given_name eq 'Nobody'"), []);
    });

    it('rejects unfilterable fields and malformed filters', async () => {
      for (const [filter, message] of [
        ["email eq 'p1@example.org'", /cannot filter on "email"/],
        ["given_name gt 'A'", /given_name can only be filtered with eq/],
        ["given_name eq 'Ana' or", /malformed filter at "or"/],
        ["(given_name eq 'Ana'", /unbalanced parentheses/],
        ["created_date gt '2024-02-30'", /created_date must be compared with a date/],
        ["family_name eq 'Ruiz\u0000'", /^query\.filter contains a control character \(U\+0000\)/],
        ["family_name eq 'Ruiz\u0085'", /value for family_name contains control or invalid characters/],
      ] as const) {
        const res = await api.get(`/people?filter=${encodeURIComponent(filter)}`);
        assert.equal(res.status, 400, filter);
        assert.match(res.body.error, message, filter);
      }
    });
  });
}
