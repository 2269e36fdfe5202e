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
