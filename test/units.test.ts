import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { currentGoal } from '../src/petitions/goal.ts';
import { normalizeEmail, isValidEmail, normalizePostalCode, isCleanText } from '../src/actions/people/normalize.ts';
import { validatePerson } from '../src/actions/people/validate.ts';
import { pickLanguage, registerMessages, registeredCatalogs, translator } from '../src/i18n/index.ts';
import { slugify } from '../src/util/slug.ts';
import { csvText } from '../src/util/csv.ts';
import { pooled } from '../src/mail/mailer.ts';
import { loadConfig, ConfigError } from '../src/config.ts';
import fc from 'fast-check';
import type { FastifyRequest } from 'fastify';
import { pageContext } from '../src/kits/pages/page.ts';

// Every capability's texts (src/<capability>/messages.ts), registered as its index.ts would.
const SRC = new URL('../src/', import.meta.url);
const messageFiles = readdirSync(SRC, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(new URL(`${entry.name}/messages.ts`, SRC)))
  .map((entry) => new URL(`${entry.name}/messages.ts`, SRC));
for (const file of messageFiles) await import(file.href);

describe('goal ladder', () => {
  it('climbs 100, 250, 500, 1,000, 2,500 … above the count', () => {
    const seen = [0, 99, 100, 249, 250, 999, 1000, 2499, 2500, 9_999, 1_200_000].map((c) => currentGoal(c, null));
    assert.deepEqual(seen, [100, 100, 250, 250, 500, 1000, 2500, 2500, 5000, 10_000, 2_500_000]);
  });
  it('keeps the organizer’s goal until it is reached, then climbs', () => {
    assert.equal(currentGoal(10, 300), 300);
    assert.equal(currentGoal(300, 300), 500);
  });
});

describe('people', () => {
  it('normalizes email by case and surrounding space only', () => {
    assert.equal(normalizeEmail('  Ana.Ruiz+Petitions@GMail.com '), 'ana.ruiz+petitions@gmail.com');
  });
  it('accepts real addresses and refuses malformed ones', () => {
    for (const ok of ['a@b.co', 'ana.ruiz+x@example.org', "o'brien@example.ie"]) assert.ok(isValidEmail(ok), ok);
    for (const bad of ['', 'a', 'a@', '@b.co', 'a@b', 'a b@c.de', 'a@b..co', `${'x'.repeat(250)}@b.co`]) assert.ok(!isValidEmail(bad), bad);
  });
  it('checks US ZIP codes and bounds other postal codes', () => {
    assert.equal(normalizePostalCode('94110', 'US'), '94110');
    assert.equal(normalizePostalCode('94110-1234', 'US'), '94110-1234');
    assert.equal(normalizePostalCode('9411', 'US'), null);
    assert.equal(normalizePostalCode('sw1a 1aa', 'GB'), 'SW1A 1AA');
    assert.equal(normalizePostalCode('<x>', 'GB'), null);
  });
  it('finds replacement characters, lone surrogates and control characters', () => {
    assert.ok(isCleanText('Zoë Ñúñez'));
    assert.ok(!isCleanText('bad\uFFFD'));
    assert.ok(!isCleanText('bad\uD800'));
    assert.ok(!isCleanText('nul\u0000'));
    assert.ok(isCleanText('two\nlines', true));
    assert.ok(!isCleanText('two\nlines'));
  });
  it('validates a person with one message per wrong field', () => {
    const { errors, person } = validatePerson({ given_name: ' Ana ', family_name: 'R', email: 'ANA@x.org', postal_code: '10001', country: 'us' });
    assert.deepEqual(errors, {});
    assert.deepEqual(person, { givenName: 'Ana', familyName: 'R', email: 'ana@x.org', postalCode: '10001', country: 'US' });
    const bad = validatePerson({ given_name: ['a', 'b'], email: 'x', postal_code: '1', country: 'ZZ' });
    assert.deepEqual(Object.keys(bad.errors).sort(), ['country', 'email', 'family_name', 'given_name', 'postal_code']);
  });
});

