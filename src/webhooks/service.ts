import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Config } from '../config.ts';
import { isCleanText } from '../actions/people/normalize.ts';
import { newId, nowIso } from '../util/ids.ts';
import * as repo from './repository.ts';
import { resolveChecked, UnsafeAddressError, urlProblem } from './address.ts';
import { newSecret, ROLL_OVERLAP_MS, sealSecret } from './signing.ts';
import { subscriptionCache } from './subscriptions.ts';
import { attemptDelivery, JOB_DELIVER, LOG_DAYS, MAX_ATTEMPTS, type AttemptOutcome } from './delivery.ts';
import { UnitOfWork } from '../actions/unit-of-work.ts';
import { webhookBody } from './jobs.ts';
import type { WebhookEndpoint } from './tables.ts';

export interface EndpointFields {
  url: string;
  description: string;
  events: string[];
}

export type FieldErrors = Partial<Record<'url' | 'description' | 'events', string>>;

/**
 * Checks an endpoint's fields: the address's shape, then (unless the operator allows private
 * addresses) that its host resolves only to public addresses; a description of one line; at
 * least one known event.
 */
export async function checkEndpoint(f: EndpointFields, known: readonly string[], config: Config): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const shape = urlProblem(f.url, config.webhooks.allowPrivate);
  if (shape) errors.url = shape;
  else {
    try {
      await resolveChecked(new URL(f.url).hostname, config.webhooks.allowPrivate);
    } catch (e) {
      if (!(e instanceof UnsafeAddressError)) throw e;
      errors.url = e.message;
    }
  }
  if (f.description.length > 200) errors.description = `The description must be 200 characters or fewer (it has ${f.description.length})`;
  else if (f.description && !isCleanText(f.description, false)) errors.description = 'The description must be one line, without control characters';
  if (f.events.length === 0) errors.events = 'Choose at least one event to send';
  else if (f.events.some((e) => !known.includes(e))) errors.events = 'Choose among the events listed';
  return errors;
}

/** Makes an endpoint (enabled) and returns it with its secret, which is shown once and never again. */
export async function createEndpoint(db: Kysely<Database>, config: Config, organizationId: string, userId: string | null, f: EndpointFields) {
  const secret = newSecret();
  const now = nowIso();
  const id = newId();
  await repo.insertEndpoint(db, {
    id,
    organization_id: organizationId,
    url: f.url,
    description: f.description,
    events: JSON.stringify(f.events),
    status: 'enabled',
    disabled_reason: null,
    disabled_at: null,
    secret_sealed: sealSecret(config.secretKey, secret),
    previous_secret_sealed: null,
    previous_secret_expires_at: null,
    failing_since: null,
    last_success_at: null,
    created_by: userId,
    created_at: now,
    modified_at: now,
  });
  subscriptionCache(db).forget();
  return { endpoint: (await repo.findEndpoint(db, organizationId, id))!, secret };
}

export async function editEndpoint(db: Kysely<Database>, organizationId: string, id: string, f: EndpointFields): Promise<boolean> {
  const done = await repo.updateEndpoint(db, organizationId, id, { url: f.url, description: f.description, events: JSON.stringify(f.events), modified_at: nowIso() });
  subscriptionCache(db).forget();
  return done;
}

export async function removeEndpoint(db: Kysely<Database>, organizationId: string, id: string): Promise<boolean> {
  const done = await repo.deleteEndpoint(db, organizationId, id);
  subscriptionCache(db).forget();
  return done;
}

/** Turns an endpoint on or off by hand; on again clears its run of failures. */
export async function setEnabled(db: Kysely<Database>, organizationId: string, id: string, enabled: boolean): Promise<boolean> {
  const now = nowIso();
  const done = await repo.updateEndpoint(
    db,
    organizationId,
    id,
    enabled
      ? { status: 'enabled', disabled_reason: null, disabled_at: null, failing_since: null, modified_at: now }
      : { status: 'disabled', disabled_reason: `Turned off by hand on ${now.slice(0, 16).replace('T', ' ')} UTC.`, disabled_at: now, modified_at: now },
  );
  if (done && !enabled) await repo.stopPendingDeliveries(db, id, now, 'not sent: the endpoint was turned off');
  subscriptionCache(db).forget();
  return done;
}

/**
 * A new secret, returned to be shown once. The old one keeps signing beside it for 24 hours
 * (two signatures in `webhook-signature`), so a receiver can change its secret without losing a
 * delivery; a secret already on its way out is dropped at once.
 */
export async function rollSecret(db: Kysely<Database>, config: Config, endpoint: WebhookEndpoint): Promise<{ secret: string; oldUntil: string }> {
  const secret = newSecret();
  const now = Date.now();
  const oldUntil = new Date(now + ROLL_OVERLAP_MS).toISOString();
  await repo.updateEndpoint(db, endpoint.organization_id, endpoint.id, {
    secret_sealed: sealSecret(config.secretKey, secret),
    previous_secret_sealed: endpoint.secret_sealed,
    previous_secret_expires_at: oldUntil,
    modified_at: new Date(now).toISOString(),
  });
  return { secret, oldUntil };
}

/**
 * The console's test button: a `test` event sent now, in the request, once, with the same
 * signing, address rule and time limit as every delivery; it is kept in the log. Made in the
 * request (not queued) so the organizer sees the answer at once.
 */
export async function sendTest(db: Kysely<Database>, config: Config, endpoint: WebhookEndpoint): Promise<AttemptOutcome> {
  const now = nowIso();
  const id = newId();
  const messageId = `msg_test${id.replace(/-/g, '')}`;
  const body = webhookBody('turnout:test', { message: 'A test from turnout: this endpoint receives and verifies its webhooks.', created_date: now, 'turnout:endpoint': endpoint.url }, messageId);
  const [inserted] = await repo.insertDeliveries(db, [
    {
      id, organization_id: endpoint.organization_id, endpoint_id: endpoint.id, message_id: messageId, event: 'test', record_id: null, person_id: null, body,
      status: 'pending', attempts: 0, last_status_code: null, last_duration_ms: null, last_error: null, next_attempt_at: null, delivered_at: null,
      created_at: now, modified_at: now,
    },
  ]);
  const delivery = (await repo.findDelivery(db, inserted!))!;
  await repo.pruneDeliveries(db, endpoint.organization_id, new Date(Date.now() - LOG_DAYS * 86_400_000).toISOString());
  return attemptDelivery({ db, config }, endpoint, delivery, { retries: false });
}

/**
 * Sends a failed delivery again, from its first attempt (the console's "Send again", after the
 * receiver was fixed): the same message id and body, signed afresh. Not for a test, a delivery
 * delivered or waiting, or one whose body is gone (its person erased). Returns false when it cannot.
 */
export async function resendDelivery(db: Kysely<Database>, endpoint: WebhookEndpoint, deliveryId: string): Promise<boolean> {
  if (endpoint.status !== 'enabled') return false;
  const now = nowIso();
  return db.transaction().execute(async (trx) => {
    const d = await repo.findDeliveryOf(trx, endpoint.organization_id, endpoint.id, deliveryId);
    if (!d || d.status !== 'failed' || d.body === null || d.event === 'test') return false;
    await repo.updateDelivery(trx, d.id, { status: 'pending', attempts: 0, next_attempt_at: now, last_error: null, modified_at: now });
    const uow = new UnitOfWork(trx, now);
    uow.enqueue(JOB_DELIVER, { deliveryId: d.id }, { maxAttempts: MAX_ATTEMPTS + 1 });
    await uow.flush();
    return true;
  });
}
