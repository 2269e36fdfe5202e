import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { apiOrganization, BASE, HAL, idOf, osdiPerson, type ApiClient } from './api-support.ts';
import { createPetition } from '../src/petitions/service.ts';
import { tagsOf } from '../src/actions/people/repository.ts';
import { nowIso } from '../src/util/ids.ts';

for (const target of targets()) {
  describe(`API record signature helper and signatures on ${target.name}`, () => {
    let h: Harness;
    let api: ApiClient;
    let petitionId: string;
    let n = 0;

    before(async () => {
      h = await harness(target);
      api = await apiOrganization(h, 'gamma');
    });
    after(() => h.close());

    const newPetition = async (over: { confirmation_required?: boolean; status?: 'open' | 'closed' } = {}) =>
      (
        await createPetition(
          h.ctx.database.db,
          api.orgId,
          {
            title: `Stop face surveillance ${++n}`,
            description: '',
            petition_text: 'Stop selling it.',
            targets: [],
            goal: null,
            confirmation_required: over.confirmation_required ?? false,
            status: over.status ?? 'open',
          },
          nowIso(),
        )
      ).id;
    beforeEach(async () => {
      petitionId = await newPetition();
      h.mailer.sent = [];
      await h.runJobs();
      h.mailer.sent = [];
    });

    const db = () => h.ctx.database.db;
    const sign = (body: unknown, id = petitionId) => api.post(`/petitions/${id}/signatures`, body);
    const total = async (id = petitionId) => (await api.get(`/petitions/${id}`)).body.total_signatures as number;
    const signatureRows = (id = petitionId) => db().selectFrom('signatures').selectAll().where('petition_id', '=', id).execute();
    const peopleCount = async () =>
      Number((await db().selectFrom('people').select((eb) => eb.fn.countAll().as('n')).where('organization_id', '=', api.orgId).executeTakeFirstOrThrow()).n);

    it('records a signature and answers with the signature resource, the person embedded', async () => {
      const res = await sign({
        person: osdiPerson('ana@example.org', { email_addresses: [{ address: 'ana@example.org', status: 'subscribed' }] }),
        comments: 'Privacy matters.',
        'action_network:referrer_data': { source: 'newsletter', referrer: 'partner-42' },
      });
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers['content-type'] as string, HAL);
      const s = res.body;
      const id = idOf(s);
      assert.deepEqual(s.identifiers, [`action_network:${id}`, `turnout:${id}`]);
      assert.ok(!Number.isNaN(Date.parse(s.created_date)));
      assert.ok(!Number.isNaN(Date.parse(s.modified_date)));
      assert.equal(s.comments, 'Privacy matters.');
      assert.deepEqual(s['action_network:referrer_data'], { source: 'newsletter', referrer: 'partner-42' });
      assert.equal(s['turnout:confirmed'], true);
      assert.equal(s._links.self.href, `${BASE}/petitions/${petitionId}/signatures/${id}`);
      assert.equal(s._links['osdi:petition'].href, `${BASE}/petitions/${petitionId}`);
      const person = s._embedded['osdi:person'];
      const personId = idOf(person);
      assert.equal(s._links['osdi:person'].href, `${BASE}/people/${personId}`);
      assert.equal(person.given_name, 'Ana');
      assert.equal(person.family_name, 'Ruiz');
      assert.deepEqual(person.email_addresses, [{ primary: true, address: 'ana@example.org', status: 'subscribed' }]);
      assert.deepEqual(person.postal_addresses, [{ primary: true, postal_code: '94110', country: 'US' }]);

      assert.equal(await total(), 1);
      const rows = await signatureRows();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.id, id);
      assert.equal(rows[0]!.source, 'newsletter');
      const consent = await db().selectFrom('consents').selectAll().where('person_id', '=', personId).execute();
      assert.deepEqual(consent.map((c) => [c.given, c.wording, c.action_type]), [[1, 'API', 'petition']]);

      const fetched = await api.get(`/petitions/${petitionId}/signatures/turnout:${id}`);
      assert.equal(fetched.status, 200);
      assert.equal(fetched.body.comments, 'Privacy matters.');
      assert.equal(fetched.body._links['osdi:person'].href, `${BASE}/people/${personId}`);
    });

    it('counts a repeat signer once and returns the same signature', async () => {
      const first = await sign({ person: osdiPerson('bo@example.org') });
      const again = await sign({ person: osdiPerson('  BO@Example.org ', { given_name: 'Bo' }), comments: 'again' });
      assert.equal(again.status, 200);
      assert.deepEqual(again.body.identifiers, first.body.identifiers);
      assert.equal(again.body._embedded['osdi:person'].given_name, 'Bo', 'the person is refreshed');
      assert.equal(await total(), 1);
      assert.equal((await signatureRows()).length, 1);
    });

    it('queues the autoresponse when the client asks for it, once per signer', async () => {
      const body = { person: osdiPerson('cy@example.org'), triggers: { autoresponse: { enabled: true } } };
      assert.equal((await sign(body)).status, 200);
      assert.equal((await sign(body)).status, 200);
      assert.equal(await h.runJobs(), 1);
      assert.equal(h.mailer.sent.length, 1);
      assert.equal(h.mailer.sent[0]!.to, 'cy@example.org');
      assert.match(h.mailer.sent[0]!.subject, new RegExp(`Stop face surveillance ${n}`));
      assert.equal(h.mailer.sent[0]!.language, 'en');
    });

    it('sends no autoresponse unless asked, as Action Network does', async () => {
      assert.equal((await sign({ person: osdiPerson('di@example.org') })).status, 200);
      assert.equal((await sign({ person: osdiPerson('ed@example.org'), triggers: { autoresponse: { enabled: false } } })).status, 200);
      await h.runJobs();
      assert.deepEqual(h.mailer.sent, []);
      assert.equal(await total(), 2);
    });

    it('writes the autoresponse in Spanish for a Spanish speaker', async () => {
      const res = await sign({ person: osdiPerson('fe@example.org', { languages_spoken: ['es'] }), triggers: { autoresponse: { enabled: true } } });
      assert.deepEqual(res.body._embedded['osdi:person'].languages_spoken, ['es']);
      await h.runJobs();
      assert.equal(h.mailer.sent[0]?.language, 'es');
      const rows = await signatureRows();
      assert.equal(rows[0]!.language, 'es');
    });

    it('adds tags to the signer', async () => {
      const res = await sign({ person: osdiPerson('gi@example.org'), add_tags: ['volunteer', ' surveillance ', 'volunteer'] });
      assert.equal(res.status, 200);
      assert.deepEqual(await tagsOf(db(), idOf(res.body._embedded['osdi:person'])), ['surveillance', 'volunteer']);
    });

    it('accepts referrer_data without the action_network: prefix, and a person with only an email', async () => {
      const res = await sign({ person: { email_addresses: [{ address: 'hu@example.org' }] }, referrer_data: { source: 'fb' } });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body['action_network:referrer_data'], { source: 'fb', referrer: null });
      const person = res.body._embedded['osdi:person'];
      assert.equal(person.given_name, null);
      assert.deepEqual(person.postal_addresses, []);
    });

    it('records consent as the email status says: unsubscribed is a no, absent is not asked', async () => {
      const no = await sign({ person: osdiPerson('iv@example.org', { email_addresses: [{ address: 'iv@example.org', status: 'unsubscribed' }] }) });
      const unasked = await sign({ person: osdiPerson('jo@example.org') });
      const consents = async (res: typeof no) =>
        (await db().selectFrom('consents').select('given').where('person_id', '=', idOf(res.body._embedded['osdi:person'])).execute()).map((c) => c.given);
      assert.deepEqual(await consents(no), [0]);
      assert.deepEqual(await consents(unasked), []);
      assert.equal(no.body._embedded['osdi:person'].email_addresses[0].status, 'unsubscribed');
    });

    it('waits for confirmation on petitions that require it', async () => {
      const id = await newPetition({ confirmation_required: true });
      const res = await sign({ person: osdiPerson('ka@example.org'), triggers: { autoresponse: { enabled: true } } }, id);
      assert.equal(res.status, 200);
      assert.equal(res.body['turnout:confirmed'], false);
      assert.equal(await total(id), 0);
      await h.runJobs();
      assert.equal(h.mailer.sent.length, 1);
      assert.match(h.mailer.sent[0]!.text, /\/confirm\//);
    });

    it('refuses signatures on a closed petition with 409 and stores nothing', async () => {
      const id = await newPetition({ status: 'closed' });
      const people = await peopleCount();
      const res = await sign({ person: osdiPerson('lu@example.org') }, id);
      assert.equal(res.status, 409);
      assert.match(res.body.error, /closed/);
      assert.equal((await signatureRows(id)).length, 0);
      assert.equal(await peopleCount(), people);
    });

    it('rejects bad signatures with a 400 naming each field, and stores nothing', async () => {
      const people = await peopleCount();
      const cases: [unknown, RegExp][] = [
        [{}, /^person is required$/],
        [{ person: 'ana@example.org' }, /^person must be a JSON object$/],
        [{ person: { given_name: 'Ana' } }, /^person\.email_addresses is required$/],
        [{ person: osdiPerson('x@example.org', { email_addresses: [] }) }, /^person\.email_addresses must have at least 1 item$/],
        [{ person: osdiPerson('not-an-email') }, /person\.email_addresses\[0\]\.address: Enter an email address in the right format/],
        [{ person: osdiPerson('x@example.org', { given_name: 5 }) }, /^person\.given_name must be a string or null$/],
        [
          { person: osdiPerson('x@example.org', { given_name: 'A'.repeat(5000), family_name: 'B'.repeat(5000) }) },
          /person\.given_name: first name must be 100 characters or fewer; person\.family_name: last name must be 100 characters or fewer/,
        ],
        [{ person: osdiPerson('x@example.org', { postal_addresses: [{ postal_code: 'nope', country: 'US' }] }) }, /person\.postal_addresses\[0\]\.postal_code: Enter a valid ZIP code/],
        [{ person: osdiPerson('x@example.org', { postal_addresses: [{ postal_code: '94110', country: 'XX' }] }) }, /person\.postal_addresses\[0\]\.country: Choose a country/],
        [{ person: osdiPerson('x@example.org', { email_addresses: [{ address: 'x@example.org', status: 'maybe' }] }) }, /^person\.email_addresses\[0\]\.status must be/],
        [{ person: osdiPerson('x@example.org'), add_tags: 'volunteer' }, /^add_tags must be an array$/],
        [{ person: osdiPerson('x@example.org'), add_tags: [''] }, /^add_tags\[0\] must not be empty$/],
        [{ person: osdiPerson('x@example.org'), comments: 'c'.repeat(1001) }, /^comments must be 1000 characters or fewer$/],
        [{ person: osdiPerson('x@example.org'), comments: 42 }, /^comments must be a string or null$/],
        [{ person: osdiPerson('x@example.org'), triggers: { autoresponse: { enabled: 'yes' } } }, /^triggers\.autoresponse\.enabled must be true or false$/],
        [{ person: osdiPerson('x@example.org'), 'action_network:referrer_data': { source: 'a\u0000b' } }, /referrer_data\.source contains/],
      ];
      for (const [body, message] of cases) {
        const res = await sign(body);
        assert.equal(res.status, 400, JSON.stringify(body).slice(0, 100));
        assert.match(res.body.error, message, JSON.stringify(body).slice(0, 100));
      }
      assert.equal((await signatureRows()).length, 0);
      assert.equal(await peopleCount(), people);
      assert.equal(await total(), 0);
    });

    it('stores markup in names and comments as typed and returns it as JSON strings', async () => {
      const res = await sign({ person: osdiPerson('mo@example.org', { given_name: '<script>alert(1)</script>' }), comments: '<b>hi</b>' });
      assert.equal(res.status, 200);
      assert.equal(res.body.comments, '<b>hi</b>');
      assert.equal(res.body._embedded['osdi:person'].given_name, '<script>alert(1)</script>');
      const person = await api.get(`/people/${idOf(res.body._embedded['osdi:person'])}`);
      assert.equal(person.body.given_name, '<script>alert(1)</script>');
    });

    it('lists a petition’s signatures, paged and filtered, and a person’s signatures', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push(idOf((await sign({ person: osdiPerson(`list${i}@example.org`) })).body));
      // Spread their dates so the filter has known answers.
      for (let i = 0; i < ids.length; i++) {
        const at = `2024-03-0${i + 1}T09:00:00.000Z`;
        await db().updateTable('signatures').set({ created_at: at, modified_at: at }).where('id', '=', ids[i]!).execute();
      }
      const first = await api.get(`/petitions/${petitionId}/signatures?per_page=3`);
      assert.equal(first.status, 200);
      assert.equal(first.body.total_records, 7);
      assert.equal(first.body.total_pages, 3);
      assert.equal(first.body.per_page, 3);
      assert.deepEqual(first.body._embedded['osdi:signatures'].map(idOf), ids.slice(0, 3));
      assert.equal(first.body._links.next.href, `${BASE}/petitions/${petitionId}/signatures?page=2&per_page=3`);
      const last = await api.get(`/petitions/${petitionId}/signatures?per_page=3&page=3`);
      assert.deepEqual(last.body._embedded['osdi:signatures'].map(idOf), ids.slice(6));
      assert.equal(last.body._links.next, undefined);

      const filtered = await api.get(`/petitions/${petitionId}/signatures?filter=${encodeURIComponent("created_date gt '2024-03-03' and created_date lt '2024-03-06'")}`);
      // A bare day means its first instant (00:00 UTC): signatures from March 3rd 09:00 to March 5th.
      assert.deepEqual(filtered.body._embedded['osdi:signatures'].map(idOf), ids.slice(2, 5));
      const byId = await api.get(`/petitions/${petitionId}/signatures?filter=${encodeURIComponent(`identifier eq 'turnout:${ids[2]}'`)}`);
      assert.deepEqual(byId.body._embedded['osdi:signatures'].map(idOf), [ids[2]]);
      const modified = await api.get(`/petitions/${petitionId}/signatures?filter=${encodeURIComponent("modified_date eq '2024-03-07'")}`);
      assert.deepEqual(modified.body._embedded['osdi:signatures'].map(idOf), [ids[6]]);
      const badField = await api.get(`/petitions/${petitionId}/signatures?filter=${encodeURIComponent("comments eq 'x'")}`);
      assert.equal(badField.status, 400);
      assert.match(badField.body.error, /cannot filter on "comments"/);

      const signature = (await api.get(`/petitions/${petitionId}/signatures/${ids[0]}`)).body;
      const personHref: string = signature._links['osdi:person'].href;
      const person = await api.get(personHref.slice(BASE.length));
      assert.equal(person.body.email_addresses[0].address, 'list0@example.org');
      const theirs = await api.get(`${person.body._links['osdi:signatures'].href.slice(BASE.length)}`);
      assert.equal(theirs.status, 200);
      assert.deepEqual(theirs.body._embedded['osdi:signatures'].map(idOf), [ids[0]]);
      assert.equal((await api.get(`/people/${idOf(person.body)}/signatures/${ids[0]}`)).status, 200);
      assert.equal((await api.get(`/people/${idOf(person.body)}/signatures/${ids[1]}`)).status, 404, 'not their signature');
    });

    it('finds a signature only under its own petition', async () => {
      const other = await newPetition();
      const sid = idOf((await sign({ person: osdiPerson('no@example.org') })).body);
      assert.equal((await api.get(`/petitions/${petitionId}/signatures/${sid}`)).status, 200);
      const res = await api.get(`/petitions/${other}/signatures/${sid}`);
      assert.equal(res.status, 404);
      assert.match(res.body.error, /No signature with identifier/);
      assert.equal((await api.get(`/petitions/${petitionId}/signatures/nope`)).status, 404);
      assert.equal((await sign({ person: osdiPerson('no@example.org') }, '00000000-0000-4000-8000-000000000000')).status, 404);
    });
  });
}
