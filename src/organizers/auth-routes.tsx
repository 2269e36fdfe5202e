import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { AdminLayout, CsrfField, ErrorSummary, Input } from '../kits/console/layout.tsx';
import { adminPage, sendAdmin } from '../kits/console/page.tsx';
import { SESSION_COOKIE, sessionCookieOptions } from '../kits/console/session.ts';
import * as accounts from '../accounts/service.ts';
import { findUserByEmail, findUser } from '../accounts/repository.ts';
import { passwordProblem } from '../accounts/passwords.ts';
import { findOrganization } from '../orgs/repository.ts';
import { JOB_PASSWORD_RESET } from '../accounts/jobs.ts';
import { normalizeEmail, isValidEmail } from '../actions/people/normalize.ts';
import { clientKey } from '../kits/pages/client-key.ts';
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_S, deviceOf, forgetAccountFailures, newDeviceCookie } from '../accounts/signin-throttle.ts';

type Body = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** Only same-site console paths are followed after sign-in, never another site. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/admin(\/[^/\\]|$|\?)/.test(next) && !next.includes('//') ? next : '/admin';
}

function SignInPage(props: { page: ReturnType<typeof adminPage>; email: string; error?: string; next: string }): JSX.Element {
  return (
    <AdminLayout page={props.page} title="Sign in">
      <h1>Sign in</h1>
      {props.error ? (
        <div class="error-summary" role="alert" tabindex="-1" {...{ autofocus: true }}>
          <p safe>{props.error}</p>
        </div>
      ) : (
        ''
      )}
      <form method="post" action="/admin/sign-in">
        <CsrfField token={props.page.csrf} />
        <input type="hidden" name="next" value={props.next} />
        <Input name="email" label="Email" type="email" value={props.email} autocomplete="username" required />
        <Input name="password" label="Password" type="password" autocomplete="current-password" required />
        <button type="submit">Sign in</button>
      </form>
      <p>
        <a href="/admin/password-reset">Forgotten your password?</a>
      </p>
    </AdminLayout>
  );
}

function setSessionCookie(ctx: Context, reply: FastifyReply, token: string) {
  reply.setCookie(SESSION_COOKIE, token, { ...sessionCookieOptions(ctx), maxAge: accounts.SESSION_MAX_MS / 1000 });
}

/** Marks this browser as one the user signed in from (it then escapes the account-wide lock), unless it already is. */
function setDeviceCookie(ctx: Context, request: FastifyRequest, reply: FastifyReply, userId: string) {
  if (deviceOf(ctx.config.secretKey, request.cookies[DEVICE_COOKIE], userId)) return;
  reply.setCookie(DEVICE_COOKIE, newDeviceCookie(ctx.config.secretKey, userId), { ...sessionCookieOptions(ctx), maxAge: DEVICE_COOKIE_MAX_AGE_S });
}

// A failed attempt is answered no sooner than this after it arrived: it slows guessing without
// hurting a typo, and every failure (wrong email, wrong password, a lock) takes the same time,
// so its length does not tell whether an account exists.
const FAILURE_ANSWER_MS = 400;
const answerNoSoonerThan = (started: number) => new Promise((r) => setTimeout(r, Math.max(0, started + FAILURE_ANSWER_MS - performance.now())));

