import type { JobDeps, WebhookEvent } from '../context.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { PermanentJobError, RetryLaterError } from '../jobs/worker.ts';
import { UnitOfWork } from '../actions/unit-of-work.ts';
import { renderEmail } from '../kits/mail/layout.ts';
import { newId, nowIso } from '../util/ids.ts';
import * as repo from './repository.ts';
import { JOB_FANOUT } from './subscriptions.ts';
import { attemptDelivery, JOB_DELIVER, JOB_DISABLED_NOTICE, LOG_DAYS, MAX_ATTEMPTS } from './delivery.ts';

/** Every capability's webhook events, by name. */
export function webhookEvents(capabilities: JobDeps['capabilities']): Map<string, WebhookEvent> {
  const kinds = new Map<string, WebhookEvent>();
  for (const c of capabilities ?? []) for (const kind of c.webhooks ?? []) kinds.set(kind.event, kind);
  return kinds;
}

/** The body of one delivery: Action Network's shape, an array of one object keyed by the resource's type. */
export function webhookBody(key: string, resource: unknown, messageId: string): string {
  return JSON.stringify([{ [key]: resource, idempotency_key: messageId }]);
}

/**
 * `webhooks.fanout` ({ event, organizationId, id }, queued with the record): presents the record
 * once and makes one delivery, and one `webhooks.deliver` job, per endpoint that wants it. Run
 * twice, it makes nothing twice (the message id is the fan-out job's). Also trims the log.
 * `webhooks.deliver` ({ deliveryId }): one attempt; a failure asks for the next at its time.
 * `webhooks.disabled_notice` ({ endpointId, disabledAt }): emails the owners that an endpoint was turned off.
 */
export function webhookJobHandlers(deps: JobDeps): Record<string, JobHandler> {
  const { db } = deps;
  const kinds = webhookEvents(deps.capabilities);
  return {
    async [JOB_FANOUT](payload: { event: string; organizationId: string; id: string }, job) {
      const kind = kinds.get(payload.event);
      if (!kind) throw new PermanentJobError(`no capability presents webhook event "${payload.event}"`);
      const endpoints = await repo.endpointsFor(db, payload.organizationId, payload.event);
      if (endpoints.length === 0) return;
      const record = (await kind.present(db, deps.baseUrl, payload.organizationId, [payload.id])).get(payload.id);
      if (!record) return; // gone (deleted, or its person erased) before it could be told
      const messageId = `msg_${job.id.replace(/-/g, '')}`;
      const body = webhookBody(kind.key, record.resource, messageId);
      const now = nowIso();
      await db.transaction().execute(async (trx) => {
        const ids = await repo.insertDeliveries(
          trx,
          endpoints.map((e) => ({
            id: newId(),
            organization_id: payload.organizationId,
            endpoint_id: e.id,
            message_id: messageId,
            event: payload.event,
            record_id: payload.id,
            person_id: record.personId,
            body,
            status: 'pending' as const,
            attempts: 0,
            last_status_code: null,
            last_duration_ms: null,
            last_error: null,
            next_attempt_at: now,
            delivered_at: null,
            created_at: now,
            modified_at: now,
          })),
        );
        const uow = new UnitOfWork(trx, now);
        for (const id of ids) uow.enqueue(JOB_DELIVER, { deliveryId: id }, { maxAttempts: MAX_ATTEMPTS + 1 });
        await uow.flush();
        await repo.pruneDeliveries(trx, payload.organizationId, new Date(Date.now() - LOG_DAYS * 86_400_000).toISOString());
      });
    },

    async [JOB_DELIVER](payload: { deliveryId: string }) {
      const delivery = await repo.findDelivery(db, payload.deliveryId);
      if (!delivery || delivery.status !== 'pending') return;
      if (delivery.body === null) {
        // The person it named was erased: nothing is sent.
        await repo.updateDelivery(db, delivery.id, { status: 'cancelled', next_attempt_at: null, last_error: 'not sent: the person was erased', modified_at: nowIso() });
        return;
      }
      const endpoint = await repo.findEndpointById(db, delivery.endpoint_id);
      if (!endpoint) return;
      if (endpoint.status !== 'enabled') {
        await repo.updateDelivery(db, delivery.id, { status: 'failed', next_attempt_at: null, last_error: 'not sent: the endpoint is turned off', modified_at: nowIso() });
        return;
      }
      const outcome = await attemptDelivery(deps, endpoint, delivery, { retries: true });
      if (outcome.retryInMs !== null) throw new RetryLaterError(`webhook delivery ${delivery.id}: ${outcome.error}`, outcome.retryInMs);
    },

    async [JOB_DISABLED_NOTICE](payload: { endpointId: string; disabledAt: string }) {
      const endpoint = await repo.findEndpointById(db, payload.endpointId);
      // Turned on again (or deleted) since: nothing to say.
      if (!endpoint || endpoint.status !== 'disabled' || endpoint.disabled_at !== payload.disabledAt) return;
      const [owners, organization] = await Promise.all([repo.ownerEmails(db, endpoint.organization_id), repo.organizationName(db, endpoint.organization_id)]);
      const link = `${deps.baseUrl}/admin/webhooks/${endpoint.id}`;
      const markdown = [
        `turnout stopped sending webhooks to ${endpoint.url}: every attempt to deliver to it failed for about three days.`,
        endpoint.disabled_reason ?? '',
        `Nothing more is sent there until someone turns it on again. The delivery log shows each attempt, its answer and how long it took: [open the webhook](${link}).`,
        'You get this email because you are an owner of the organization.',
      ].filter(Boolean).join('\n\n');
      const host = new URL(deps.baseUrl).hostname;
      for (const to of owners) {
        const { html, text } = renderEmail({ organization: organization ?? 'turnout', lang: 'en', footer: ['Sent by turnout to the owners of the organization.'] }, markdown);
        await deps.mailer.send({
          to,
          subject: `Webhook turned off: ${endpoint.url}`,
          text,
          html,
          language: 'en',
          messageId: `<webhook-${endpoint.id}.disabled-${payload.disabledAt.replace(/[^0-9]/g, '')}.${Buffer.from(to).toString('hex').slice(0, 16)}@${host}>`,
        });
      }
    },
  };
}
