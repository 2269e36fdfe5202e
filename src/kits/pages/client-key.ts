import { createHmac } from 'node:crypto';

/**
 * A stand-in for a client's IP address where one must be recognized (rate limits): a keyed
 * hash whose key changes every hour, so no raw address is kept and yesterday's keys cannot be
 * linked to today's.
 */
export function clientKey(secret: Buffer, ip: string, now = Date.now()): string {
  const hour = Math.floor(now / 3_600_000);
  return createHmac('sha256', secret).update(`client:${hour}:${ip}`).digest('base64url').slice(0, 22);
}

/** How long the client key stored with an action stays the same for one address: 30 days. */
export const ACTION_CLIENT_KEY_PERIOD_MS = 30 * 86_400_000;

/**
 * The client key stored with an action (a signature's `client_key`) and matched by block lists:
 * a keyed hash of the address, per organization, whose key changes every 30 days. Within that
 * period an organizer can see that many actions came from one connection (and block it); two
 * organizations' keys, or one organization's keys of two periods, cannot be linked.
 */
export function actionClientKey(secret: Buffer, organizationId: string, ip: string, now = Date.now()): string {
  const period = Math.floor(now / ACTION_CLIENT_KEY_PERIOD_MS);
  return createHmac('sha256', secret).update(`action-client:${period}:${organizationId}:${ip}`).digest('base64url').slice(0, 16);
}

/** When the current period of action client keys ends (a client key's block lapses then). */
export function actionClientKeyPeriodEnd(now = Date.now()): Date {
  return new Date((Math.floor(now / ACTION_CLIENT_KEY_PERIOD_MS) + 1) * ACTION_CLIENT_KEY_PERIOD_MS);
}
