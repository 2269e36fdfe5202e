import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter, parseInstant, toComparisons, type FieldSpec } from '../src/kits/api/filter.ts';
import { collection, parseIdentifier, parsePaging } from '../src/kits/api/hal.ts';
import { fieldName } from '../src/kits/api/schema.ts';

const FIELDS = ['identifier', 'created_date', 'modified_date', 'given_name', 'email_address', 'postal_code'];
const SPEC: FieldSpec<string> = {
  identifier: { column: 'id', kind: 'identifier' },
  created_date: { column: 'created_at', kind: 'date' },
  modified_date: { column: 'modified_at', kind: 'date' },
  given_name: { column: 'given_name', kind: 'text' },
  email_address: { column: 'email', kind: 'email' },
  postal_code: { column: 'postal_code', kind: 'postal_code' },
};
const UUID = '0b6f4f36-5d6e-4c2a-9d39-3f1a2b3c4d5e';

function rejects(filter: string, pattern: RegExp) {
  assert.throws(
    () => toComparisons(parseFilter(filter, FIELDS), SPEC),
    (e: Error & { statusCode?: number }) => e.statusCode === 400 && pattern.test(e.message),
    filter,
  );
}

describe('API filter parsing', () => {
  it('reads one clause with each operator', () => {
    assert.deepEqual(parseFilter("given_name eq 'Ana'", FIELDS), [{ field: 'given_name', op: 'eq', value: 'Ana' }]);
    assert.deepEqual(parseFilter("created_date gt '2024-01-31'", FIELDS), [{ field: 'created_date', op: 'gt', value: '2024-01-31' }]);
    assert.deepEqual(parseFilter("modified_date lt '2024-02-01T10:00:00Z'", FIELDS), [
      { field: 'modified_date', op: 'lt', value: '2024-02-01T10:00:00Z' },
    ]);
  });

  it('joins clauses with and, in any case, and tolerates extra spaces', () => {
    assert.deepEqual(parseFilter("  created_date gt '2024-01-01'  AND   created_date lt '2024-02-01' and given_name EQ 'Bo' ", FIELDS), [
      { field: 'created_date', op: 'gt', value: '2024-01-01' },
      { field: 'created_date', op: 'lt', value: '2024-02-01' },
      { field: 'given_name', op: 'eq', value: 'Bo' },
    ]);
  });

  it('unescapes doubled quotes and keeps spaces inside quotes', () => {
    assert.deepEqual(parseFilter("given_name eq 'Mary O''Brien and co'", FIELDS), [
      { field: 'given_name', op: 'eq', value: "Mary O'Brien and co" },
    ]);
  });

  it('accepts a bare value without quotes', () => {
    assert.deepEqual(parseFilter('created_date gt 2024-01-31', FIELDS), [{ field: 'created_date', op: 'gt', value: '2024-01-31' }]);
  });

  it('treats an empty filter as no filter', () => {
    assert.deepEqual(parseFilter('', FIELDS), []);
    assert.deepEqual(parseFilter('   ', FIELDS), []);
  });

  it('rejects fields that cannot be filtered, naming them', () => {
    rejects("phone eq '555'", /cannot filter on "phone"/);
    rejects("Given_Name eq 'Ana'", /cannot filter on "Given_Name"/);
    rejects("given_name eq 'Ana' and password eq 'x'", /cannot filter on "password"/);
  });

  it('rejects malformed filters with the place it went wrong', () => {
    rejects("given_name 'Ana'", /malformed filter at "given_name 'Ana'"/);
    rejects("given_name ne 'Ana'", /malformed filter/);
    rejects("given_name eq 'Ana", /malformed filter/);
    rejects("given_name eq 'Ana' or given_name eq 'Bo'", /joined by "and" only/);
    rejects("given_name eq 'Ana' and", /malformed filter at "and"/);
    rejects("given_name eq 'Ana'x", /malformed filter at "x"/);
    rejects("given_name eq", /malformed filter/);
    rejects('x'.repeat(1001), /1000 characters or fewer/);
    rejects("given_name eq 'a\u0000b'", /value for given_name contains control or invalid characters/);
    rejects("given_name eq '\ud800'", /value for given_name contains control or invalid characters/);
    rejects(Array.from({ length: 11 }, () => "given_name eq 'a'").join(' and '), /at most 10 clauses/);
  });
});