export function authRoutes(ctx: Context) {
  const db = ctx.database.db;
  const limit = ctx.config.rateLimits ? { max: 10, timeWindow: '1 minute' } : false;
  return async function (app: FastifyInstance) {
    app.get<{ Querystring: Body }>('/sign-in', { config: { permission: 'public' } }, async (request, reply) => {
      if (request.organizer) return reply.redirect(safeNext(request.query.next), 303);
      return sendAdmin(reply, SignInPage({ page: adminPage(request, reply), email: '', next: safeNext(request.query.next) }));
    });

    app.post<{ Body: Body }>('/sign-in', { config: { permission: 'public', rateLimit: limit } }, async (request, reply) => {
      const started = performance.now();
      const email = str(request.body?.email).slice(0, 254);
      const password = str(request.body?.password).slice(0, 1000);
      const next = safeNext(request.body?.next);
      const result = await accounts.signIn(db, ctx.config.secretKey, {
        email,
        password,
        clientKey: clientKey(ctx.config.secretKey, request.ip),
        deviceCookie: request.cookies[DEVICE_COOKIE],
      });
      if (result.kind === 'ok') {
        setSessionCookie(ctx, reply, result.token);
        if (result.device) reply.setCookie(DEVICE_COOKIE, result.device, { ...sessionCookieOptions(ctx), maxAge: DEVICE_COOKIE_MAX_AGE_S });
        return reply.redirect(result.secondFactorNeeded ? `/admin/two-factor?next=${encodeURIComponent(next)}` : next, 303);
      }
      await answerNoSoonerThan(started);
      const error =
        result.kind === 'locked'
          ? 'Too many tries for this account. Wait a few minutes, then try again, or reset your password.'
          : 'The email or password is not right. Check them and try again.';
      return sendAdmin(reply, SignInPage({ page: adminPage(request, reply), email, error, next }), result.kind === 'locked' ? 429 : 401);
    });

    app.get<{ Querystring: Body }>('/two-factor', { config: { permission: 'public' } }, async (request, reply) => {
      if (!request.organizer) return reply.redirect('/admin/sign-in', 303);
      return sendAdmin(reply, TwoFactorPage({ page: adminPage(request, reply), next: safeNext(request.query.next) }));
    });

    app.post<{ Body: Body }>('/two-factor', { config: { permission: 'public', rateLimit: limit } }, async (request, reply) => {
      const organizer = request.organizer;
      if (!organizer) return reply.redirect('/admin/sign-in', 303);
      const started = performance.now();
      const ok = await accounts.verifySecondFactor(db, ctx.config.secretKey, organizer.session, str(request.body?.code).slice(0, 40));
      if (ok) {
        setDeviceCookie(ctx, request, reply, organizer.session.user_id);
        return reply.redirect(safeNext(request.body?.next), 303);
      }
      await answerNoSoonerThan(started);
      return sendAdmin(reply, TwoFactorPage({ page: adminPage(request, reply), next: safeNext(request.body?.next), error: 'That code is not right. Enter the 6-digit code your app shows now, or a recovery code.' }), 401);
    });

    app.post('/sign-out', { config: { permission: 'signed_in' } }, async (request, reply) => {
      await accounts.signOut(db, request.organizer!.session.id);
      reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(ctx));
      return reply.redirect('/admin/sign-in', 303);
    });

    app.get('/password-reset', { config: { permission: 'public' } }, async (request, reply) => {
      return sendAdmin(reply, ResetRequestPage({ page: adminPage(request, reply) }));
    });

    app.post<{ Body: Body }>('/password-reset', { config: { permission: 'public', rateLimit: limit } }, async (request, reply) => {
      const email = normalizeEmail(str(request.body?.email).slice(0, 254));
      if (!isValidEmail(email)) {
        return sendAdmin(reply, ResetRequestPage({ page: adminPage(request, reply), error: 'Enter an email address in the right format, like name@example.org', email }), 422);
      }
      const user = await findUserByEmail(db, email);
      if (user) {
        const link = await accounts.createAccountLink(db, ctx.config.secretKey, { kind: 'password_reset', email, userId: user.id });
        await ctx.committer.submit(async (uow) => {
          uow.enqueue(JOB_PASSWORD_RESET, { linkId: link.id });
        });
      }
      // The same answer whether or not the email has an account.
      return sendAdmin(
        reply,
        <AdminLayout page={adminPage(request, reply)} title="Check your email">
          <h1>Check your email</h1>
          <p>If there is an account for that address, we have sent it a link to choose a new password. The link works once, for one hour.</p>
        </AdminLayout>,
      );
    });

    type LinkParams = { Params: { id: string; token: string }; Body: Body };
    app.get<LinkParams>('/links/:id/:token', { config: { permission: 'public' } }, async (request, reply) => linkPage(ctx, request, reply));
    app.post<LinkParams>('/links/:id/:token', { config: { permission: 'public', rateLimit: limit } }, async (request, reply) => {
      const { id, token } = request.params;
      const link = await accounts.findLiveLink(db, ctx.config.secretKey, id, token);
      if (!link) return deadLink(request, reply);
      const existing = link.user_id ? await findUser(db, link.user_id) : await findUserByEmail(db, link.email);
      const password = str(request.body?.password);
      const name = str(request.body?.name).trim();
      // Joining with an existing account needs no new password: the link proves the address.
      const joiningOnly = link.kind === 'invitation' && existing?.password_hash;
      if (!joiningOnly) {
        const errors: Record<string, string | undefined> = {};
        if (!existing && !name) errors.name = 'Enter your name';
        if (name.length > 100) errors.name = 'Your name must be 100 characters or fewer';
        const problem = passwordProblem(password, [link.email, name]);
        if (problem) errors.password = accounts.passwordMessage(problem);
        if (errors.name || errors.password) return linkPage(ctx, request, reply, errors, 422);
      }
      // Spent and acted on in one transaction: the same link posted twice at once makes one account.
      const userId = await accounts.redeemLink(db, link, { existingId: existing?.id ?? null, name, password: joiningOnly ? null : password });
      if (!userId) return deadLink(request, reply);
      const user = (await findUser(db, userId))!;
      // The link proves the address: the account's lock (an attack from elsewhere) does not hold this browser out.
      await forgetAccountFailures(db, ctx.config.secretKey, user.email);
      const sessionToken = await accounts.startSession(db, user.id, user.totp_enabled_at === null);
      setSessionCookie(ctx, reply, sessionToken);
      if (!user.totp_enabled_at) setDeviceCookie(ctx, request, reply, user.id);
      return reply.redirect(user.totp_enabled_at ? '/admin/two-factor' : '/admin', 303);
    });
  };
}

