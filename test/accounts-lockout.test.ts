// Sign-in lockout: the same answer, in the same time, for an email with an account and one
// without; a lock holds one client out of one account, so the owner still signs in from their
// own browser while an attack goes on elsewhere; an emailed link gets them in from a new one.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organizerIn, organization, cookiesFrom, csrfFrom } from './admin-helpers.ts';
import { createAccountLink } from '../src/accounts/service.ts';
import { ACCOUNT_LOCK_AFTER, CLIENT_LOCK_AFTER, DEVICE_COOKIE } from '../src/accounts/signin-throttle.ts';

const PASSWORD = 'plum orchard lantern 42';
const WRONG = 'not the password at all';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

for (const target of targets()) {
  describe(`sign-in lockout on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Lockout Coalition')).id;
    });
    after(() => h.close());

    /** A browser at one address: its cookies (CSRF, device) are kept between requests. */
    function browser(address: string) {
      let jar = '';
      const keep = (res: { headers: Record<string, unknown> }) => {
        const fresh = cookiesFrom(res);
        if (!fresh) return;
        const byName = new Map(jar.split('; ').filter(Boolean).map((c) => [c.split('=')[0]!, c] as const));
        for (const c of fresh.split('; ')) byName.set(c.split('=')[0]!, c);
        jar = [...byName.values()].join('; ');
      };
      return {
        get cookies() {
          return jar;
        },
        /** Signs in anew, as after the session ended (the device cookie stays). */
        async signIn(email: string, password: string) {
          jar = jar.split('; ').filter((c) => c && !c.startsWith('turnout_session=')).join('; ');
          const page = await h.app.inject({ url: '/admin/sign-in', remoteAddress: address, headers: jar ? { cookie: jar } : {} });
          keep(page);
          const started = performance.now();
          const res = await h.app.inject({
            method: 'POST',
            url: '/admin/sign-in',
            remoteAddress: address,
            headers: { ...FORM, cookie: jar },
            payload: form({ _csrf: csrfFrom(page.body), email, password, next: '/admin' }),
          });
          const ms = performance.now() - started;
          keep(res);
          return { status: res.statusCode, body: res.body, ms };
        },
        async follow(path: string) {
          const page = await h.app.inject({ url: path, remoteAddress: address, headers: { cookie: jar } });
          keep(page);
          return page;
        },
        async post(path: string, fields: Record<string, string>) {
          const res = await h.app.inject({ method: 'POST', url: path, remoteAddress: address, headers: { ...FORM, cookie: jar }, payload: form(fields) });
          keep(res);
          return res;
        },
      };
    }

    // What may differ between two answers is what the visitor typed back, and the form's token.
    const normalized = (body: string, email: string) => body.replaceAll(email, 'EMAIL').replace(/name="_csrf" value="[^"]+"/g, '_csrf');

    it('after as many failures, a known and an unknown email get the same status and the same page', async () => {
      await organizerIn(h, orgId, 'organizer', 'known@lock.example');
      const b = browser('10.0.0.1');
      const known: { status: number; body: string }[] = [];
      const unknown: { status: number; body: string }[] = [];
      for (let i = 0; i < CLIENT_LOCK_AFTER + 2; i++) {
        known.push(await b.signIn('known@lock.example', WRONG));
        unknown.push(await b.signIn('nobody@lock.example', WRONG));
      }
      assert.deepEqual(known.map((r) => r.status), [401, 401, 401, 401, 429, 429, 429]);
      assert.deepEqual(unknown.map((r) => r.status), known.map((r) => r.status));
      for (let i = 0; i < known.length; i++) {
        assert.equal(normalized(known[i]!.body, 'known@lock.example'), normalized(unknown[i]!.body, 'nobody@lock.example'), `answer ${i + 1}`);
      }
      // The right password from the locked client waits too: the lock says nothing about the password.
      assert.equal((await b.signIn('known@lock.example', PASSWORD)).status, 429);
    });

    it('a known and an unknown email take the same time to refuse (medians of 20 tries each)', async () => {
      await organizerIn(h, orgId, 'organizer', 'timed@lock.example');
      const known: number[] = [];
      const unknown: number[] = [];
      // Side by side, each from its own address, so the machine's noise falls on both alike.
      for (let i = 0; i < 20; i++) {
        const tries = [() => browser(`10.1.${i}.1`).signIn('timed@lock.example', WRONG), () => browser(`10.1.${i}.2`).signIn(`nobody-${i}@lock.example`, WRONG)];
        // Each goes first half of the time.
        const [k, u] = (i % 2 ? await Promise.all(tries.map((t) => t())) : (await Promise.all(tries.reverse().map((t) => t()))).reverse()) as [Awaited<ReturnType<(typeof tries)[0]>>, Awaited<ReturnType<(typeof tries)[0]>>];
        assert.equal(k.status, 401);
        assert.equal(u.status, 401);
        known.push(k.ms);
        unknown.push(u.ms);
      }
      const [mk, mu] = [median(known), median(unknown)];
      assert.ok(mk >= 400 && mu >= 400, `every failure waits at least 400 ms (${mk.toFixed(0)} / ${mu.toFixed(0)} ms)`);
      assert.ok(Math.abs(mk - mu) < 40, `medians ${mk.toFixed(1)} ms (known) and ${mu.toFixed(1)} ms (unknown) differ by under 40 ms`);
      process.stderr.write(`# ${target.name}: refusal medians known ${mk.toFixed(1)} ms, unknown ${mu.toFixed(1)} ms\n`);
    });

    it('the owner signs in from their own browser while other clients hammer the account', { timeout: 60_000 }, async () => {
      await organizerIn(h, orgId, 'owner', 'owner@lock.example');
      const own = browser('10.2.0.1');
      assert.equal((await own.signIn('owner@lock.example', PASSWORD)).status, 303);
      assert.match(own.cookies, new RegExp(`${DEVICE_COOKIE}=`), 'a successful sign-in marks the browser');

      // One attacker client: locked out of the account after five tries. The owner, elsewhere, is not.
      const attacker = browser('10.66.0.1');
      for (let i = 0; i < CLIENT_LOCK_AFTER; i++) await attacker.signIn('owner@lock.example', WRONG);
      assert.equal((await attacker.signIn('owner@lock.example', PASSWORD)).status, 429, 'the attacking client is locked');
      assert.equal((await browser('10.2.0.9').signIn('owner@lock.example', PASSWORD)).status, 303, 'a new browser of the owner is not');

      // Many clients together pass the account-wide ceiling: new browsers wait, the owner's does not.
      const clients = Math.ceil(ACCOUNT_LOCK_AFTER / CLIENT_LOCK_AFTER) + 2;
      await Promise.all(
        Array.from({ length: clients }, async (_, c) => {
          const b = browser(`10.77.${c}.1`);
          for (let i = 0; i < CLIENT_LOCK_AFTER; i++) await b.signIn('owner@lock.example', WRONG);
        }),
      );
      assert.equal((await browser('10.77.200.1').signIn('owner@lock.example', PASSWORD)).status, 429, 'a browser never used before waits');
      const same = await own.signIn('owner@lock.example', PASSWORD);
      assert.equal(same.status, 303, 'the owner signs in from their own browser during the attack');
      // Even sharing the attacker's address (one NAT), the owner's browser is told apart by its cookie.
      const device = own.cookies.split('; ').filter((c) => c.startsWith(`${DEVICE_COOKIE}=`)).join('; ');
      const nat = await h.app.inject({ url: '/admin/sign-in', remoteAddress: '10.66.0.1', headers: { cookie: device } });
      const viaNat = await h.app.inject({
        method: 'POST',
        url: '/admin/sign-in',
        remoteAddress: '10.66.0.1',
        headers: { ...FORM, cookie: [device, cookiesFrom(nat)].join('; ') },
        payload: form({ _csrf: csrfFrom(nat.body), email: 'owner@lock.example', password: PASSWORD, next: '/admin' }),
      });
      assert.equal(viaNat.statusCode, 303, 'the owner signs in from the attacker’s address with their own browser');

      // An emailed link (a password reset) gets the owner in from a new browser, and marks it.
      const fresh = browser('10.2.0.50');
      assert.equal((await fresh.signIn('owner@lock.example', PASSWORD)).status, 429);
      const user = await h.ctx.database.db.selectFrom('users').select('id').where('email', '=', 'owner@lock.example').executeTakeFirstOrThrow();
      const link = await createAccountLink(h.ctx.database.db, h.config.secretKey, { kind: 'password_reset', email: 'owner@lock.example', userId: user.id });
      const linkPage = await fresh.follow(link.path);
      assert.equal(linkPage.statusCode, 200);
      const reset = await fresh.post(link.path, { _csrf: csrfFrom(linkPage.body), password: 'quince harbour violin 77' });
      assert.equal(reset.statusCode, 303);
      assert.match(fresh.cookies, new RegExp(`${DEVICE_COOKIE}=`));
      assert.equal((await fresh.signIn('owner@lock.example', 'quince harbour violin 77')).status, 303, 'the new browser signs in after the reset');
    });

    it('stores no email and no address for failures', async () => {
      const rows = await h.ctx.database.db.selectFrom('signin_failures').selectAll().execute();
      assert.ok(rows.length > 0);
      for (const r of rows) {
        assert.doesNotMatch(r.key, /@|10\.\d+\.\d+\.\d+/);
      }
    });
  });
}