describe('API filter comparisons', () => {
  const cmp = (filter: string) => toComparisons(parseFilter(filter, FIELDS), SPEC);

  it('compares dates as UTC instants; a bare day is its start', () => {
    assert.deepEqual(cmp("created_date gt '2024-01-31'"), [{ column: 'created_at', op: '>', value: '2024-01-31T00:00:00.000Z' }]);
    assert.deepEqual(cmp("created_date lt '2024-01-31T12:30:00+02:00'"), [
      { column: 'created_at', op: '<', value: '2024-01-31T10:30:00.000Z' },
    ]);
    assert.deepEqual(cmp("modified_date gt '2024-01-31T12:30'"), [{ column: 'modified_at', op: '>', value: '2024-01-31T12:30:00.000Z' }]);
  });

  it('matches a whole day with eq and a bare day, an instant with eq and a time', () => {
    assert.deepEqual(cmp("created_date eq '2024-02-29'"), [
      { column: 'created_at', op: '>=', value: '2024-02-29T00:00:00.000Z' },
      { column: 'created_at', op: '<', value: '2024-03-01T00:00:00.000Z' },
    ]);
    assert.deepEqual(cmp("created_date eq '2024-02-29T01:02:03.456Z'"), [
      { column: 'created_at', op: '=', value: '2024-02-29T01:02:03.456Z' },
    ]);
  });

  it('rejects dates that do not exist or are not dates', () => {
    for (const bad of ['2023-02-29', '2024-13-01', '2024-01-01T25:00', 'yesterday', '31/01/2024', '']) {
      rejects(`created_date gt '${bad}'`, /created_date must be compared with a date/);
    }
  });

  it('reads identifiers with the action_network: or turnout: prefix or none; another system matches nothing', () => {
    assert.deepEqual(cmp(`identifier eq 'turnout:${UUID}'`), [{ column: 'id', op: '=', value: UUID }]);
    assert.deepEqual(cmp(`identifier eq 'action_network:${UUID}'`), [{ column: 'id', op: '=', value: UUID }]);
    assert.deepEqual(cmp(`identifier eq '${UUID.toUpperCase()}'`), [{ column: 'id', op: '=', value: UUID }]);
    assert.deepEqual(cmp("identifier eq 'action_network:abc'"), [{ column: 'id', op: '=', value: 'action_network:abc' }]);
    assert.deepEqual(cmp(`identifier eq 'salsa:${UUID}'`), [{ column: 'id', op: '=', value: `salsa:${UUID}` }]);
  });

  it('normalizes emails and postal codes as they are stored', () => {
    assert.deepEqual(cmp("email_address eq ' Ana@Example.ORG '"), [{ column: 'email', op: '=', value: 'ana@example.org' }]);
    assert.deepEqual(cmp("postal_code eq 'sw1a 1aa'"), [{ column: 'postal_code', op: '=', value: 'SW1A 1AA' }]);
  });

  it('allows only eq on fields that are not dates', () => {
    rejects("given_name gt 'A'", /given_name can only be filtered with eq/);
    rejects(`identifier lt '${UUID}'`, /identifier can only be filtered with eq/);
  });

  it('parses instants strictly', () => {
    assert.equal(parseInstant('2024-01-31'), Date.UTC(2024, 0, 31));
    assert.equal(parseInstant('2024-01-31T10:00:00-0500'), Date.UTC(2024, 0, 31, 15));
    assert.equal(parseInstant('2024-04-31'), null);
  });
});

describe('API paging and identifiers', () => {
  it('defaults to page 1 of 25 and clamps per_page to 25', () => {
    assert.deepEqual(parsePaging({}), { page: 1, perPage: 25, perPageGiven: false });
    assert.deepEqual(parsePaging({ page: '3', per_page: '10' }), { page: 3, perPage: 10, perPageGiven: true });
    assert.deepEqual(parsePaging({ per_page: '1000' }), { page: 1, perPage: 25, perPageGiven: true });
  });

  it('rejects pages and sizes that are not whole numbers of 1 or more', () => {
    for (const query of [{ page: '0' }, { page: '-1' }, { page: 'two' }, { page: '1.5' }, { per_page: '0' }, { per_page: 'all' }, { page: ['1', '2'] }]) {
      assert.throws(() => parsePaging(query), (e: Error & { statusCode?: number }) => e.statusCode === 400 && /whole number/.test(e.message), JSON.stringify(query));
    }
  });

  it('reads turnout and action_network identifiers and bare uuids only', () => {
    assert.equal(parseIdentifier(`turnout:${UUID}`), UUID);
    assert.equal(parseIdentifier(UUID.toUpperCase()), UUID);
    assert.equal(parseIdentifier('action_network:' + UUID), UUID);
    assert.equal(parseIdentifier('salsa:' + UUID), null);
    assert.equal(parseIdentifier('None'), null);
    assert.equal(parseIdentifier('1 or 1=1'), null);
  });

  it('links to the next and previous pages, keeping per_page and the filter', () => {
    const item = (n: number) => ({ n, _links: { self: { href: `http://x/api/v2/people/${n}` } } });
    const page = collection({
      baseUrl: 'http://x',
      path: '/people',
      rel: 'osdi:people',
      items: [item(1), item(2)],
      total: 7,
      paging: { page: 2, perPage: 2, perPageGiven: true },
      filter: "given_name eq 'Ana'",
    });
    assert.equal(page.total_pages, 4);
    assert.equal(page.total_records, 7);
    assert.equal(page._links.self.href, 'http://x/api/v2/people?page=2&per_page=2&filter=given_name%20eq%20%27Ana%27');
    assert.equal(page._links.next?.href, 'http://x/api/v2/people?page=3&per_page=2&filter=given_name%20eq%20%27Ana%27');
    assert.equal(page._links.previous?.href, 'http://x/api/v2/people?page=1&per_page=2&filter=given_name%20eq%20%27Ana%27');
    assert.deepEqual(page._links['osdi:people'], [{ href: 'http://x/api/v2/people/1' }, { href: 'http://x/api/v2/people/2' }]);
    assert.deepEqual(page._embedded['osdi:people'], [item(1), item(2)]);
  });

  it('names schema error fields as the client sent them', () => {
    assert.equal(fieldName(''), 'body');
    assert.equal(fieldName('/person/email_addresses/0/address'), 'person.email_addresses[0].address');
    assert.equal(fieldName('/turnout:goal'), 'turnout:goal');
  });
});
