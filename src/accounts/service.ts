import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { UserError } from '../util/errors.ts';
import type { Kysely } from 'kysely';
import * as OTPAuth from 'otpauth';
import type { Database, Role } from '../db/schema.ts';
import { newId, nowIso } from '../util/ids.ts';
import { normalizeEmail, isValidEmail } from '../actions/people/normalize.ts';
import { hashPassword, passwordProblem, verifyPassword, type PasswordProblem } from './passwords.ts';
import { hashToken, newToken, seal, unseal } from './secrets.ts';
import * as repo from './repository.ts';
import { deviceOf, forgetClientFailures, lockedUntil, newDeviceCookie, recordFailure, throttleKeys } from './signin-throttle.ts';

export class AccountError extends UserError {}

export const SESSION_IDLE_MS = 12 * 3600_000;
export const SESSION_MAX_MS = 7 * 86400_000;
const LINK_TTL: Record<'invitation' | 'password_reset' | 'sign_in', number> = {
  invitation: 7 * 86400_000,
  password_reset: 3600_000,
  sign_in: 3600_000,
};

type Db = Kysely<Database>;

export async function createUser(db: Db, input: { email: string; name: string; password?: string }) {
  const email = normalizeEmail(input.email);
  if (!isValidEmail(email)) throw new AccountError(`"${input.email}" is not an email address`);
  const name = input.name.trim() || email.split('@')[0]!;
  if (name.length > 100) throw new AccountError('a name must be 100 characters or fewer');
  if (await repo.findUserByEmail(db, email)) throw new AccountError(`an account for ${email} already exists`);
  let passwordHash: string | null = null;
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password, [email, name]);
    if (problem) throw new AccountError(passwordMessage(problem));
    passwordHash = await hashPassword(input.password);
  }
  const id = newId();
  await repo.insertUser(db, { id, email, name, password_hash: passwordHash, now: nowIso() });
  return (await repo.findUser(db, id))!;
}

export function passwordMessage(problem: PasswordProblem): string {
  return {
    too_short: 'Use a password of at least 10 characters',
    too_long: 'Use a password of at most 200 characters',
    too_common: 'This password is too common or too easy to guess: try a few unrelated words',
  }[problem];
}

export async function audit(
  db: Db,
  e: { organizationId: string; userId: string | null; action: string; subject?: string | null; details?: Record<string, unknown> },
) {
  await repo.insertAuditEvent(db, { ...e, subject: e.subject ?? null, details: e.details ?? {}, now: nowIso() });
}

export async function grantRole(db: Db, g: { userId: string; organizationId: string; role: Role; byUserId: string | null }) {
  await repo.upsertMembership(db, { userId: g.userId, organizationId: g.organizationId, role: g.role, now: nowIso() });
  await audit(db, { organizationId: g.organizationId, userId: g.byUserId, action: 'role.changed', subject: g.userId, details: { role: g.role } });
}

export type SignInResult =
  | { kind: 'ok'; token: string; userId: string; secondFactorNeeded: boolean; device: string | null }
  | { kind: 'invalid' }
  | { kind: 'locked'; until: string };

/**
 * Checks an email and password from one client (`clientKey`, and the browser's device cookie if
 * it sent one). A wrong email, a wrong password and a lock look the same whether or not the
 * email has an account: failures are counted for both (src/accounts/signin-throttle.ts), and one
 * password hash is computed in every case, so the answer and its time say nothing of which
 * accounts exist. A lock holds one client out of one account, not the owner on another client;
 * the account-wide ceiling spares browsers the owner signed in from before.
 * `device` on success is the device cookie to set: a new one, or null to keep the one sent.
 */
export async function signIn(
  db: Db,
  secretKey: Buffer,
  input: { email: string; password: string; clientKey: string; deviceCookie?: string },
): Promise<SignInResult> {
  const email = normalizeEmail(input.email);
  const user = isValidEmail(email) ? await repo.findUserByEmail(db, email) : undefined;
  const device = deviceOf(secretKey, input.deviceCookie, user?.id);
  const keys = throttleKeys(secretKey, email, { device, clientKey: input.clientKey });
  const now = Date.now();
  const locked = await lockedUntil(db, keys, now);
  if (locked) {
    await verifyPassword(null, input.password);
    return { kind: 'locked', until: locked };
  }
  const ok = await verifyPassword(user?.password_hash ?? null, input.password);
  if (!user || !ok) {
    const until = await recordFailure(db, keys, now);
    return until ? { kind: 'locked', until } : { kind: 'invalid' };
  }
  await forgetClientFailures(db, keys);
  const token = await startSession(db, user.id, user.totp_enabled_at === null);
  for (const m of await repo.membershipsOf(db, user.id)) {
    await audit(db, { organizationId: m.id, userId: user.id, action: 'user.signed_in' });
  }
  const secondFactorNeeded = user.totp_enabled_at !== null;
  // A browser becomes a known device once the whole sign-in is done (after two-factor, if on).
  return { kind: 'ok', token, userId: user.id, secondFactorNeeded, device: device || secondFactorNeeded ? null : newDeviceCookie(secretKey, user.id) };
}

