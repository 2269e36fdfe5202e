import type { FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';
import { AdminLayout, CsrfField, ErrorSummary, Input, Radios } from '../kits/console/layout.tsx';
import { adminPage, sendAdmin } from '../kits/console/page.tsx';
import { SESSION_COOKIE, sessionCookieOptions } from '../kits/console/session.ts';
import * as accounts from '../accounts/service.ts';
import { findUser, unusedRecoveryCodes, updateSession, updateUser } from '../accounts/repository.ts';
import { seal, unseal } from '../accounts/secrets.ts';

type Body = Record<string, unknown>;
const PENDING_TOTP_COOKIE = 'turnout_totp_setup';

/** The languages of turnout's emails to an organizer; '' keeps the default (English). */
const EMAIL_LANGUAGES: [string, string][] = [
  ['', 'The organization’s default (English)'],
  ['en', 'English'],
  ['es', 'Español'],
];

/** Your account: two-factor on and off, recovery codes, the language of emails to you, sign out everywhere, switch organization. */
export function accountRoutes(ctx: Context) {
  const db = ctx.database.db;
  return async function (app: FastifyInstance) {
    app.get<{ Querystring: Body }>('/account', { config: { permission: 'signed_in' } }, async (request, reply) => {
      const organizer = request.organizer!;
      const user = (await findUser(db, organizer.session.user_id))!;
      const notice = request.query.enroll
        ? `${organizer.organization?.name ?? 'This organization'} requires two-factor sign-in. Turn it on to continue.`
        : request.query.saved === 'language'
          ? 'The language of your emails is saved.'
          : undefined;
      const page = adminPage(request, reply, notice);
      // A new secret is kept, sealed, in a cookie until the user proves their app has it.
      const pending = request.cookies[PENDING_TOTP_COOKIE];
      let secret = pending ? safeUnseal(ctx.config.secretKey, pending) : undefined;
      if (!user.totp_enabled_at && !secret) {
        secret = accounts.newTotpSecret();
        reply.setCookie(PENDING_TOTP_COOKIE, seal(ctx.config.secretKey, secret), { ...sessionCookieOptions(ctx), maxAge: 900 });
      }
      const remaining = user.totp_enabled_at ? await unusedRecoveryCodes(db, user.id) : 0;
      return sendAdmin(reply, <AccountPage page={page} email={user.email} name={user.name} language={user.language} enabled={Boolean(user.totp_enabled_at)} secret={secret} remaining={remaining} />);
    });

    app.post<{ Body: Body }>('/account/language', { config: { permission: 'signed_in' } }, async (request, reply) => {
      const organizer = request.organizer!;
      const choice = request.body?.language;
      if (typeof choice !== 'string' || !EMAIL_LANGUAGES.some(([value]) => value === choice)) {
        const user = (await findUser(db, organizer.session.user_id))!;
        const remaining = user.totp_enabled_at ? await unusedRecoveryCodes(db, user.id) : 0;
        const pending = request.cookies[PENDING_TOTP_COOKIE];
        const secret = !user.totp_enabled_at && pending ? safeUnseal(ctx.config.secretKey, pending) : undefined;
        const page = adminPage(request, reply);
        return sendAdmin(reply, <AccountPage page={page} email={user.email} name={user.name} language={user.language} enabled={Boolean(user.totp_enabled_at)} secret={secret} remaining={remaining} languageError="Choose English, Español or the organization’s default." />, 422);
      }
      await updateUser(db, organizer.session.user_id, { language: choice === '' ? null : choice, modified_at: new Date().toISOString() });
      return reply.redirect('/admin/account?saved=language', 303);
    });

    app.post<{ Body: Body }>('/account/two-factor', { config: { permission: 'signed_in' } }, async (request, reply) => {
      const organizer = request.organizer!;
      const user = (await findUser(db, organizer.session.user_id))!;
      const pending = request.cookies[PENDING_TOTP_COOKIE];
      const secret = pending ? safeUnseal(ctx.config.secretKey, pending) : undefined;
      const code = typeof request.body?.code === 'string' ? request.body.code.slice(0, 20) : '';
      const codes = secret ? await accounts.enableTwoFactor(db, ctx.config.secretKey, user.id, secret, code) : null;
      if (!codes) {
        const page = adminPage(request, reply);
        return sendAdmin(reply, <AccountPage page={page} email={user.email} name={user.name} language={user.language} enabled={false} secret={secret} remaining={0} error="That code is not right. Enter the 6-digit code your app shows now." />, 422);
      }
      reply.clearCookie(PENDING_TOTP_COOKIE, sessionCookieOptions(ctx));
      for (const m of organizer.memberships) await accounts.audit(db, { organizationId: m.id, userId: user.id, action: 'user.two_factor_enabled' });
      return sendAdmin(
        reply,
        <AdminLayout page={adminPage(request, reply)} title="Two-factor sign-in is on">
          <h1>Two-factor sign-in is on</h1>
          <p>Keep these recovery codes somewhere safe, apart from your phone. Each works once if you lose your authenticator app. They are shown only now.</p>
          <ul class="codes" aria-label="Recovery codes">
            {codes.map((c) => (
              <li safe>{c}</li>
            ))}
          </ul>
          <p>
            <a href="/admin">Continue to the console</a>
          </p>
        </AdminLayout>,
      );
    });

    app.post<{ Body: Body }>('/account/two-factor/disable', { config: { permission: 'signed_in' } }, async (request, reply) => {
      const organizer = request.organizer!;
      if (organizer.memberships.some((m) => m.require_two_factor)) {
        return reply.redirect('/admin/account', 303);
      }
      await accounts.disableTwoFactor(db, organizer.session.user_id);
      for (const m of organizer.memberships) await accounts.audit(db, { organizationId: m.id, userId: organizer.session.user_id, action: 'user.two_factor_disabled' });
      return reply.redirect('/admin/account', 303);
    });

    app.post('/account/sign-out-everywhere', { config: { permission: 'signed_in' } }, async (request, reply) => {
      await accounts.signOutEverywhere(db, request.organizer!.session.user_id);
      reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(ctx));
      return reply.redirect('/admin/sign-in', 303);
    });

    app.post<{ Body: Body }>('/switch', { config: { permission: 'signed_in' } }, async (request, reply) => {
      const organizer = request.organizer!;
      const target = organizer.memberships.find((m) => m.id === request.body?.organization_id);
      if (!target) return reply.redirect('/admin', 303);
      await updateSession(db, organizer.session.id, { organization_id: target.id });
      return reply.redirect('/admin', 303);
    });
  };
}

