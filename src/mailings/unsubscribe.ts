import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { isValidUnsubscribeToken } from './compose.ts';
import * as repo from './repository.ts';
import { raiseIn } from '../actions/unit-of-work.ts';

/** The organization's name for a valid link, or null for a forged or broken one. */
export async function checkUnsubscribeLink(db: Kysely<Database>, key: Buffer, mailingId: string, personId: string, token: string): Promise<string | null> {
  if (!UUID.test(mailingId) || !UUID.test(personId) || !isValidUnsubscribeToken(key, mailingId, personId, token)) return null;
  const person = await repo.findPersonOf(db, personId);
  const mailing = person && (await repo.findMailing(db, person.organization_id, mailingId));
  if (!person || !mailing) return null;
  return repo.organizationName(db, person.organization_id);
}

/**
 * Unsubscribes at once (RFC 8058's one click: no second step). A chunk already sending checks
 * the status when it records each send, so the next message queued for them is not sent.
 */
export async function unsubscribeThrough(db: Kysely<Database>, key: Buffer, mailingId: string, personId: string, token: string): Promise<string | null> {
  const org = await checkUnsubscribeLink(db, key, mailingId, personId, token);
  if (org === null) return null;
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    const person = await repo.findPersonOf(trx, personId);
    if (!person) return;
    if (person.email_status === 'subscribed') await repo.markUnsubscribedThrough(trx, mailingId, personId);
    await repo.unsubscribePerson(trx, person.organization_id, personId, now);
    // Webhooks that want person changes hear of it (src/webhooks/).
    await raiseIn(db, trx, [{ event: 'person', organizationId: person.organization_id, id: personId }]);
  });
  return org;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The secret part of the providers' webhook addresses (one per instance, never stored). */
export function webhookToken(key: Buffer): string {
  return createHmac('sha256', key).update('mail-webhook').digest().subarray(0, 18).toString('base64url');
}

export function isWebhookToken(key: Buffer, token: string): boolean {
  const want = Buffer.from(webhookToken(key));
  const got = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want);
}
