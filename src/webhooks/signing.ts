import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { seal, unseal } from '../accounts/secrets.ts';
import type { WebhookEndpoint } from './tables.ts';

// Signing as the Standard Webhooks specification says, with its reference library: an HMAC-SHA256
// of `id.timestamp.body` under each active secret, `v1,<base64>` each, space-separated in
// `webhook-signature`. Secrets are `whsec_` and 24 random bytes in base64, stored sealed
// (AES-256-GCM under a key derived from the instance key), so the database alone does not sign.

/** How long the secret before a roll keeps signing beside the new one. */
export const ROLL_OVERLAP_MS = 24 * 3600_000;

export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export const sealSecret = (instanceKey: Buffer, secret: string) => seal(instanceKey, `webhook:${secret}`);

export function unsealSecret(instanceKey: Buffer, sealed: string): string {
  const plain = unseal(instanceKey, sealed);
  if (!plain.startsWith('webhook:')) throw new Error('a sealed webhook secret has the wrong purpose');
  return plain.slice('webhook:'.length);
}

/** The secrets an endpoint signs with now: the current one, and the one before a roll until it expires. */
export function activeSecrets(instanceKey: Buffer, endpoint: Pick<WebhookEndpoint, 'secret_sealed' | 'previous_secret_sealed' | 'previous_secret_expires_at'>, now: Date): string[] {
  const secrets = [unsealSecret(instanceKey, endpoint.secret_sealed)];
  if (endpoint.previous_secret_sealed && endpoint.previous_secret_expires_at && endpoint.previous_secret_expires_at > now.toISOString()) {
    secrets.push(unsealSecret(instanceKey, endpoint.previous_secret_sealed));
  }
  return secrets;
}

/** The three headers of one attempt: the message's id (the same on every retry), the time, the signatures. */
export function signedHeaders(secrets: readonly string[], messageId: string, body: string, at: Date): Record<string, string> {
  const signature = secrets.map((s) => new Webhook(s).sign(messageId, at, body)).join(' ');
  return { 'webhook-id': messageId, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature };
}
