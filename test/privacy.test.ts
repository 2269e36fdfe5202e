import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { clientKey } from '../src/kits/pages/client-key.ts';

const PETITION = '/petitions/stop-selling-face-surveillance';
const SECRET_IP = '203.0.113.77';

for (const target of targets()) {
  describe(`privacy on ${target.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await harness(target, { RATE_LIMITS: 'on' });
      await seedDemo(h.ctx.database.db);
    });
    after(() => h.close());

    it('serves public pages with a strict CSP and nothing loaded from another site', async () => {
      for (const url of ['/', PETITION, `${PETITION}/thanks`, `${PETITION}?lang=es`, '/no-such-page']) {
        const res = await h.app.inject({ url });
        const csp = res.headers['content-security-policy'] as string;
        assert.match(csp, /default-src 'none'/, url);
        assert.doesNotMatch(csp, /unsafe-inline|\*/, url);
        assert.doesNotMatch(res.body, /<script/i, url);
        // Every resource the page loads or names (stylesheets, images, frames, its canonical
        // address) is on this site: a path, or an absolute address under BASE_URL.
        for (const m of res.body.matchAll(/<(link|img|iframe|source|video|audio)\b[^>]*\b(?:href|src)="([^"]+)"/gi)) {
          assert.ok(m[2]!.startsWith('/') || m[2]!.startsWith(`${h.config.baseUrl}/`), `${url} loads ${m[2]}`);
        }
        assert.equal(res.headers['x-content-type-options'], 'nosniff');
      }
    });

    it('keeps no raw IP address in the database', async () => {
      const res = await h.app.inject({
        method: 'POST',
        url: PETITION,
        remoteAddress: SECRET_IP,
        headers: { ...FORM, referer: 'https://news.example/story?id=42' },
        payload: form({ given_name: 'Ip', family_name: 'Test', email: 'ip@example.org', postal_code: '10001' }),
      });
      assert.equal(res.statusCode, 303);
      const tables = ['people', 'signatures', 'consents', 'jobs', 'petitions', 'organizations'] as const;
      for (const table of tables) {
        const rows = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(h.ctx.database.db);
        assert.ok(!JSON.stringify(rows.rows).includes(SECRET_IP), `${table} holds the IP`);
      }
      const [s] = await h.ctx.database.db.selectFrom('signatures').select('referrer').execute();
      assert.equal(s!.referrer, 'https://news.example', 'only the referring site is kept, not the page');
    });

    it('limits signing per client with a clear 429 page, keyed by a rotating hash', async () => {
      let limited: Awaited<ReturnType<typeof h.app.inject>> | undefined;
      for (let i = 0; i < 25 && !limited; i++) {
        const res = await h.app.inject({
          method: 'POST',
          url: PETITION,
          remoteAddress: '198.51.100.9',
          headers: { ...FORM, 'accept-language': 'es' },
          payload: form({ given_name: 'R', family_name: 'L', email: `rl${i}@example.org`, postal_code: '10001' }),
        });
        if (res.statusCode === 429) limited = res;
        else assert.equal(res.statusCode, 303);
      }
      assert.ok(limited, 'the limit was reached');
      assert.match(limited.headers['content-type'] as string, /text\/html/);
      assert.match(limited.body, /Demasiados intentos/);
      assert.ok(limited.headers['retry-after']);
      // Another client is not affected.
      const other = await h.app.inject({
        method: 'POST',
        url: PETITION,
        remoteAddress: '198.51.100.10',
        headers: FORM,
        payload: form({ given_name: 'O', family_name: 'K', email: 'ok@example.org', postal_code: '10001' }),
      });
      assert.equal(other.statusCode, 303);
      // Page views are not limited.
      assert.equal((await h.app.inject({ url: PETITION, remoteAddress: '198.51.100.9' })).statusCode, 200);
    });

    it('derives client keys that change every hour and do not contain the address', () => {
      const key = Buffer.from('k'.repeat(32));
      const a = clientKey(key, SECRET_IP, 0);
      assert.equal(a, clientKey(key, SECRET_IP, 3_599_999));
      assert.notEqual(a, clientKey(key, SECRET_IP, 3_600_000));
      assert.ok(!a.includes('203'));
    });
  });
}