export async function startSession(db: Db, userId: string, secondFactorDone: boolean): Promise<string> {
  const { token, hash } = newToken();
  const memberships = await repo.membershipsOf(db, userId);
  const now = nowIso();
  await repo.insertSession(db, {
    id: newId(),
    token_hash: hash,
    user_id: userId,
    organization_id: memberships[0]?.id ?? null,
    csrf_token: randomBytes(24).toString('base64url'),
    second_factor_done: secondFactorDone ? 1 : 0,
    created_at: now,
    last_seen_at: now,
    expires_at: new Date(Date.now() + SESSION_MAX_MS).toISOString(),
  });
  return token;
}

export type LoadedSession = NonNullable<Awaited<ReturnType<typeof repo.findSessionByTokenHash>>>;

/** The session for a cookie, if it is live: not expired, not idle too long, not signed out everywhere. */
export async function loadSession(db: Db, token: string | undefined): Promise<LoadedSession | undefined> {
  if (!token || token.length > 100) return undefined;
  const session = await repo.findSessionByTokenHash(db, hashToken(token));
  if (!session) return undefined;
  const now = Date.now();
  const dead =
    Date.parse(session.expires_at) <= now ||
    Date.parse(session.last_seen_at) + SESSION_IDLE_MS <= now ||
    session.created_at < session.sessions_valid_after;
  if (dead) {
    await repo.deleteSession(db, session.id);
    return undefined;
  }
  if (now - Date.parse(session.last_seen_at) > 60_000) await repo.updateSession(db, session.id, { last_seen_at: new Date(now).toISOString() });
  return session;
}

export async function signOut(db: Db, sessionId: string) {
  await repo.deleteSession(db, sessionId);
}

/** Ends every session of a user, on every device. */
export async function signOutEverywhere(db: Db, userId: string) {
  const now = nowIso();
  await repo.updateUser(db, userId, { sessions_valid_after: now, modified_at: now });
  await repo.deleteSessionsOf(db, userId);
}

// Two-factor authentication (TOTP, RFC 6238) with single-use recovery codes.

export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

export function totpUri(email: string, secretBase32: string, issuer = 'turnout'): string {
  return new OTPAuth.TOTP({ issuer, label: email, secret: OTPAuth.Secret.fromBase32(secretBase32) }).toString();
}

/** The time step a code belongs to (±1 step of clock drift), or null when it is not valid now. */
function totpStep(secretBase32: string, code: string): number | null {
  const clean = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(clean)) return null;
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secretBase32) });
  const delta = totp.validate({ token: clean, window: 1 });
  return delta === null ? null : totp.counter() + delta;
}

