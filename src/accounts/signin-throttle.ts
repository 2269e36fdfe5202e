import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import * as repo from './repository.ts';

/**
 * Failed sign-ins are counted under two keys, both keyed hashes (no email, no address stored):
 *
 * - the account and the client: the browser's device cookie when it has a valid one for this
 *   account (set at a previous successful sign-in), otherwise the client's hourly hash
 *   (src/kits/pages/client-key.ts). After `CLIENT_LOCK_AFTER` failures in a row that client is
 *   locked out of that account for 1 minute, doubling to at most 15.
 * - the account alone, from clients without a device cookie, with a much higher ceiling
 *   (`ACCOUNT_LOCK_AFTER`): an attack spread over many addresses locks out new browsers, never a
 *   browser the owner signed in from before; a reset link (emailed) clears it and signs in.
 *
 * Both are counted for every email, whether it has an account or not, so the answers (status,
 * page, time) say nothing about which accounts exist.
 */
export const CLIENT_LOCK_AFTER = 5;
export const ACCOUNT_LOCK_AFTER = 50;
/** Failures older than this are forgotten. */
const FORGET_MS = 24 * 3600_000;

export const DEVICE_COOKIE = 'turnout_device';
export const DEVICE_COOKIE_MAX_AGE_S = 365 * 86400;

/** How long a key stays locked after `failures` failures in a row: 1, 2, 4 … minutes, at most 15. */
export function lockDurationMs(failures: number, after: number): number {
  if (failures < after) return 0;
  return Math.min(60_000 * 2 ** (failures - after), 15 * 60_000);
}

function mac(secret: Buffer, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64url').slice(0, 32);
}

/** A new device cookie's value for a user: a random id and its HMAC under the instance key. */
export function newDeviceCookie(secret: Buffer, userId: string): string {
  const id = randomBytes(16).toString('base64url');
  return `${id}.${mac(secret, `device:${userId}:${id}`)}`;
}

/** The device id in a cookie, when the cookie was made for this user; null otherwise. */
export function deviceOf(secret: Buffer, cookie: string | undefined, userId: string | undefined): string | null {
  if (!cookie || !userId || cookie.length > 100) return null;
  const [id, given] = cookie.split('.');
  if (!id || !given) return null;
  const expected = Buffer.from(mac(secret, `device:${userId}:${id}`));
  const got = Buffer.from(given);
  return got.length === expected.length && timingSafeEqual(got, expected) ? id : null;
}

export interface ThrottleKeys {
  client: string;
  /** Null when the client is a known device of the account: its failures do not count against the account. */
  account: string | null;
}

export function throttleKeys(secret: Buffer, email: string, client: { device: string | null; clientKey: string }): ThrottleKeys {
  return {
    client: `c:${mac(secret, `signin-client:${email}:${client.device ? `device:${client.device}` : client.clientKey}`)}`,
    account: client.device ? null : `a:${mac(secret, `signin-account:${email}`)}`,
  };
}

const keysOf = (k: ThrottleKeys) => (k.account ? [k.client, k.account] : [k.client]);

/** The end of the lock that applies to these keys, or null when none does. */
export async function lockedUntil(db: Kysely<Database>, keys: ThrottleKeys, now: number): Promise<string | null> {
  const rows = await repo.signinFailures(db, keysOf(keys));
  const until = rows.map((r) => r.locked_until).filter((u): u is string => u !== null && Date.parse(u) > now);
  return until.sort().at(-1) ?? null;
}

/** Counts a failure under each key; returns the end of the lock it starts, or null. */
export async function recordFailure(db: Kysely<Database>, keys: ThrottleKeys, now: number): Promise<string | null> {
  const nowIso = new Date(now).toISOString();
  const forget = new Date(now - FORGET_MS).toISOString();
  return db.transaction().execute(async (trx) => {
    let until: string | null = null;
    for (const [key, after] of [[keys.client, CLIENT_LOCK_AFTER], [keys.account, ACCOUNT_LOCK_AFTER]] as const) {
      if (!key) continue;
      const lock = lockDurationMs(await repo.addSigninFailure(trx, key, nowIso, forget), after);
      if (lock === 0) continue;
      const end = new Date(now + lock).toISOString();
      await repo.lockSignins(trx, key, end);
      if (!until || end > until) until = end;
    }
    // Now and then, what is a day old and no longer locks goes.
    if (Math.random() < 0.01) await repo.pruneSigninFailures(trx, forget);
    return until;
  });
}

/** A successful sign-in forgets its client's failures (not the account's: other clients may still be guessing). */
export async function forgetClientFailures(db: Kysely<Database>, keys: ThrottleKeys): Promise<void> {
  await repo.clearSigninFailures(db, [keys.client]);
}

/** A reset or first-sign-in link proves the address: the account's own lock goes. */
export async function forgetAccountFailures(db: Kysely<Database>, secret: Buffer, email: string): Promise<void> {
  await repo.clearSigninFailures(db, [`a:${mac(secret, `signin-account:${email}`)}`]);
}
