import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Config } from '../config.ts';
import { UnitOfWork } from '../actions/unit-of-work.ts';
import { newId } from '../util/ids.ts';
import * as repo from './repository.ts';
import { activeSecrets, signedHeaders } from './signing.ts';
import { postWebhook, type SendResult } from './send.ts';
import type { WebhookDelivery, WebhookEndpoint } from './tables.ts';
import { subscriptionCache } from './subscriptions.ts';

export const JOB_DELIVER = 'webhooks.deliver';
export const JOB_DISABLED_NOTICE = 'webhooks.disabled_notice';

const S = 1000;
const H = 3600 * S;
/**
 * The wait before each retry: 5 s, 5 min, 30 min, 2 h, 5 h, then 10 h six times; twelve
 * attempts over about 2.8 days. After the last one the delivery has failed.
 */
export const RETRY_DELAYS_MS = [5 * S, 5 * 60 * S, 30 * 60 * S, 2 * H, 5 * H, 10 * H, 10 * H, 10 * H, 10 * H, 10 * H, 10 * H];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** The delivery log keeps this long. */
export const LOG_DAYS = 30;

export interface DeliveryDeps {
  db: Kysely<Database>;
  config: Config;
}

export interface AttemptOutcome extends SendResult {
  attempt: number;
  /** The endpoint was turned off by this failure. */
  disabled: boolean;
  /** The wait before the next attempt; null when there is none (delivered, failed for good, or a test). */
  retryInMs: number | null;
}

/**
 * One attempt at one delivery: signs the stored body now, POSTs it, and records the attempt,
 * the delivery's state and the endpoint's run of failures. `retries: false` (the console's test)
 * makes one attempt only. When the last attempt fails and nothing reached the endpoint since the
 * delivery was made (about three days of failures), the endpoint is turned off and its owners
 * are emailed (a job queued in the same transaction).
 */
export async function attemptDelivery(deps: DeliveryDeps, endpoint: WebhookEndpoint, delivery: WebhookDelivery, o: { retries: boolean }): Promise<AttemptOutcome> {
  const { db, config } = deps;
  const at = new Date();
  const headers = signedHeaders(activeSecrets(config.secretKey, endpoint, at), delivery.message_id, delivery.body!, at);
  const result = await postWebhook(endpoint.url, headers, delivery.body!, config.webhooks);
  const now = new Date().toISOString();
  const attempt = delivery.attempts + 1;
  const last = !o.retries || attempt >= MAX_ATTEMPTS;
  const retryInMs = result.ok || last ? null : RETRY_DELAYS_MS[attempt - 1]!;
  const longFailure = !result.ok && last && o.retries && (endpoint.last_success_at === null || endpoint.last_success_at < delivery.created_at);
  let disabled = false;
  await db.transaction().execute(async (trx) => {
    await repo.insertAttempt(trx, {
      id: newId(),
      delivery_id: delivery.id,
      attempt,
      started_at: at.toISOString(),
      duration_ms: result.durationMs,
      status_code: result.statusCode,
      error: result.error,
    });
    await repo.updateDelivery(trx, delivery.id, {
      status: result.ok ? 'delivered' : last ? 'failed' : 'pending',
      attempts: attempt,
      last_status_code: result.statusCode,
      last_duration_ms: result.durationMs,
      last_error: result.error,
      next_attempt_at: retryInMs === null ? null : new Date(Date.now() + retryInMs).toISOString(),
      delivered_at: result.ok ? now : null,
      // Once delivered the body is not needed again; the log keeps status and time only.
      ...(result.ok ? { body: null } : {}),
      modified_at: now,
    });
    if (result.ok) {
      await repo.updateEndpoint(trx, endpoint.organization_id, endpoint.id, { last_success_at: now, failing_since: null });
    } else if (longFailure) {
      const current = await repo.findEndpointById(trx, endpoint.id);
      if (current && current.status === 'enabled' && (current.last_success_at === null || current.last_success_at < delivery.created_at)) {
        const reason = `Turned off on ${now.slice(0, 16).replace('T', ' ')} UTC: every attempt for about three days failed (the last: ${result.error}).`;
        await repo.updateEndpoint(trx, endpoint.organization_id, endpoint.id, { status: 'disabled', disabled_reason: reason, disabled_at: now, modified_at: now });
        await repo.stopPendingDeliveries(trx, endpoint.id, now, 'not sent: the endpoint was turned off');
        const uow = new UnitOfWork(trx, now);
        uow.enqueue(JOB_DISABLED_NOTICE, { endpointId: endpoint.id, disabledAt: now });
        await uow.flush();
        disabled = true;
      }
    } else if (endpoint.failing_since === null) {
      await repo.updateEndpoint(trx, endpoint.organization_id, endpoint.id, { failing_since: now });
    }
  });
  if (disabled) subscriptionCache(db).forget();
  return { ...result, attempt, disabled, retryInMs };
}