function recoveryCodes(): string[] {
  return Array.from({ length: 10 }, () => {
    const raw = randomBytes(5).toString('hex');
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
}

/** Turns on two-factor once the user proves their app works; returns the recovery codes, shown once. */
export async function enableTwoFactor(db: Db, secretKey: Buffer, userId: string, secretBase32: string, code: string): Promise<string[] | null> {
  const step = totpStep(secretBase32, code);
  if (step === null) return null;
  const codes = recoveryCodes();
  const now = nowIso();
  await repo.updateUser(db, userId, { totp_secret: seal(secretKey, secretBase32), totp_enabled_at: now, totp_last_step: step, modified_at: now });
  await repo.replaceRecoveryCodes(db, userId, codes.map((c) => hashToken(c)));
  return codes;
}

export async function disableTwoFactor(db: Db, userId: string) {
  await repo.updateUser(db, userId, { totp_secret: null, totp_enabled_at: null, totp_last_step: null, modified_at: nowIso() });
  await repo.replaceRecoveryCodes(db, userId, []);
}

/** Completes a sign-in with a code from the app or an unused recovery code. */
export async function verifySecondFactor(db: Db, secretKey: Buffer, session: LoadedSession, code: string): Promise<boolean> {
  const user = await repo.findUser(db, session.user_id);
  if (!user?.totp_secret) return false;
  const step = totpStep(unseal(secretKey, user.totp_secret), code);
  const ok =
    (step !== null && (await repo.useTotpStep(db, user.id, step))) ||
    (/^[0-9a-f]{5}-?[0-9a-f]{5}$/i.test(code.trim()) &&
      (await repo.useRecoveryCode(db, user.id, hashToken(normalizeRecovery(code)), nowIso())));
  if (ok) await repo.updateSession(db, session.id, { second_factor_done: 1 });
  return ok;
}

function normalizeRecovery(code: string): string {
  const c = code.trim().toLowerCase().replace('-', '');
  return `${c.slice(0, 5)}-${c.slice(5)}`;
}

// One-time links: invitations, password resets, first sign-in. The token is an HMAC of the
// link's id under the instance key, so the job that emails it can make it again from the id and
// no usable token is stored anywhere.

export function linkToken(secretKey: Buffer, linkId: string): string {
  return createHmac('sha256', secretKey).update(`account-link:${linkId}`).digest('base64url');
}

export async function createAccountLink(
  db: Db,
  secretKey: Buffer,
  l: { kind: 'invitation' | 'password_reset' | 'sign_in'; email: string; userId?: string | null; organizationId?: string | null; role?: Role | null; createdBy?: string | null },
) {
  const id = newId();
  const now = Date.now();
  await repo.insertAccountLink(db, {
    id,
    kind: l.kind,
    token_hash: hashToken(linkToken(secretKey, id)),
    email: normalizeEmail(l.email),
    user_id: l.userId ?? null,
    organization_id: l.organizationId ?? null,
    role: l.role ?? null,
    created_by: l.createdBy ?? null,
    created_at: new Date(now).toISOString(),
    expires_at: new Date(now + LINK_TTL[l.kind]).toISOString(),
    used_at: null,
  });
  return { id, path: `/admin/links/${id}/${linkToken(secretKey, id)}` };
}

/** The link behind a URL, if it is genuine, unused and not expired. */
export async function findLiveLink(db: Db, secretKey: Buffer, id: string, token: string) {
  const expected = Buffer.from(linkToken(secretKey, id));
  const given = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const link = await repo.findAccountLink(db, hashToken(token));
  if (!link || link.id !== id || link.used_at || Date.parse(link.expires_at) <= Date.now()) return undefined;
  return link;
}

export async function setPassword(db: Db, userId: string, password: string): Promise<PasswordProblem | null> {
  const user = await repo.findUser(db, userId);
  if (!user) throw new AccountError('no such account');
  const problem = passwordProblem(password, [user.email, user.name]);
  if (problem) return problem;
  const now = nowIso();
  await repo.updateUser(db, userId, { password_hash: await hashPassword(password), modified_at: now });
  // A new password ends every other session.
  await signOutEverywhere(db, userId);
  return null;
}

/**
 * Uses a one-time link, in one transaction: the link is spent first, so two posts of the same link
 * at once make one account, not an error; then the account is made (or its password set) and an
 * invitation's membership given. Returns the account's id, or null when the link was already used.
 */
export async function redeemLink(
  db: Db,
  link: { id: string; kind: string; email: string; organization_id: string | null; role: Role | null },
  r: { existingId: string | null; name: string; password: string | null },
): Promise<string | null> {
  const passwordHash = r.password === null ? null : await hashPassword(r.password);
  return db.transaction().execute(async (trx) => {
    const now = nowIso();
    if (!(await repo.useAccountLink(trx, link.id, now))) return null;
    let userId = r.existingId;
    if (!userId) {
      // Made while the link was unused: an account for the address cannot exist twice (the email is unique).
      if (await repo.findUserByEmail(trx, link.email)) return null;
      userId = newId();
      await repo.insertUser(trx, { id: userId, email: link.email, name: r.name || link.email.split('@')[0]!, password_hash: passwordHash, now });
    } else if (passwordHash !== null) {
      // As setPassword: a new password unlocks the account and ends every other session.
      await repo.updateUser(trx, userId, { password_hash: passwordHash, failed_signins: 0, locked_until: null, sessions_valid_after: now, modified_at: now });
      await repo.deleteSessionsOf(trx, userId);
    }
    if (link.kind === 'invitation' && link.organization_id && link.role) {
      await repo.upsertMembership(trx, { userId, organizationId: link.organization_id, role: link.role, now });
      await audit(trx, { organizationId: link.organization_id, userId, action: 'member.joined', subject: userId, details: { role: link.role } });
    }
    return userId;
  });
}
