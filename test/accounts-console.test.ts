import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as OTPAuth from 'otpauth';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organizerIn, organization, cookiesFrom, csrfFrom } from './admin-helpers.ts';
import { createUser, grantRole, createAccountLink } from '../src/accounts/service.ts';

const PASSWORD = 'plum orchard lantern 42';

for (const target of targets()) {
  describe(`console sign-in and accounts on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Faces Not Data')).id;
    });
    after(() => h.close());

    async function signInForm(email: string, password: string, jar = '') {
      const page = await h.app.inject({ url: '/admin/sign-in', headers: jar ? { cookie: jar } : {} });
      const cookie = [jar, cookiesFrom(page)].filter(Boolean).join('; ');
      const res = await h.app.inject({ method: 'POST', url: '/admin/sign-in', headers: { ...FORM, cookie }, payload: form({ _csrf: csrfFrom(page.body), email, password, next: '/admin' }) });
      return { res, cookie: [cookie, cookiesFrom(res)].filter(Boolean).join('; ') };
    }

    it('signs in with labelled Email and Password fields and shows the dashboard', async () => {
      await organizerIn(h, orgId, 'owner', 'owner@fnd.example');
      const page = await h.app.inject({ url: '/admin/sign-in' });
      assert.match(page.body, /<label for="email">Email<\/label>/);
      assert.match(page.body, /<label for="password">Password<\/label>/);
      const { res, cookie } = await signInForm('Owner@FND.example', PASSWORD);
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/admin');
      const setCookie = String(res.headers['set-cookie']);
      assert.match(setCookie, /turnout_session=/);
      assert.match(setCookie, /HttpOnly/);
      assert.match(setCookie, /SameSite=Lax/);
      const dash = await h.app.inject({ url: '/admin', headers: { cookie } });
      assert.equal(dash.statusCode, 200);
      assert.match(dash.body, /<h1>Faces Not Data<\/h1>/);
    });

    it('answers a wrong password and an unknown email the same way', async () => {
      const wrong = await signInForm('owner@fnd.example', 'not the password at all');
      const unknown = await signInForm('nobody@fnd.example', 'not the password at all');
      assert.equal(wrong.res.statusCode, 401);
      assert.equal(unknown.res.statusCode, 401);
      const msg = (b: string) => /<div class="error-summary"[^>]*><p>([^<]+)/.exec(b)?.[1];
      assert.equal(msg(wrong.res.body), msg(unknown.res.body));
      assert.match(msg(wrong.res.body)!, /email or password is not right/);
    });

    it('refuses a form without its CSRF token and changes nothing', async () => {
      const owner = await organizerIn(h, orgId, 'owner', 'csrf-owner@fnd.example');
      const res = await h.app.inject({ method: 'POST', url: '/admin/settings', headers: { ...FORM, cookie: owner.cookie }, payload: form({ require_two_factor: 'yes' }) });
      assert.equal(res.statusCode, 403);
      const wrongToken = await h.app.inject({ method: 'POST', url: '/admin/settings', headers: { ...FORM, cookie: owner.cookie }, payload: form({ _csrf: 'x'.repeat(owner.csrf.length), require_two_factor: 'yes' }) });
      assert.equal(wrongToken.statusCode, 403);
      const org = await h.ctx.database.db.selectFrom('organizations').select('require_two_factor').where('id', '=', orgId).executeTakeFirstOrThrow();
      assert.equal(org.require_two_factor, 0);
      const signIn = await h.app.inject({ method: 'POST', url: '/admin/sign-in', headers: FORM, payload: form({ email: 'owner@fnd.example', password: PASSWORD }) });
      assert.equal(signIn.statusCode, 403, 'sign-in needs its token too (login CSRF)');
    });

    it('locks an account for a while after repeated failures, then lets the owner back in', async () => {
      await organizerIn(h, orgId, 'organizer', 'locked@fnd.example');
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await signInForm('locked@fnd.example', 'wrong password here')).res.statusCode);
      assert.deepEqual(statuses, [401, 401, 401, 401, 429]);
      const right = await signInForm('locked@fnd.example', PASSWORD);
      assert.equal(right.res.statusCode, 429, 'even the right password waits during the lock');
      assert.match(right.res.body, /Wait a few minutes/);
      // The lock is this client's, on this account (test/accounts-lockout.test.ts has the rest).
      const lock = await h.ctx.database.db.selectFrom('signin_failures').select('locked_until').where('locked_until', 'is not', null).executeTakeFirstOrThrow();
      const lockMs = Date.parse(lock.locked_until!) - Date.now();
      assert.ok(lockMs > 0 && lockMs <= 60_000, `the first lock is short (${lockMs} ms)`);
      await h.ctx.database.db.updateTable('signin_failures').set({ locked_until: new Date(Date.now() - 1).toISOString() }).execute();
      assert.equal((await signInForm('locked@fnd.example', PASSWORD)).res.statusCode, 303);
    });

    it('turns on two-factor, then asks for a code at sign-in; a recovery code works once', async () => {
      const me = await organizerIn(h, orgId, 'admin', 'twofa@fnd.example');
      const account = await h.app.inject({ url: '/admin/account', headers: { cookie: me.cookie } });
      const secret = /id="totp-secret">([A-Z2-7]+)</.exec(account.body)![1]!;
      const jar = `${me.cookie}; ${cookiesFrom(account)}`;
      const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
      const bad = await h.app.inject({ method: 'POST', url: '/admin/account/two-factor', headers: { ...FORM, cookie: jar }, payload: form({ _csrf: me.csrf, code: '000000' }) });
      assert.equal(bad.statusCode, 422);
      const enableCode = totp.generate();
      const on = await h.app.inject({ method: 'POST', url: '/admin/account/two-factor', headers: { ...FORM, cookie: jar }, payload: form({ _csrf: me.csrf, code: enableCode }) });
      assert.equal(on.statusCode, 200);
      const codes = [...on.body.matchAll(/<li>([0-9a-f]{5}-[0-9a-f]{5})<\/li>/g)].map((m) => m[1]!);
      assert.equal(codes.length, 10);

      const first = await signInForm('twofa@fnd.example', PASSWORD);
      assert.equal(first.res.statusCode, 303);
      assert.match(first.res.headers.location as string, /^\/admin\/two-factor/);
      const blocked = await h.app.inject({ url: '/admin', headers: { cookie: first.cookie } });
      assert.equal(blocked.statusCode, 303);
      assert.equal(blocked.headers.location, '/admin/two-factor?next=%2Fadmin', 'the page asked for is kept');
      const tfPage = await h.app.inject({ url: '/admin/two-factor', headers: { cookie: first.cookie } });
      const csrf = csrfFrom(tfPage.body);
      const wrong = await h.app.inject({ method: 'POST', url: '/admin/two-factor', headers: { ...FORM, cookie: first.cookie }, payload: form({ _csrf: csrf, code: '123456', next: '/admin' }) });
      assert.equal(wrong.statusCode, 401);
      const replay = await h.app.inject({ method: 'POST', url: '/admin/two-factor', headers: { ...FORM, cookie: first.cookie }, payload: form({ _csrf: csrf, code: enableCode, next: '/admin' }) });
      assert.equal(replay.statusCode, 401, 'the code that turned two-factor on does not work again');
      // The next 30-second step's code (accepted within the ±1 step allowed for clock drift).
      const nextCode = totp.generate({ timestamp: Date.now() + 30_000 });
      const right = await h.app.inject({ method: 'POST', url: '/admin/two-factor', headers: { ...FORM, cookie: first.cookie }, payload: form({ _csrf: csrf, code: nextCode, next: '/admin' }) });
      assert.equal(right.statusCode, 303);
      assert.equal((await h.app.inject({ url: '/admin', headers: { cookie: first.cookie } })).statusCode, 200);

      const second = await signInForm('twofa@fnd.example', PASSWORD);
      const csrf2 = csrfFrom((await h.app.inject({ url: '/admin/two-factor', headers: { cookie: second.cookie } })).body);
      const recovery = await h.app.inject({ method: 'POST', url: '/admin/two-factor', headers: { ...FORM, cookie: second.cookie }, payload: form({ _csrf: csrf2, code: codes[0]!.toUpperCase(), next: '/admin' }) });
      assert.equal(recovery.statusCode, 303);
      const third = await signInForm('twofa@fnd.example', PASSWORD);
      const csrf3 = csrfFrom((await h.app.inject({ url: '/admin/two-factor', headers: { cookie: third.cookie } })).body);
      const reused = await h.app.inject({ method: 'POST', url: '/admin/two-factor', headers: { ...FORM, cookie: third.cookie }, payload: form({ _csrf: csrf3, code: codes[0]!, next: '/admin' }) });
      assert.equal(reused.statusCode, 401, 'a recovery code works once');
    });

    it('sends members of an organization that requires two-factor to turn it on first', async () => {
      const org2 = await organization(h, 'Strict Group');
      const owner = await organizerIn(h, org2.id, 'owner', 'strict-owner@fnd.example');
      const save = await h.app.inject({ method: 'POST', url: '/admin/settings', headers: { ...FORM, cookie: owner.cookie }, payload: form({ _csrf: owner.csrf, require_two_factor: 'yes' }) });
      assert.equal(save.statusCode, 200);
      const dash = await h.app.inject({ url: '/admin', headers: { cookie: owner.cookie } });
      assert.equal(dash.statusCode, 303);
      assert.equal(dash.headers.location, '/admin/account?enroll=1');
      const account = await h.app.inject({ url: '/admin/account?enroll=1', headers: { cookie: owner.cookie } });
      assert.match(account.body, /requires two-factor sign-in/);
    });

    it('invites by email with a single-use link that creates the account with its role', async () => {
      const owner = await organizerIn(h, orgId, 'owner', 'inviter@fnd.example');
      h.mailer.sent = [];
      const res = await h.app.inject({ method: 'POST', url: '/admin/members/invite', headers: { ...FORM, cookie: owner.cookie }, payload: form({ _csrf: owner.csrf, email: 'New.Member@fnd.example', role: 'viewer' }) });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Invitation sent/);
      await h.runJobs();
      const mail = h.mailer.sent.find((m) => m.to === 'new.member@fnd.example')!;
      assert.ok(mail, 'invitation emailed');
      const path = /http:\/\/turnout\.test(\/admin\/links\/\S+)/.exec(mail.text)![1]!;
      const page = await h.app.inject({ url: path });
      assert.match(page.body, /Join Faces Not Data/);
      const jar = cookiesFrom(page);
      const weak = await h.app.inject({ method: 'POST', url: path, headers: { ...FORM, cookie: jar }, payload: form({ _csrf: csrfFrom(page.body), name: 'New Member', password: 'password123' }) });
      assert.equal(weak.statusCode, 422);
      assert.match(weak.body, /too common or too easy to guess/);
      const ok = await h.app.inject({ method: 'POST', url: path, headers: { ...FORM, cookie: jar }, payload: form({ _csrf: csrfFrom(page.body), name: 'New Member', password: PASSWORD }) });
      assert.equal(ok.statusCode, 303);
      const member = await h.ctx.database.db.selectFrom('memberships').innerJoin('users', 'users.id', 'memberships.user_id').select('role').where('users.email', '=', 'new.member@fnd.example').executeTakeFirstOrThrow();
      assert.equal(member.role, 'viewer');
      const again = await h.app.inject({ url: path });
      assert.equal(again.statusCode, 404, 'the link works once');
    });

    it('resets a password by email without saying whether the account exists, and ends old sessions', async () => {
      const me = await organizerIn(h, orgId, 'organizer', 'forgetful@fnd.example');
      const page = await h.app.inject({ url: '/admin/password-reset' });
      const jar = cookiesFrom(page);
      h.mailer.sent = [];
      const known = await h.app.inject({ method: 'POST', url: '/admin/password-reset', headers: { ...FORM, cookie: jar }, payload: form({ _csrf: csrfFrom(page.body), email: 'forgetful@fnd.example' }) });
      const unknown = await h.app.inject({ method: 'POST', url: '/admin/password-reset', headers: { ...FORM, cookie: jar }, payload: form({ _csrf: csrfFrom(page.body), email: 'stranger@fnd.example' }) });
      assert.equal(known.statusCode, 200);
      assert.equal(known.body, unknown.body);
      await h.runJobs();
      assert.equal(h.mailer.sent.length, 1);
      const path = /http:\/\/turnout\.test(\/admin\/links\/\S+)/.exec(h.mailer.sent[0]!.text)![1]!;
      const resetPage = await h.app.inject({ url: path });
      const done = await h.app.inject({ method: 'POST', url: path, headers: { ...FORM, cookie: cookiesFrom(resetPage) }, payload: form({ _csrf: csrfFrom(resetPage.body), password: 'new quiet harbour 77' }) });
      assert.equal(done.statusCode, 303);
      assert.equal((await h.app.inject({ url: '/admin', headers: { cookie: me.cookie } })).statusCode, 303, 'the old session has ended');
      assert.equal((await signInForm('forgetful@fnd.example', 'new quiet harbour 77')).res.statusCode, 303);
      assert.equal((await h.app.inject({ url: path })).statusCode, 404, 'the reset link works once');
      const expired = await createAccountLink(h.ctx.database.db, h.config.secretKey, { kind: 'password_reset', email: 'forgetful@fnd.example', userId: me.userId });
      await h.ctx.database.db.updateTable('account_links').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', expired.id).execute();
      assert.equal((await h.app.inject({ url: expired.path })).statusCode, 404, 'an expired link does not work');
    });

    it('writes the password reset in the language the account chose, else English', async () => {
      await organizerIn(h, orgId, 'organizer', 'spanish@fnd.example');
      await organizerIn(h, orgId, 'organizer', 'english@fnd.example');
      await h.ctx.database.db.updateTable('users').set({ language: 'es' }).where('email', '=', 'spanish@fnd.example').execute();
      const page = await h.app.inject({ url: '/admin/password-reset' });
      const jar = cookiesFrom(page);
      h.mailer.sent = [];
      for (const email of ['spanish@fnd.example', 'english@fnd.example']) {
        const res = await h.app.inject({ method: 'POST', url: '/admin/password-reset', headers: { ...FORM, cookie: jar }, payload: form({ _csrf: csrfFrom(page.body), email }) });
        assert.equal(res.statusCode, 200);
      }
      await h.runJobs();
      const es = h.mailer.sent.find((m) => m.to === 'spanish@fnd.example')!;
      assert.equal(es.language, 'es');
      assert.equal(es.subject, 'Elige una nueva contraseña de turnout');
      assert.match(es.text, /^Hola:\n\nAlguien pidió restablecer la contraseña/);
      assert.match(es.text, /http:\/\/turnout\.test\/admin\/links\/\S+/);
      const en = h.mailer.sent.find((m) => m.to === 'english@fnd.example')!;
      assert.equal(en.language, 'en');
      assert.equal(en.subject, 'Choose a new turnout password');
      assert.match(en.text, /Choose a new password \(the link works once, for one hour\):\nhttp:\/\/turnout\.test\/admin\/links\//);
    });

    it('signs out everywhere', async () => {
      const me = await organizerIn(h, orgId, 'organizer', 'everywhere@fnd.example');
      const other = await signInForm('everywhere@fnd.example', PASSWORD);
      const res = await h.app.inject({ method: 'POST', url: '/admin/account/sign-out-everywhere', headers: { ...FORM, cookie: me.cookie }, payload: form({ _csrf: me.csrf }) });
      assert.equal(res.statusCode, 303);
      assert.equal((await h.app.inject({ url: '/admin', headers: { cookie: me.cookie } })).statusCode, 303);
      assert.equal((await h.app.inject({ url: '/admin', headers: { cookie: other.cookie } })).statusCode, 303);
    });

    it('keeps roles in their lane, and at least one owner', async () => {
      const org3 = await organization(h, 'Roles Group');
      const owner = await organizerIn(h, org3.id, 'owner', 'r-owner@fnd.example');
      const admin = await organizerIn(h, org3.id, 'admin', 'r-admin@fnd.example');
      const viewer = await organizerIn(h, org3.id, 'viewer', 'r-viewer@fnd.example');
      assert.equal((await h.app.inject({ url: '/admin/members', headers: { cookie: viewer.cookie } })).statusCode, 403);
      assert.equal((await h.app.inject({ url: '/admin/audit', headers: { cookie: admin.cookie } })).statusCode, 403);
      const promote = await h.app.inject({ method: 'POST', url: `/admin/members/${viewer.userId}/role`, headers: { ...FORM, cookie: admin.cookie }, payload: form({ _csrf: admin.csrf, role: 'owner' }) });
      assert.equal(promote.statusCode, 403, 'an admin cannot make owners');
      const demoteSelf = await h.app.inject({ method: 'POST', url: `/admin/members/${owner.userId}/role`, headers: { ...FORM, cookie: owner.cookie }, payload: form({ _csrf: owner.csrf, role: 'viewer' }) });
      assert.equal(demoteSelf.statusCode, 409, 'the last owner stays');
      const ok = await h.app.inject({ method: 'POST', url: `/admin/members/${viewer.userId}/role`, headers: { ...FORM, cookie: admin.cookie }, payload: form({ _csrf: admin.csrf, role: 'organizer' }) });
      assert.equal(ok.statusCode, 200);
      const audit = await h.app.inject({ url: '/admin/audit', headers: { cookie: owner.cookie } });
      assert.equal(audit.statusCode, 200);
      // The audit log reads as a sentence with the members' names, not the kind and an email.
      assert.match(audit.body, /r-admin made r-viewer an organizer at \d\d:\d\d/);
      assert.doesNotMatch(audit.body, /role\.changed/);
    });

    it('switches between organizations the user belongs to, and no others', async () => {
      const a = await organization(h, 'Switch A');
      const b = await organization(h, 'Switch B');
      const c = await organization(h, 'Switch C');
      const me = await organizerIn(h, a.id, 'organizer', 'switcher@fnd.example');
      await grantRole(h.ctx.database.db, { userId: me.userId, organizationId: b.id, role: 'viewer', byUserId: null });
      const toC = await h.app.inject({ method: 'POST', url: '/admin/switch', headers: { ...FORM, cookie: me.cookie }, payload: form({ _csrf: me.csrf, organization_id: c.id }) });
      assert.equal(toC.statusCode, 303);
      assert.match((await h.app.inject({ url: '/admin', headers: { cookie: me.cookie } })).body, /<h1>Switch A<\/h1>/);
      await h.app.inject({ method: 'POST', url: '/admin/switch', headers: { ...FORM, cookie: me.cookie }, payload: form({ _csrf: me.csrf, organization_id: b.id }) });
      assert.match((await h.app.inject({ url: '/admin', headers: { cookie: me.cookie } })).body, /<h1>Switch B<\/h1>/);
    });

    it('refuses weak passwords when accounts are created', async () => {
      await assert.rejects(createUser(h.ctx.database.db, { email: 'weak@fnd.example', name: 'W', password: 'qwertyuiop' }), /too common/);
      await assert.rejects(createUser(h.ctx.database.db, { email: 'short@fnd.example', name: 'S', password: 'abc' }), /at least 10/);
    });
  });
}