function safeUnseal(key: Buffer, sealed: string): string | undefined {
  try {
    return unseal(key, sealed);
  } catch {
    return undefined;
  }
}

function AccountPage(props: { page: ReturnType<typeof adminPage>; email: string; name: string; language: string | null; enabled: boolean; secret?: string; remaining: number; error?: string; languageError?: string }): JSX.Element {
  const { page } = props;
  return (
    <AdminLayout page={page} title="Your account">
      <h1>Your account</h1>
      <p>
        <span safe>{props.name}</span> · <span safe>{props.email}</span>
      </p>
      <h2>Two-factor sign-in</h2>
      <ErrorSummary errors={{ code: props.error }} />
      {props.enabled ? (
        <>
          <p safe>{`Two-factor sign-in is on. You have ${props.remaining} unused recovery codes.`}</p>
          <form method="post" action="/admin/account/two-factor/disable">
            <CsrfField token={page.csrf} />
            <button type="submit" class="secondary">
              Turn two-factor sign-in off
            </button>
          </form>
        </>
      ) : props.secret ? (
        <>
          <p>Add this key to an authenticator app (such as FreeOTP, Aegis or 2FAS), then enter the code it shows.</p>
          <p class="secret" id="totp-secret" safe>
            {props.secret}
          </p>
          <p>
            Or open this link on the phone with the app: <a href={accounts.totpUri(props.email, props.secret)}>add to authenticator</a>
          </p>
          <form method="post" action="/admin/account/two-factor">
            <CsrfField token={page.csrf} />
            <Input name="code" label="Code from your app" autocomplete="one-time-code" inputmode="numeric" error={props.error} required />
            <button type="submit">Turn on two-factor sign-in</button>
          </form>
        </>
      ) : (
        ''
      )}
      <h2>Emails to you</h2>
      <p>The language turnout writes to you in, such as the daily list of events waiting for review. The console itself is in English.</p>
      <ErrorSummary errors={{ language: props.languageError }} />
      <form method="post" action="/admin/account/language">
        <CsrfField token={page.csrf} />
        <Radios name="language" legend="Language of your emails" value={props.language ?? ''} error={props.languageError} options={EMAIL_LANGUAGES} />
        <button type="submit" class="secondary">
          Save the language
        </button>
      </form>
      <h2>Sessions</h2>
      <form method="post" action="/admin/account/sign-out-everywhere">
        <CsrfField token={page.csrf} />
        <button type="submit" class="secondary">
          Sign out everywhere
        </button>
      </form>
    </AdminLayout>
  );
}