function deadLink(request: FastifyRequest, reply: FastifyReply) {
  return sendAdmin(
    reply,
    <AdminLayout page={adminPage(request, reply)} title="This link does not work">
      <h1>This link does not work</h1>
      <p>It may have been used already, have expired, or been copied incompletely. Ask for a new one.</p>
      <p>
        <a href="/admin/password-reset">Reset your password</a>
      </p>
    </AdminLayout>,
    404,
  );
}

async function linkPage(ctx: Context, request: FastifyRequest<{ Params: { id: string; token: string } }>, reply: FastifyReply, errors: Record<string, string | undefined> = {}, status = 200) {
  const db = ctx.database.db;
  const link = await accounts.findLiveLink(db, ctx.config.secretKey, request.params.id, request.params.token);
  if (!link) return deadLink(request, reply);
  const existing = link.user_id ? await findUser(db, link.user_id) : await findUserByEmail(db, link.email);
  const org = link.organization_id ? await findOrganization(db, link.organization_id) : undefined;
  const page = adminPage(request, reply);
  const title = link.kind === 'invitation' ? `Join ${org?.name ?? 'the organization'}` : link.kind === 'password_reset' ? 'Choose a new password' : 'Set your password';
  const joiningOnly = link.kind === 'invitation' && existing?.password_hash;
  return sendAdmin(
    reply,
    <AdminLayout page={page} title={title}>
      <h1 safe>{title}</h1>
      <ErrorSummary errors={errors} />
      {link.kind === 'invitation' ? (
        <p safe>{`You have been invited to ${org?.name ?? 'an organization'} on turnout as ${link.role ?? 'a member'}, with the address ${link.email}.`}</p>
      ) : (
        ''
      )}
      <form method="post" action={`/admin/links/${request.params.id}/${request.params.token}`}>
        <CsrfField token={page.csrf} />
        {joiningOnly ? (
          ''
        ) : (
          <>
            {existing ? '' : <Input name="name" label="Your name" autocomplete="name" error={errors.name} required />}
            <Input name="password" label="Password" type="password" autocomplete="new-password" hint="At least 10 characters. A few unrelated words make a strong password." error={errors.password} required />
          </>
        )}
        <button type="submit">{joiningOnly ? 'Join' : 'Save and sign in'}</button>
      </form>
    </AdminLayout>,
    status,
  );
}

function TwoFactorPage(props: { page: ReturnType<typeof adminPage>; next: string; error?: string }): JSX.Element {
  return (
    <AdminLayout page={props.page} title="Two-factor sign-in">
      <h1>Two-factor sign-in</h1>
      <ErrorSummary errors={{ code: props.error }} />
      <form method="post" action="/admin/two-factor">
        <CsrfField token={props.page.csrf} />
        <input type="hidden" name="next" value={props.next} />
        <Input name="code" label="Code" hint="The 6-digit code from your authenticator app, or one of your recovery codes." autocomplete="one-time-code" inputmode="numeric" error={props.error} required />
        <button type="submit">Continue</button>
      </form>
    </AdminLayout>
  );
}

function ResetRequestPage(props: { page: ReturnType<typeof adminPage>; error?: string; email?: string }): JSX.Element {
  return (
    <AdminLayout page={props.page} title="Reset your password">
      <h1>Reset your password</h1>
      <ErrorSummary errors={{ email: props.error }} />
      <form method="post" action="/admin/password-reset">
        <CsrfField token={props.page.csrf} />
        <Input name="email" label="Email" type="email" value={props.email} autocomplete="username" error={props.error} required />
        <button type="submit">Send me a link</button>
      </form>
    </AdminLayout>
  );
}
