import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { apiOrganization, idOf, osdiPerson, type ApiClient } from './api-support.ts';
import { FILTER_LIMITS, parseFilterTree, toCondition, type FieldSpec } from '../src/kits/api/filter.ts';
import { listMatching } from '../src/kits/api/list.ts';
import { dayFromNow } from './events-support.ts';

const FIELDS = ['given_name', 'family_name', 'created_date'];
const SPEC: FieldSpec<string> = {
  given_name: { column: 'given_name', kind: 'text' },
  family_name: { column: 'family_name', kind: 'text' },
  created_date: { column: 'created_at', kind: 'date' },
};

function refuses(filter: string, pattern: RegExp) {
  assert.throws(
    () => toCondition(parseFilterTree(filter, FIELDS), SPEC),
    (e: Error & { statusCode?: number }) => e.statusCode === 400 && pattern.test(e.message),
    filter.slice(0, 80),
  );
}

describe('API filters: or and parentheses', () => {
  it('binds and tighter than or, as OData does', () => {
    assert.deepEqual(parseFilterTree("given_name eq 'A' or given_name eq 'B' and family_name eq 'C'", FIELDS), {
      join: 'or',
      terms: [
        { field: 'given_name', op: 'eq', value: 'A' },
        {
          join: 'and',
          terms: [
            { field: 'given_name', op: 'eq', value: 'B' },
            { field: 'family_name', op: 'eq', value: 'C' },
          ],
        },
      ],
    });
  });

  it('groups with parentheses, with or without spaces, in any case', () => {
    assert.deepEqual(toCondition(parseFilterTree("(given_name eq 'A' OR given_name eq 'B')and(family_name eq 'C')", FIELDS), SPEC), {
      all: [
        {
          any: [
            { column: 'given_name', op: '=', value: 'A' },
            { column: 'given_name', op: '=', value: 'B' },
          ],
        },
        { column: 'family_name', op: '=', value: 'C' },
      ],
    });
  });

  it('keeps or and and inside quoted values', () => {
    assert.deepEqual(parseFilterTree("family_name eq 'Smith or (Jones) and co'", FIELDS), { field: 'family_name', op: 'eq', value: 'Smith or (Jones) and co' });
  });

  it('refuses unbalanced parentheses, not, and filters past the limits with a clear 400', () => {
    refuses("(given_name eq 'A'", /a "\(" is never closed/);
    refuses("given_name eq 'A')", /a "\)" at "\)" closes nothing/);
    refuses("((given_name eq 'A')", /never closed/);
    refuses('()', /malformed filter/);
    refuses("not given_name eq 'A'", /does not support "not"/);
    refuses("given_name eq 'A' or or given_name eq 'B'", /malformed filter at "or given_name/);
    refuses(`${'('.repeat(FILTER_LIMITS.depth + 1)}given_name eq 'A'${')'.repeat(FILTER_LIMITS.depth + 1)}`, /at most 4 deep/);
    refuses(Array.from({ length: 11 }, () => "given_name eq 'a'").join(' or '), /at most 10 clauses/);
    refuses("given_name eq 'A' or ".repeat(250), /1000 characters or fewer/);
    refuses('('.repeat(5000), /1000 characters or fewer/);
  });

  it('answers the worst filter that fits in the limit at once', () => {
    const started = performance.now();
    for (let i = 0; i < 200; i++) {
      const deep = `${'('.repeat(4)}given_name eq 'A'${')'.repeat(4)}`;
      assert.throws(() => parseFilterTree(`${deep} or `.repeat(9) + '('.repeat(400), FIELDS));
      assert.throws(() => parseFilterTree("given_name eq '".padEnd(999, 'x'), FIELDS));
    }
    assert.ok(performance.now() - started < 1000, 'parsing is linear');
  });

  it('makes a collection without filter fields refuse a filter instead of ignoring it', async () => {
    const input = (query: Record<string, string>) => ({
      query,
      baseUrl: 'http://x',
      path: '/things',
      rel: 'osdi:things',
      list: async () => [],
      count: async () => 0,
      present: (row: never) => row,
    });
    const res = await listMatching(input({}));
    assert.equal(res.total_records, 0);
    await assert.rejects(listMatching(input({ filter: "name eq 'x'" })), (e: Error & { statusCode?: number }) => e.statusCode === 400 && /takes no filter/.test(e.message));
    await assert.rejects(listMatching(input({ sort: 'created_date desc' })), (e: Error & { statusCode?: number }) => e.statusCode === 400 && /sort is not supported/.test(e.message));
  });

  it('hands every collection the whole filter as one condition', async () => {
    const seen: unknown[] = [];
    const input = (filter: string) => ({
      query: { filter },
      baseUrl: 'http://x',
      path: '/things',
      rel: 'osdi:things',
      filters: SPEC,
      list: async (where: unknown) => (seen.push(where), []),
      count: async () => 0,
      present: (row: never) => row,
    });
    await listMatching(input("(given_name eq 'A' or given_name eq 'B') and family_name eq 'C'"));
    assert.deepEqual(seen[0], {
      all: [
        {
          any: [
            { column: 'given_name', op: '=', value: 'A' },
            { column: 'given_name', op: '=', value: 'B' },
          ],
        },
        { column: 'family_name', op: '=', value: 'C' },
      ],
    });
    await assert.rejects(listMatching(input("title eq 'x'")), (e: Error & { statusCode?: number }) => e.statusCode === 400 && /cannot filter on "title"/.test(e.message));
  });
});

for (const target of targets()) {
  describe(`API people filters on ${target.name}`, () => {
    let h: Harness;
    let api: ApiClient;
    const ids: string[] = [];

    before(async () => {
      h = await harness(target);
      api = await apiOrganization(h, 'filters');
      const people = [
        ['Ana', 'Ruiz', '+1 (415) 555-0100', 'CA', 'US', '94110'],
        ['Bo', 'Nguyen', '212.555.0101', 'NY', 'US', '10001'],
        ['Cy', 'Okafor', '+44 20 7946 0102', 'London', 'GB', 'SW1A 1AA'],
        ['Di', 'Ruiz', null, 'CA', 'US', '94016'],
      ] as const;
      for (const [i, [given, family, phone, region, country, zip]] of people.entries()) {
        const res = await api.post('/people', {
          person: osdiPerson(`f${i}@example.org`, {
            given_name: given,
            family_name: family,
            ...(phone ? { phone_numbers: [{ number: phone }] } : {}),
            postal_addresses: [{ postal_code: zip, country, region }],
          }),
        });
        assert.equal(res.status, 200, res.text);
        ids.push(idOf(res.body));
        await h.ctx.database.db.updateTable('people').set({ created_at: `2024-05-0${i + 1}T08:00:00.000Z` }).where('id', '=', ids[i]!).execute();
      }
    });
    after(() => h.close());

    const filtered = async (filter: string) => {
      const res = await api.get(`/people?filter=${encodeURIComponent(filter)}`);
      assert.equal(res.status, 200, `${filter}: ${res.text}`);
      return res.body._embedded['osdi:people'].map(idOf);
    };

    it('filters on phone_number (as stored: digits and a leading +), region and country', async () => {
      assert.deepEqual(await filtered("phone_number eq '+14155550100'"), [ids[0]]);
      assert.deepEqual(await filtered("phone_number eq '+1 415-555-0100'"), [ids[0]]);
      assert.deepEqual(await filtered("phone_number eq '2125550101'"), [ids[1]]);
      assert.deepEqual(await filtered("phone_number eq 'not a phone'"), []);
      assert.deepEqual(await filtered("region eq 'CA'"), [ids[0], ids[3]]);
      assert.deepEqual(await filtered("country eq 'gb'"), [ids[2]]);
      assert.deepEqual(await filtered("country eq 'US' and region eq 'NY'"), [ids[1]]);
    });

    it('joins clauses with or and groups them with parentheses', async () => {
      assert.deepEqual(await filtered("given_name eq 'Ana' or given_name eq 'Cy'"), [ids[0], ids[2]]);
      assert.deepEqual(await filtered("(region eq 'CA' or region eq 'NY') and family_name eq 'Ruiz'"), [ids[0], ids[3]]);
      assert.deepEqual(await filtered("region eq 'CA' or region eq 'NY' and family_name eq 'Ruiz'"), [ids[0], ids[3]]);
      assert.deepEqual(await filtered("family_name eq 'Ruiz' and (created_date gt '2024-05-03' or given_name eq 'Ana')"), [ids[0], ids[3]]);
      assert.deepEqual(await filtered("created_date eq '2024-05-02' or created_date eq '2024-05-03'"), [ids[1], ids[2]]);
      assert.deepEqual(await filtered(`identifier eq 'action_network:${ids[1]}' or identifier eq 'turnout:${ids[2]}'`), [ids[1], ids[2]]);
      const page = await api.get(`/people?per_page=1&filter=${encodeURIComponent("given_name eq 'Ana' or given_name eq 'Bo'")}`);
      assert.equal(page.body.total_records, 2);
      assert.match(page.body._links.next.href, /filter=given_name%20eq%20%27Ana%27%20or%20given_name%20eq%20%27Bo%27/);
    });

    it('answers a long, deep or unbalanced filter with a clear 400, never a 500', async () => {
      for (const [filter, message] of [
        ["(region eq 'CA'", /never closed/],
        ["region eq 'CA')", /closes nothing/],
        ['x'.repeat(5000), /1000 characters or fewer/],
        ["region eq 'CA' or ".repeat(300), /1000 characters or fewer/],
        [`${'('.repeat(20)}region eq 'CA'${')'.repeat(20)}`, /at most 4 deep/],
        ["region gt 'CA'", /region can only be filtered with eq/],
        ["not region eq 'CA'", /does not support "not"/],
      ] as const) {
        const res = await api.get(`/people?filter=${encodeURIComponent(filter)}`);
        assert.equal(res.status, 400, filter.slice(0, 60));
        assert.match(res.body.error, message, filter.slice(0, 60));
      }
    });

    it('filters tags on modified_date, and refuses sorting everywhere rather than ignoring it', async () => {
      await api.post('/tags', { name: 'filters-tag' });
      const tags = await api.get(`/tags?filter=${encodeURIComponent("modified_date gt '2000-01-01' and name eq 'filters-tag'")}`);
      assert.equal(tags.status, 200, tags.text);
      assert.equal(tags.body.total_records, 1);
      const none = await api.get(`/tags?filter=${encodeURIComponent("modified_date lt '2000-01-01' or name eq 'nope'")}`);
      assert.equal(none.body.total_records, 0);
      for (const path of ['/people?sort=created_date%20desc', '/tags?orderby=name', '/petitions?$orderby=created_date', '/event_campaigns?sort=title']) {
        const res = await api.get(path);
        assert.equal(res.status, 400, path);
        assert.match(res.body.error, /is not supported/, path);
      }
    });
  });
}

for (const target of targets()) {
  describe(`API filters on actions and their records on ${target.name}`, () => {
    let h: Harness;
    let api: ApiClient;
    const db = () => h.ctx.database.db;
    const day = dayFromNow(30);
    const petitions: string[] = [];
    const signatures: string[] = [];
    const signers: string[] = [];
    const donations: string[] = [];
    const attendances: string[] = [];
    let pageId = '';
    let eventId = '';

    // Records made on three days, so dates can pick them apart.
    const stamp = (table: 'petitions' | 'signatures' | 'donations' | 'attendances', id: string, i: number) =>
      db().updateTable(table).set({ created_at: `2024-06-0${i + 1}T09:00:00.000Z`, modified_at: `2024-06-0${i + 1}T09:00:00.000Z` }).where('id', '=', id).execute();

    before(async () => {
      h = await harness(target);
      api = await apiOrganization(h, 'filters-records');
      for (const [i, title] of ['Clean water', 'Safe streets', 'Open libraries'].entries()) {
        const res = await api.post('/petitions', { title, petition_text: 'Act now.', origin_system: i === 2 ? 'crm' : 'turnout', 'turnout:confirmation_required': false });
        assert.equal(res.status, 200, res.text);
        petitions.push(idOf(res.body));
        await stamp('petitions', petitions[i]!, i);
      }
      for (let i = 0; i < 3; i++) {
        const res = await api.post(`/petitions/${petitions[0]}/signatures`, { person: osdiPerson(`signer${i}@example.org`) });
        assert.equal(res.status, 200, res.text);
        signatures.push(idOf(res.body));
        signers.push(idOf(res.body._embedded['osdi:person']));
        await stamp('signatures', signatures[i]!, i);
      }
      // The first signer signs a second petition too, for their own collection.
      const other = await api.post(`/petitions/${petitions[1]}/signatures`, { person: osdiPerson('signer0@example.org') });
      assert.equal(other.status, 200, other.text);
      signatures.push(idOf(other.body));
      await stamp('signatures', signatures[3]!, 2);

      const page = await api.post('/fundraising_pages', { title: 'Filter fund' });
      assert.equal(page.status, 200, page.text);
      pageId = idOf(page.body);
      for (let i = 0; i < 3; i++) {
        const res = await api.post(`/fundraising_pages/${pageId}/donations`, {
          person: osdiPerson(`donor${i}@example.org`),
          recipients: [{ amount: '10.00' }],
          payment: { reference_number: `CHK-${i}` },
        });
        assert.equal(res.status, 200, res.text);
        donations.push(idOf(res.body));
        await stamp('donations', donations[i]!, i);
      }

      const event = await api.post('/events', {
        title: 'Filter meetup',
        start_date: `${day}T18:00:00`,
        timezone_identifier: 'America/Chicago',
        location: { venue: 'Hall', address_lines: ['1 Main St'], locality: 'Chicago', region: 'IL', postal_code: '60602', country: 'US' },
      });
      assert.equal(event.status, 200, event.text);
      eventId = idOf(event.body);
      for (let i = 0; i < 3; i++) {
        const res = await api.post(`/events/${eventId}/attendances`, { person: osdiPerson(`guest${i}@example.org`) });
        assert.equal(res.status, 200, res.text);
        attendances.push(idOf(res.body));
        await stamp('attendances', attendances[i]!, i);
      }
    });
    after(() => h.close());

    const filtered = async (path: string, rel: string, filter: string) => {
      const res = await api.get(`${path}?filter=${encodeURIComponent(filter)}`);
      assert.equal(res.status, 200, `${path} ${filter}: ${res.text}`);
      const ids = (res.body._embedded[rel] as { identifiers: string[] }[]).map(idOf);
      assert.equal(res.body.total_records, ids.length, `${path} ${filter}: the count matches the page`);
      return ids;
    };
    const refused = async (path: string, filter: string, message: RegExp) => {
      const res = await api.get(`${path}?filter=${encodeURIComponent(filter)}`);
      assert.equal(res.status, 400, `${path} ${filter}: ${res.text}`);
      assert.match(res.body.error, message, `${path} ${filter}`);
    };

    it('takes or and parentheses on petitions, and refuses a field petitions do not have', async () => {
      assert.deepEqual(await filtered('/petitions', 'osdi:petitions', "title eq 'Clean water' or title eq 'Open libraries'"), [petitions[0], petitions[2]]);
      assert.deepEqual(
        await filtered('/petitions', 'osdi:petitions', "(created_date eq '2024-06-01' or created_date eq '2024-06-03') and origin_system eq 'crm'"),
        [petitions[2]],
      );
      assert.deepEqual(await filtered('/petitions', 'osdi:petitions', `identifier eq 'action_network:${petitions[1]}' or (title eq 'Clean water')`), [petitions[0], petitions[1]]);
      await refused('/petitions', "given_name eq 'Ana' or title eq 'x'", /cannot filter on "given_name"/);
      await refused('/petitions', "(title eq 'x'", /never closed/);
    });

    it('takes or and parentheses on signatures, under a petition and under a person', async () => {
      const under = `/petitions/${petitions[0]}/signatures`;
      assert.deepEqual(await filtered(under, 'osdi:signatures', "created_date eq '2024-06-01' or created_date eq '2024-06-03'"), [signatures[0], signatures[2]]);
      assert.deepEqual(
        await filtered(under, 'osdi:signatures', `(identifier eq '${signatures[1]}' or identifier eq '${signatures[2]}') and created_date gt '2024-06-02T12:00:00Z'`),
        [signatures[2]],
      );
      const mine = `/people/${signers[0]}/signatures`;
      assert.deepEqual(await filtered(mine, 'osdi:signatures', "created_date lt '2024-06-02' or (created_date gt '2024-06-02' and created_date lt '2024-06-04')"), [
        signatures[0],
        signatures[3],
      ]);
      // Another signer's signature is not the person's, whatever the filter says.
      assert.deepEqual(await filtered(mine, 'osdi:signatures', `identifier eq '${signatures[1]}' or identifier eq '${signatures[3]}'`), [signatures[3]]);
      await refused(under, "title eq 'Clean water' or created_date gt '2024-01-01'", /cannot filter on "title"/);
      await refused(mine, "email_address eq 'signer0@example.org'", /cannot filter on "email_address"/);
    });

    it('takes or and parentheses on donations, the organization’s and a page’s', async () => {
      for (const path of ['/donations', `/fundraising_pages/${pageId}/donations`]) {
        assert.deepEqual(await filtered(path, 'osdi:donations', "created_date eq '2024-06-02' or created_date eq '2024-06-03'"), [donations[1], donations[2]], path);
        assert.deepEqual(
          await filtered(path, 'osdi:donations', `(identifier eq '${donations[0]}' or identifier eq '${donations[2]}') and (modified_date lt '2024-06-02')`),
          [donations[0]],
          path,
        );
        await refused(path, "amount eq '10.00' or created_date gt '2024-01-01'", /cannot filter on "amount"/);
      }
    });

    it('takes or and parentheses on attendances, under the event and under the person', async () => {
      const under = `/events/${eventId}/attendances`;
      assert.deepEqual(await filtered(under, 'osdi:attendances', "created_date eq '2024-06-01' or (created_date gt '2024-06-02T12:00:00Z')"), [attendances[0], attendances[2]]);
      const guest = (await api.get(`${under}/${attendances[1]}`)).body['action_network:person_id'] as string;
      assert.deepEqual(await filtered(`/people/${guest}/attendances`, 'osdi:attendances', `identifier eq '${attendances[0]}' or identifier eq '${attendances[1]}'`), [attendances[1]]);
      await refused(under, "status eq 'accepted' or created_date gt '2024-01-01'", /cannot filter on "status"/);
    });
  });
}
