import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { apiOrganization, BASE, HAL, idOf, type ApiClient } from './api-support.ts';
import { tagsOf } from '../src/actions/people/repository.ts';
import { erasePerson } from '../src/people/service.ts';

// People, tags and taggings against Action Network's documented examples (actionnetwork.org/docs/v2:
// people, person_signup_helper, tags, taggings, custom_fields, general principles).

// The person of Action Network's person signup helper example.
const anPerson = (email: string) => ({
  family_name: 'Smith',
  given_name: 'John',
  postal_addresses: [{ address_lines: ['1600 Pennsylvania Ave'], locality: 'Washington', region: 'DC', postal_code: '20009', country: 'US' }],
  email_addresses: [{ address: email }],
  phone_numbers: [{ number: '12025551212', number_type: 'Mobile', status: 'subscribed' }],
  custom_fields: { volunteer_interest: 'canvassing', 'Preferred shift': 'mornings' },
});

for (const target of targets()) {
  describe(`API people as Action Network clients speak them on ${target.name}`, () => {
    let h: Harness;
    let api: ApiClient;
    let other: ApiClient;

    before(async () => {
      h = await harness(target);
      api = await apiOrganization(h, 'an-people');
      other = await apiOrganization(h, 'an-other');
    });
    after(() => h.close());

    const db = () => h.ctx.database.db;
    const consentsOf = (id: string) => db().selectFrom('consents').selectAll().where('person_id', '=', id).orderBy('created_at').orderBy('id').execute();

    it('keeps every field of Action Network’s signup example and answers with its person shape', async () => {
      const res = await api.post('/people', { person: anPerson('jsmith@mail.com'), add_tags: ['volunteer', 'member'] });
      assert.equal(res.status, 200, res.text);
      const p = res.body;
      const id = idOf(p);
      assert.deepEqual(p.identifiers, [`action_network:${id}`, `turnout:${id}`]);
      assert.deepEqual(p.postal_addresses, [
        { primary: true, address_lines: ['1600 Pennsylvania Ave'], locality: 'Washington', region: 'DC', postal_code: '20009', country: 'US' },
      ]);
      assert.deepEqual(p.phone_numbers, [{ primary: true, number: '12025551212' }]);
      assert.deepEqual(p.custom_fields, { 'Preferred shift': 'mornings', volunteer_interest: 'canvassing' });
      assert.deepEqual(p.email_addresses, [{ primary: true, address: 'jsmith@mail.com', status: 'subscribed' }]);
      assert.deepEqual(
        Object.keys(p).filter((k) => k !== '_links').sort(),
        ['created_date', 'custom_fields', 'email_addresses', 'family_name', 'given_name', 'identifiers', 'languages_spoken', 'modified_date', 'phone_numbers', 'postal_addresses'],
        'exactly Action Network’s person fields',
      );
      assert.equal(p._links['osdi:taggings'].href, `${BASE}/people/${id}/taggings`);
      assert.deepEqual(await tagsOf(db(), id), ['member', 'volunteer']);
      const [consent, ...more] = await consentsOf(id);
      assert.equal(more.length, 0);
      assert.equal(consent!.given, 1, 'a new person with no status is subscribed: the organization vouches for consent');
      assert.equal(consent!.action_type, 'person_signup');
      assert.equal(consent!.action_id, api.tokenId);
      assert.match(consent!.wording, /API with the token "test"/);
      // A repeat with fewer fields keeps what is stored.
      const again = await api.post('/people', { person: { email_addresses: [{ address: 'JSmith@mail.com' }], custom_fields: { volunteer_interest: 'phone banking' } } });
      assert.deepEqual(again.body.postal_addresses, p.postal_addresses);
      assert.deepEqual(again.body.phone_numbers, p.phone_numbers);
      assert.deepEqual(again.body.custom_fields, { 'Preferred shift': 'mornings', volunteer_interest: 'phone banking' });
      assert.equal((await consentsOf(id)).length, 1, 'no status sent for someone on the list: no new consent');
    });

    it('finds a person by either identifier, in URLs and in filters', async () => {
      const id = idOf((await api.post('/people', { person: { email_addresses: [{ address: 'ids@example.org' }] } })).body);
      for (const ref of [id, `action_network:${id}`, `turnout:${id}`, id.toUpperCase()]) {
        const res = await api.get(`/people/${ref}`);
        assert.equal(res.status, 200, ref);
        assert.equal(idOf(res.body), id);
      }
      for (const prefix of ['action_network', 'turnout']) {
        const res = await api.get(`/people?filter=${encodeURIComponent(`identifier eq '${prefix}:${id}'`)}`);
        assert.deepEqual(res.body._embedded['osdi:people'].map(idOf), [id], prefix);
      }
      assert.equal((await api.get(`/people?filter=${encodeURIComponent(`identifier eq 'salsa:${id}'`)}`)).body.total_records, 0);
      assert.equal((await api.get(`/people/salsa:${id}`)).status, 404);
      const tag = (await api.post('/tags', { name: 'ids-tag' })).body;
      assert.deepEqual(tag.identifiers, [`action_network:${idOf(tag)}`, `turnout:${idOf(tag)}`]);
      assert.equal((await api.get(`/tags/action_network:${idOf(tag)}`)).status, 200);
    });

    it('updates a person with PUT, merging as Action Network does', async () => {
      const id = idOf((await api.post('/people', { person: anPerson('put@example.org') })).body);
      const res = await api.put(`/people/action_network:${id}`, {
        given_name: 'Johnny',
        postal_addresses: [{ locality: 'Baltimore', region: 'MD', postal_code: '21201' }],
        languages_spoken: ['fr', 'es-MX'],
        custom_fields: { volunteer_interest: null, shirt: 'L' },
        identifiers: ['foreign_system:1'],
        _links: { self: { href: 'ignored' } },
        whatever: { unknown: true },
      });
      assert.equal(res.status, 200, res.text);
      const p = res.body;
      assert.equal(p.given_name, 'Johnny');
      assert.equal(p.family_name, 'Smith', 'a field left out stays');
      assert.deepEqual(p.postal_addresses, [
        { primary: true, address_lines: ['1600 Pennsylvania Ave'], locality: 'Baltimore', region: 'MD', postal_code: '21201', country: 'US' },
      ]);
      assert.deepEqual(p.languages_spoken, ['es']);
      assert.deepEqual(p.custom_fields, { 'Preferred shift': 'mornings', shirt: 'L' }, 'null deletes a custom field');
      assert.deepEqual(p.email_addresses[0], { primary: true, address: 'put@example.org', status: 'subscribed' });
      assert.deepEqual(p.identifiers, [`action_network:${id}`, `turnout:${id}`, 'foreign_system:1'], 'identifiers sent are kept');
      assert.ok(p.modified_date >= p.created_date);
      const cleared = await api.put(`/people/${id}`, { family_name: null, phone_numbers: null, postal_addresses: [{ address_lines: [] }] });
      assert.equal(cleared.status, 200, cleared.text);
      assert.equal(cleared.body.family_name, null);
      assert.deepEqual(cleared.body.phone_numbers, []);
      assert.equal(cleared.body.postal_addresses[0].address_lines, undefined);
      assert.deepEqual((await api.get(`/people/${id}`)).body.custom_fields, p.custom_fields);
      const moved = await api.put(`/people/${id}`, { email_addresses: [{ address: 'New@Example.org' }] });
      assert.equal(moved.body.email_addresses[0].address, 'new@example.org');
    });

    const identifierRows = () => db().selectFrom('api_identifiers').selectAll().where('organization_id', '=', api.orgId).where('resource_type', '=', 'person').execute();
    const findByIdentifier = async (client: ApiClient, identifier: string) => {
      const res = await client.get(`/people?filter=${encodeURIComponent(`identifier eq '${identifier}'`)}`);
      assert.equal(res.status, 200, res.text);
      return (res.body._embedded['osdi:people'] as { identifiers: string[] }[]).map(idOf);
    };

    it('keeps the identifiers other systems send on the signup helper and PUT, shows them and finds the person by them', async () => {
      const made = await api.post('/people', { person: { ...anPerson('crm@example.org'), identifiers: ['mycrm:42', 'action_network:ignored-own', ' mycrm:42 '] } });
      assert.equal(made.status, 200, made.text);
      const id = idOf(made.body);
      assert.deepEqual(made.body.identifiers, [`action_network:${id}`, `turnout:${id}`, 'mycrm:42'], 'turnout’s own first; its own namespaces are not kept');
      assert.deepEqual(await findByIdentifier(api, 'mycrm:42'), [id]);
      assert.deepEqual(await findByIdentifier(other, 'mycrm:42'), [], 'each organization its own identifiers');
      assert.deepEqual(await findByIdentifier(api, 'mycrm:43'), []);

      // The helper matching the person by email adds to what they have; a repeat keeps one of each.
      const again = await api.post('/people', { person: { email_addresses: [{ address: 'CRM@example.org' }], identifiers: ['mycrm:42', 'mail_tool:abc'] } });
      assert.equal(again.status, 200, again.text);
      assert.equal(idOf(again.body), id);
      assert.deepEqual(again.body.identifiers.slice(2), ['mycrm:42', 'mail_tool:abc']);

      const put = await api.put(`/people/${id}`, { given_name: 'Jon', identifiers: ['sheet:row-7'] });
      assert.equal(put.status, 200, put.text);
      assert.deepEqual(put.body.identifiers.slice(2).sort(), ['mail_tool:abc', 'mycrm:42', 'sheet:row-7'], 'PUT adds, never removes');
      assert.deepEqual((await api.get(`/people/${id}`)).body.identifiers, put.body.identifiers);
      const listed = await api.get(`/people?filter=${encodeURIComponent("identifier eq 'sheet:row-7' or identifier eq 'nothing:1'")}`);
      assert.deepEqual(listed.body._embedded['osdi:people'][0].identifiers, put.body.identifiers, 'a listed person shows them too');
      assert.equal(listed.body.total_records, 1);

      for (const bad of [['no-colon'], ['sys:with\nbreak'], [42]]) {
        const res = await api.put(`/people/${id}`, { identifiers: bad });
        assert.equal(res.status, 400, `${JSON.stringify(bad)}: ${res.text}`);
        assert.match(res.body.error, /identifiers/);
      }
      const signupBad = await api.post('/people', { person: { ...anPerson('bad-id@example.org'), identifiers: ['x'] } });
      assert.equal(signupBad.status, 400, signupBad.text);
    });

    it('refuses an identifier another person has with a 409, writing nothing', async () => {
      const owner = idOf((await api.post('/people', { person: { ...anPerson('owner@example.org'), identifiers: ['mycrm:500'] } })).body);
      const rows = (await identifierRows()).length;
      const people = async () => Number((await db().selectFrom('people').select((eb) => eb.fn.countAll().as('n')).where('organization_id', '=', api.orgId).executeTakeFirstOrThrow()).n);
      const before = await people();

      const clash = await api.post('/people', { person: { ...anPerson('newcomer@example.org'), identifiers: ['mycrm:501', 'mycrm:500'] } });
      assert.equal(clash.status, 409, clash.text);
      assert.match(clash.body.error, /mycrm:500.*another person/);
      assert.equal(await people(), before, 'the new person is not written');
      assert.equal((await identifierRows()).length, rows, 'nor any identifier');
      const background = await api.post('/people?background_request=true', { person: { ...anPerson('newcomer@example.org'), identifiers: ['mycrm:500'] } });
      assert.equal(background.status, 409, 'a background request that cannot be written says so');
      assert.equal(await people(), before);

      const someone = idOf((await api.post('/people', { person: anPerson('someone@example.org') })).body);
      const put = await api.put(`/people/${someone}`, { given_name: 'Changed', identifiers: ['mycrm:502', 'mycrm:500'] });
      assert.equal(put.status, 409, put.text);
      const after = (await api.get(`/people/${someone}`)).body;
      assert.equal(after.given_name, 'John', 'the PUT changed nothing');
      assert.deepEqual(after.identifiers, [`action_network:${someone}`, `turnout:${someone}`]);
      assert.deepEqual(await findByIdentifier(api, 'mycrm:500'), [owner]);
      assert.deepEqual(await findByIdentifier(api, 'mycrm:502'), []);
      // Another kind of record's identifier clashes too: an identifier names one record.
      await db().insertInto('api_identifiers').values({ organization_id: api.orgId, identifier: 'mycal:9', resource_type: 'event', resource_id: owner, created_at: new Date().toISOString() }).execute();
      assert.equal((await api.put(`/people/${someone}`, { identifiers: ['mycal:9'] })).status, 409);
    });

    it('deletes a person’s identifiers, and their records’, when the person is erased', async () => {
      const id = idOf((await api.post('/people', { person: { ...anPerson('forget-me@example.org'), identifiers: ['mycrm:forget-me'] } })).body);
      const bystander = idOf((await api.post('/people', { person: { ...anPerson('stay@example.org'), identifiers: ['mycrm:stay'] } })).body);
      const petition = idOf((await api.post('/petitions', { title: 'Erase ids', petition_text: 'Act.', 'turnout:confirmation_required': false })).body);
      const signed = await api.post(`/petitions/${petition}/signatures`, { person: anPerson('forget-me@example.org') });
      assert.equal(signed.status, 200, signed.text);
      assert.deepEqual(signed.body._embedded['osdi:person'].identifiers, [`action_network:${id}`, `turnout:${id}`, 'mycrm:forget-me'], 'the embedded person shows them');
      const tagged = await api.put(`/petitions/${petition}/signatures/${idOf(signed.body)}`, { identifiers: ['mycrm:sig-forget-me'] });
      assert.equal(tagged.status, 200, tagged.text);
      const erased = await erasePerson(db(), api.orgId, id, h.ctx.capabilities);
      assert.equal(erased?.identifiers_deleted, 2);
      const left = await db().selectFrom('api_identifiers').select('identifier').where('organization_id', '=', api.orgId).where('identifier', 'like', 'mycrm:%forget-me').execute();
      assert.deepEqual(left, []);
      assert.deepEqual(await findByIdentifier(api, 'mycrm:forget-me'), []);
      assert.deepEqual((await api.get(`/people/${id}`)).body.identifiers, [`action_network:${id}`, `turnout:${id}`]);
      assert.deepEqual(await findByIdentifier(api, 'mycrm:stay'), [bystander], 'another person keeps theirs');
    });

    it('unsubscribes through PUT and records the consent withdrawn, naming the token', async () => {
      const id = idOf((await api.post('/people', { person: { email_addresses: [{ address: 'leave@example.org' }] } })).body);
      const res = await api.put(`/people/${id}`, { email_addresses: [{ address: 'leave@example.org', status: 'unsubscribed' }] });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.email_addresses[0].status, 'unsubscribed');
      const person = await db().selectFrom('people').select('email_status').where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(person.email_status, 'unsubscribed');
      const consents = await consentsOf(id);
      assert.deepEqual(consents.map((c) => [c.given, c.action_type, c.action_id]), [
        [1, 'person_signup', api.tokenId],
        [0, 'person_update', api.tokenId],
      ]);
      assert.match(consents[1]!.wording, /^Unsubscribed through the API with the token "test"/);
      await api.put(`/people/${id}`, { email_addresses: [{ address: 'leave@example.org', status: 'unsubscribed' }] });
      assert.equal((await consentsOf(id)).length, 2, 'the same status again records nothing');
      const back = await api.put(`/people/${id}`, { email_addresses: [{ address: 'leave@example.org', status: 'subscribed' }] });
      assert.equal(back.body.email_addresses[0].status, 'subscribed');
      assert.equal((await consentsOf(id)).at(-1)!.given, 1);
    });

    it('refuses a PUT with wrong types naming the field; another organization’s id and a bad id are 404s', async () => {
      const id = idOf((await api.post('/people', { person: { email_addresses: [{ address: 'bad-put@example.org' }], given_name: 'Kept' } })).body);
      for (const [body, message] of [
        [{ given_name: 5 }, /^given_name must be a string or null$/],
        [{ email_addresses: [{ address: 'x@example.org', status: 'maybe' }] }, /^email_addresses\[0\]\.status must be /],
        [{ email_addresses: [{ address: 'not an email' }] }, /email_addresses\[0\]\.address: Enter an email address/],
        [{ email_addresses: [] }, /^email_addresses must have at least 1 item$/],
        [{ postal_addresses: [{ postal_code: 'nope!', country: 'US' }] }, /postal_addresses\[0\]\.postal_code/],
        [{ phone_numbers: [{ number: '12' }] }, /^phone_numbers\[0\]\.number must be a phone number/],
        [{ custom_fields: { shirt: 3 } }, /^custom_fields\.shirt must be a string or null$/],
        [{ custom_fields: { '': 'x' } }, /custom field name must not be empty/],
        [{ languages_spoken: 'es' }, /^languages_spoken must be an array or null$/],
      ] as const) {
        const res = await api.put(`/people/${id}`, body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(res.body.error, message, JSON.stringify(body));
      }
      assert.equal((await api.get(`/people/${id}`)).body.given_name, 'Kept', 'nothing half-written');
      const taken = await api.put(`/people/${id}`, { email_addresses: [{ address: 'ids@example.org' }] });
      assert.equal(taken.status, 409, 'another person has that email');
      for (const ref of [id, `action_network:${id}`]) assert.equal((await other.put(`/people/${ref}`, { given_name: 'Stolen' })).status, 404);
      for (const ref of ['None', 'null', 'undefined', '%20', 'action_network:None']) {
        const res = await api.put(`/people/${ref}`, { given_name: 'X' });
        assert.equal(res.status, 404, ref);
        assert.match(res.body.error, /No person with identifier/);
      }
      assert.equal((await api.get(`/people/${id}`)).body.given_name, 'Kept');
    });

    it('answers background_request=true at once with an empty body, the person still written', async () => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v2/people?background_request=true',
        headers: { 'osdi-api-token': api.token, 'content-type': 'application/json' },
        payload: JSON.stringify({ person: anPerson('later@example.org'), add_tags: ['bg'] }),
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.body, '');
      const found = await api.get(`/people?filter=${encodeURIComponent("email_address eq 'later@example.org'")}`);
      assert.equal(found.body.total_records, 1, 'answered only once written');
      assert.deepEqual(await tagsOf(db(), idOf(found.body._embedded['osdi:people'][0])), ['bg']);
      const bad = await h.app.inject({
        method: 'POST',
        url: '/api/v2/people?background_request=yes',
        headers: { 'osdi-api-token': api.token, 'content-type': 'application/json' },
        payload: JSON.stringify({ person: anPerson('later2@example.org') }),
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error, /background_request must be true or false/);
    });

    it('creates tags by name, a repeat answering the same tag', async () => {
      const made = await api.post('/tags', { name: 'Volunteers' });
      assert.equal(made.status, 200, made.text);
      assert.equal(made.body.name, 'Volunteers');
      assert.equal(made.body.origin_system, undefined);
      assert.equal(made.body._links['osdi:taggings'].href, `${BASE}/tags/${idOf(made.body)}/taggings`);
      const again = await api.post('/tags', { name: ' Volunteers ' });
      assert.deepEqual(again.body.identifiers, made.body.identifiers);
      assert.equal((await other.post('/tags', { name: 'Volunteers' })).body.identifiers[0] === made.body.identifiers[0], false, 'each organization its own tags');
      for (const [body, message] of [
        [{}, /^name is required$/],
        [{ name: 7 }, /^name must be a string$/],
        [{ name: '   ' }, /^name must not be empty$/],
        [{ name: 'x'.repeat(101) }, /^name must be 100 characters or fewer$/],
      ] as const) {
        const res = await api.post('/tags', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(res.body.error, message);
      }
    });

    it('tags people through taggings with Action Network’s fields and links', async () => {
      const tag = (await api.post('/tags', { name: 'Canvassers' })).body;
      const tagId = idOf(tag);
      const person = (await api.post('/people', { person: { email_addresses: [{ address: 'tagme@example.org' }] } })).body;
      const personId = idOf(person);
      // Action Network's documented body: the person's link.
      const made = await api.post(`/tags/${tagId}/taggings`, { _links: { 'osdi:person': { href: `${BASE}/people/${personId}` } } });
      assert.equal(made.status, 200, made.text);
      const t = made.body;
      const taggingId = idOf(t);
      assert.deepEqual(t.identifiers, [`action_network:${taggingId}`, `turnout:${taggingId}`]);
      assert.equal(t.item_type, 'osdi:person');
      assert.equal(t._links.self.href, `${BASE}/tags/${tagId}/taggings/${taggingId}`);
      assert.equal(t._links['osdi:tag'].href, `${BASE}/tags/${tagId}`);
      assert.equal(t._links['osdi:person'].href, `${BASE}/people/${personId}`);
      assert.ok(t.created_date && t.modified_date);
      assert.deepEqual(await tagsOf(db(), personId), ['Canvassers']);
      // OSDI's body, naming the person by identifier: the same tagging, once per person.
      const repeat = await api.post(`/tags/action_network:${tagId}/taggings`, { person: { identifiers: [`action_network:${personId}`] } });
      assert.deepEqual(repeat.body.identifiers, t.identifiers);

      const list = await api.get(`/tags/${tagId}/taggings`);
      assert.equal(list.status, 200);
      assert.equal(list.body.total_records, 1);
      assert.deepEqual(list.body._embedded['osdi:taggings'].map(idOf), [taggingId]);
      const mine = await api.get(`/people/${personId}/taggings`);
      assert.deepEqual(mine.body._embedded['osdi:taggings'].map(idOf), [taggingId]);
      const one = await api.get(`/tags/${tagId}/taggings/action_network:${taggingId}`);
      assert.equal(one.status, 200);
      assert.match(one.headers['content-type'] as string, HAL);
      assert.equal(one.body._links['osdi:person'].href, `${BASE}/people/${personId}`);

      assert.equal((await other.get(`/tags/${tagId}/taggings`)).status, 404);
      assert.equal((await other.get(`/tags/${tagId}/taggings/${taggingId}`)).status, 404);
      assert.equal((await other.delete(`/tags/${tagId}/taggings/${taggingId}`)).status, 404);
      const stranger = idOf((await other.post('/people', { person: { email_addresses: [{ address: 'stranger@example.org' }] } })).body);
      assert.equal((await api.post(`/tags/${tagId}/taggings`, { _links: { 'osdi:person': { href: `${BASE}/people/${stranger}` } } })).status, 404);
      assert.equal((await api.post(`/tags/${tagId}/taggings`, {})).status, 400);
      assert.equal((await api.post(`/tags/${tagId}/taggings`, { _links: { 'osdi:person': { href: 'https://example.org/' } } })).status, 400);
      assert.equal((await api.post('/tags/None/taggings', { person: { identifiers: [`action_network:${personId}`] } })).status, 404);

      const gone = await api.delete(`/tags/${tagId}/taggings/${taggingId}`);
      assert.equal(gone.status, 200, gone.text);
      assert.match(gone.body.notice, /deleted/);
      assert.deepEqual(await tagsOf(db(), personId), []);
      assert.equal((await api.get(`/tags/${tagId}/taggings/${taggingId}`)).status, 404);
      assert.equal((await api.delete(`/tags/${tagId}/taggings/${taggingId}`)).status, 404);
    });

    it('lists the organization’s custom field names as Action Network’s metadata', async () => {
      const meta = await api.get('/metadata');
      assert.equal(meta.status, 200);
      assert.equal(meta.body._links['action_network:custom_fields'].href, `${BASE}/metadata/custom_fields`);
      const res = await api.get('/metadata/custom_fields');
      assert.equal(res.status, 200);
      const names = res.body['action_network:custom_fields'].map((f: { name: string }) => f.name);
      assert.deepEqual(names, ['Preferred shift', 'shirt', 'volunteer_interest']);
      const field = res.body['action_network:custom_fields'][0];
      assert.ok(!Number.isNaN(Date.parse(field.created_date)) && !Number.isNaN(Date.parse(field.modified_date)));
      assert.equal(res.body._links.self.href, `${BASE}/metadata/custom_fields`);
      assert.deepEqual((await other.get('/metadata/custom_fields')).body['action_network:custom_fields'], []);
    });

    it('answers a missing or wrong key as Action Network does', async () => {
      for (const headers of [{}, { 'osdi-api-token': 'tnt_wrong' }]) {
        const aep = await h.app.inject({ url: '/api/v2/', headers });
        assert.equal(aep.statusCode, 200);
        assert.equal(aep.json().motd.length > 0, true);
        assert.deepEqual(Object.keys(aep.json()._links).sort(), ['curies', 'self'], 'no collection links without a key');
        for (const url of ['/api/v2/people', '/api/v2/tags', '/api/v2/metadata/custom_fields', '/api/v2/people/None']) {
          const res = await h.app.inject({ url, headers });
          assert.equal(res.statusCode, 403, url);
          assert.deepEqual(res.json(), { error: 'API Key invalid or not present' });
        }
        const post = await h.app.inject({ method: 'POST', url: '/api/v2/people', headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify({ person: anPerson('nokey@example.org') }) });
        assert.equal(post.statusCode, 403);
      }
      const withKey = await api.get('/');
      assert.equal(withKey.body._links['osdi:people'].href, `${BASE}/people`);
      assert.equal(withKey.body._links['osdi:tags'].href, `${BASE}/tags`);
    });
  });
}
