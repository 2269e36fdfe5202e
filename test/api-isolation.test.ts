import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { apiOrganization, idOf, osdiPerson, type ApiClient } from './api-support.ts';

// Organizations share an instance, never their data: everything org B's token can reach.
for (const target of targets()) {
  describe(`API organization isolation and hostile input on ${target.name}`, () => {
    let h: Harness;
    let a: ApiClient;
    let b: ApiClient;
    let petitionA: any;
    let signatureA: string;
    let personA: string;

    before(async () => {
      h = await harness(target);
      a = await apiOrganization(h, 'org-a');
      b = await apiOrganization(h, 'org-b');
      petitionA = (await a.post('/petitions', { title: 'Org A petition', petition_text: 'A only' })).body;
      const signed = await a.post(`/petitions/${idOf(petitionA)}/signatures`, { person: osdiPerson('signer-a@example.org'), add_tags: ['org-a-secret'] });
      signatureA = idOf(signed.body);
      personA = idOf(signed.body._embedded['osdi:person']);
      // And one signer through the public form.
      const slug = new URL(petitionA.browser_url).pathname.split('/').pop();
      const page = await h.app.inject({
        method: 'POST',
        url: `/petitions/${slug}`,
        headers: FORM,
        payload: form({ given_name: 'Form', family_name: 'Signer', email: 'form-a@example.org', postal_code: '94110', country: 'US' }),
      });
      assert.equal(page.statusCode, 303);
    });
    after(() => h.close());

    const db = () => h.ctx.database.db;
    const count = async (table: 'people' | 'signatures' | 'petitions' | 'tags' | 'jobs') =>
      Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    it('lets org A read its own petition, signature and person (the ids are real)', async () => {
      const id = idOf(petitionA);
      assert.equal((await a.get(`/petitions/${id}`)).status, 200);
      assert.equal((await a.get(`/petitions/${id}/signatures/${signatureA}`)).status, 200);
      assert.equal((await a.get(`/people/${personA}`)).status, 200);
      assert.equal((await a.get('/people')).body.total_records, 2);
      assert.equal((await a.get(`/petitions/${id}`)).body.total_signatures, 2);
    });

    it('answers org B with 404 for every org A id, as if it did not exist', async () => {
      const id = idOf(petitionA);
      for (const path of [
        `/petitions/${id}`,
        `/petitions/turnout:${id}`,
        `/petitions/${id}/signatures`,
        `/petitions/${id}/signatures/${signatureA}`,
        `/people/${personA}`,
        `/people/${personA}/signatures`,
        `/people/${personA}/signatures/${signatureA}`,
      ]) {
        const res = await b.get(path);
        assert.equal(res.status, 404, path);
        assert.deepEqual(Object.keys(res.body), ['error'], path);
        assert.doesNotMatch(res.text, /Org A petition|signer-a/, path);
      }
    });

    it('does not let org B update org A’s petition', async () => {
      const res = await b.put(`/petitions/${idOf(petitionA)}`, { title: 'Taken over' });
      assert.equal(res.status, 404);
      assert.equal((await a.get(`/petitions/${idOf(petitionA)}`)).body.title, 'Org A petition');
    });

    it('does not let org B sign through org A’s petition', async () => {
      const [people, signatures] = [await count('people'), await count('signatures')];
      const res = await b.post(`/petitions/${idOf(petitionA)}/signatures`, { person: osdiPerson('intruder@example.org'), add_tags: ['x'] });
      assert.equal(res.status, 404);
      assert.equal(await count('people'), people);
      assert.equal(await count('signatures'), signatures);
      assert.equal((await a.get(`/petitions/${idOf(petitionA)}`)).body.total_signatures, 2);
    });

    it('keeps org A’s people and petitions out of org B’s lists and filters', async () => {
      const people = await b.get('/people');
      assert.equal(people.status, 200);
      assert.equal(people.body.total_records, 0);
      assert.deepEqual(people.body._embedded['osdi:people'], []);
      assert.doesNotMatch(people.text, /signer-a|form-a/);
      for (const filter of ["email_address eq 'signer-a@example.org'", `identifier eq '${personA}'`, "given_name eq 'Ana'"]) {
        const res = await b.get(`/people?filter=${encodeURIComponent(filter)}`);
        assert.equal(res.body.total_records, 0, filter);
      }
      const tagsA = (await a.get('/tags')).body;
      assert.deepEqual(tagsA._embedded['osdi:tags'].map((t: { name: string }) => t.name), ['org-a-secret']);
      const tagsB = await b.get('/tags');
      assert.equal(tagsB.body.total_records, 0);
      assert.equal((await b.get(`/tags/${idOf(tagsA._embedded['osdi:tags'][0])}`)).status, 404);
      const petitions = await b.get('/petitions');
      assert.equal(petitions.body.total_records, 0);
      const byId = await b.get(`/petitions?filter=${encodeURIComponent(`identifier eq '${idOf(petitionA)}'`)}`);
      assert.equal(byId.body.total_records, 0);
    });

    it('makes the same email a separate person in each organization', async () => {
      const own = (await b.post('/petitions', { title: 'Org B petition' })).body;
      const res = await b.post(`/petitions/${idOf(own)}/signatures`, {
        person: osdiPerson('signer-a@example.org', { given_name: 'Changed' }),
      });
      assert.equal(res.status, 200);
      const personB = idOf(res.body._embedded['osdi:person']);
      assert.notEqual(personB, personA);
      assert.equal((await a.get(`/people/${personA}`)).body.given_name, 'Ana', 'org A’s record is untouched');
      assert.equal((await b.get('/people')).body.total_records, 1);
      assert.equal((await a.get(`/people/${personB}`)).status, 404);
    });

    it('rejects malformed JSON with a 400 and stores nothing', async () => {
      const before = await Promise.all([count('people'), count('signatures'), count('petitions')]);
      for (const [url, payload] of [
        ['/api/v2/petitions', '{"title": "half'],
        [`/api/v2/petitions/${idOf(petitionA)}/signatures`, '{"person": {"email_addresses": [{"address": "x@example.org"}]},}'],
        ['/api/v2/people', "{'person': 1}"],
        ['/api/v2/people', '{"__proto__": {"admin": true}, "person": {}}'],
      ]) {
        const res = await h.app.inject({ method: 'POST', url: url!, headers: { 'osdi-api-token': a.token, 'content-type': 'application/json' }, payload });
        assert.equal(res.statusCode, 400, payload);
        assert.match(res.headers['content-type'] as string, /application\/hal\+json/);
        assert.equal(typeof res.json().error, 'string', payload);
      }
      const bad = await h.app.inject({ method: 'POST', url: '/api/v2/petitions', headers: { 'osdi-api-token': a.token, 'content-type': 'application/json' }, payload: '{"title": "half' });
      assert.deepEqual(bad.json(), { error: 'Malformed JSON in request body' });
      assert.deepEqual(await Promise.all([count('people'), count('signatures'), count('petitions')]), before);
    });

    it('rejects an empty body, another content type, and a 10 MB body with clear 4xx JSON', async () => {
      const headers = { 'osdi-api-token': a.token };
      const empty = await h.app.inject({ method: 'POST', url: '/api/v2/people', headers: { ...headers, 'content-type': 'application/json' }, payload: '' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.json().error, /empty/);
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const res = await h.app.inject({ method: 'POST', url: '/api/v2/people', headers: { ...headers, 'content-type': type }, payload: 'person=x' });
        assert.equal(res.statusCode, 415, type);
        assert.match(res.json().error, /send application\/json/, type);
      }
      const none = await h.app.inject({ method: 'POST', url: '/api/v2/people', headers, payload: 'x' });
      assert.equal(none.statusCode, 415);
      const hal = await h.app.inject({
        method: 'POST',
        url: '/api/v2/people',
        headers: { ...headers, 'content-type': 'application/hal+json; charset=utf-8' },
        payload: JSON.stringify({ person: { email_addresses: [{ address: 'hal@example.org' }] } }),
      });
      assert.equal(hal.statusCode, 200, 'HAL+JSON bodies are JSON too');
      const halBad = await h.app.inject({ method: 'POST', url: '/api/v2/people', headers: { ...headers, 'content-type': 'application/hal+json' }, payload: '{"person":' });
      assert.equal(halBad.statusCode, 400);
      const before = await count('people');
      const huge = JSON.stringify({ person: osdiPerson('big@example.org', { given_name: 'x'.repeat(10 * 1024 * 1024) }) });
      const big = await h.app.inject({ method: 'POST', url: '/api/v2/people', headers: { ...headers, 'content-type': 'application/json' }, payload: huge });
      assert.equal(big.statusCode, 413);
      assert.match(big.headers['content-type'] as string, /application\/hal\+json/);
      assert.deepEqual(big.json(), { error: 'Request body too large' });
      assert.equal(await count('people'), before);
    });

    it('refuses an unauthenticated 10 MB body with 403 before reading it', async () => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v2/people',
        headers: { 'content-type': 'application/json' },
        payload: 'x'.repeat(10 * 1024 * 1024),
      });
      assert.equal(res.statusCode, 403);
    });
  });
}