describe('translations', () => {
  it('has every English text in Spanish, with the same placeholders, in every catalog', () => {
    // An argument is `{name}` or `{name, plural, …}`; the words inside plural branches are text.
    const placeholders = (s: string) => [...new Set([...s.matchAll(/\{(\w+)\s*[,}]/g)].map((m) => m[1]))].sort();
    const catalogs = registeredCatalogs();
    assert.ok(messageFiles.length >= 3, 'the capabilities’ messages.ts files are found');
    assert.equal(catalogs.length, messageFiles.length + 1, 'the site-wide catalog and one per messages.ts are registered');
    for (const { en, es } of catalogs) {
      assert.deepEqual(Object.keys(es).sort(), Object.keys(en).sort());
      for (const key of Object.keys(en)) assert.deepEqual(placeholders(es[key]!), placeholders(en[key]!), key);
    }
  });
  it('refuses a key registered twice, naming it', () => {
    assert.throws(() => registerMessages({ en: { 'petition.signatures': 'x' }, es: { 'petition.signatures': 'x' } }), /petition\.signatures/);
  });
  it('follows an explicit choice, then the cookie, then the browser', () => {
    assert.equal(pickLanguage({ query: 'es', cookie: 'en', acceptLanguage: 'en' }), 'es');
    assert.equal(pickLanguage({ query: 'fr', cookie: 'es' }), 'es');
    assert.equal(pickLanguage({ acceptLanguage: 'es-419,es;q=0.9,en;q=0.8' }), 'es');
    assert.equal(pickLanguage({ acceptLanguage: 'de-DE' }), 'en');
  });
  it('formats plurals in each language', () => {
    assert.equal(translator('en')('petition.signatures', { count: 1 }), '1 signature');
    assert.equal(translator('en')('petition.signatures', { count: 2500 }), '2,500 signatures');
    assert.equal(translator('es')('petition.signatures', { count: 1 }), '1 firma');
  });
});

describe('small rules', () => {
  it('makes slugs from titles', () => {
    assert.equal(slugify('¡Alto a la vigilancia facial!'), 'alto-a-la-vigilancia-facial');
    assert.equal(slugify('***'), 'petition');
  });
  it('writes CSV with spreadsheet formulas turned into text, even across a line break', () => {
    assert.equal(
      csvText(
        [
          ['=HYPERLINK("x")', '@SUM(A1)', 'Ana'],
          ['=1+1\nsecond line', '-2', null],
          ['a, b', ' c', 'plain'],
        ],
        ['one', 'two', 'three'],
      ),
      `one,two,three\n"'=HYPERLINK(""x"")","'@SUM(A1)",Ana\n"'=1+1\nsecond line","'-2",\n"a, b"," c",plain\n`,
    );
    assert.equal(csvText([], ['only', 'a header']), 'only,a header\n');
    assert.equal(csvText([]), '');
  });
  it('pools SMTP connections unless the URL says otherwise', () => {
    assert.equal(pooled('smtp://user:pw@mail.example.org:587'), 'smtp://user:pw@mail.example.org:587?pool=true&maxConnections=24');
    assert.equal(pooled('smtps://mail.example.org/?pool=false'), 'smtps://mail.example.org/?pool=false&maxConnections=24');
    assert.equal(pooled('smtp://127.0.0.1:2525?maxConnections=3'), 'smtp://127.0.0.1:2525?maxConnections=3&pool=true');
  });
  it('refuses bad configuration with a message naming the value', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty', DATA_DIR: '/tmp/turnout-config-test' }), (e: Error) => e instanceof ConfigError && /PORT/.test(e.message) && /eighty/.test(e.message));
    assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x', DATA_DIR: '/tmp/turnout-config-test' }), /DATABASE_URL/);
    assert.throws(() => loadConfig({ RATE_LIMITS: 'maybe', DATA_DIR: '/tmp/turnout-config-test' }), /RATE_LIMITS/);
    const ok = loadConfig({ DATA_DIR: '/tmp/turnout-config-test', PORT: '4000' });
    assert.equal(ok.baseUrl, 'http://localhost:4000');
    assert.equal(ok.secretKey.length, 32);
    assert.ok(loadConfig({ DATA_DIR: '/tmp/turnout-config-test' }).secretKey.equals(ok.secretKey), 'the key is kept across starts');
  });
});

describe('the path a page is told it is at', () => {
  const at = (url: string) => pageContext({ url, lang: 'en', t: translator('en'), server: { baseUrl: 'http://x.test' } } as unknown as FastifyRequest).path;
  const viaUrl = (url: string) => {
    const parsed = new URL(url.replace(/^\/+/, '/'), 'http://x');
    parsed.searchParams.delete('lang');
    return parsed.pathname + parsed.search;
  };

  it('is what URL parsing gives, for plain paths taken as they are and for every other', () => {
    const segment = fc.oneof(fc.stringMatching(/^[A-Za-z0-9._~%-]{0,12}$/), fc.constantFrom('..', '.', '%2e%2e', '%2E', '.%2e', '%2e.', 'a b', 'ñ', '<x>'));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), fc.boolean(), fc.constantFrom('', '?lang=es', '?source=mail&lang=en', '?q=1'), (segments, slash, query) => {
        const url = `/${segments.join('/')}${slash ? '/' : ''}${query}`;
        assert.equal(at(url), viaUrl(url), url);
      }),
      { numRuns: 3000 },
    );
    assert.equal(at('/a/%2e%2e/b'), '/b');
    // Not a URL of another site, and no error.
    assert.equal(at('//'), '/');
    assert.equal(at('//evil.example/x?lang=es'), '/evil.example/x');
    assert.equal(at('/petitions/x?lang=es&source=a'), '/petitions/x?source=a');
  });
});
