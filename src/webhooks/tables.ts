import type { Insertable, Selectable } from 'kysely';
import type { PersonalData } from '../context.ts';

// The webhooks' tables, merged into the core's `Database` (docs/ADDING-A-CAPABILITY.md, step 2).

export interface WebhookEndpointTable {
  id: string;
  organization_id: string;
  /** https:// (or, with WEBHOOKS_ALLOW_PRIVATE=1, http://) where deliveries are POSTed. */
  url: string;
  description: string;
  /** A JSON array of the event names it wants (`signature`, `person` …). */
  events: string;
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
  disabled_at: string | null;
  /** The signing secret (`whsec_…`), sealed with a key derived from the instance's secret key. */
  secret_sealed: string;
  /** The secret before the last roll, still signing beside the new one until it expires. */
  previous_secret_sealed: string | null;
  previous_secret_expires_at: string | null;
  /** When the current run of failed attempts began; null after a success. */
  failing_since: string | null;
  last_success_at: string | null;
  created_by: string | null;
  created_at: string;
  modified_at: string;
}

export interface WebhookDeliveryTable {
  id: string;
  organization_id: string;
  endpoint_id: string;
  /** The `webhook-id` header and the body's `idempotency_key`: the same on every retry. */
  message_id: string;
  event: string;
  record_id: string | null;
  person_id: string | null;
  /** The JSON body, signed afresh on each attempt; null once delivered for good or the person was erased. */
  body: string | null;
  status: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attempts: number;
  last_status_code: number | null;
  last_duration_ms: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string;
  modified_at: string;
}

export interface WebhookAttemptTable {
  id: string;
  delivery_id: string;
  attempt: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
}

declare module '../db/schema.ts' {
  interface Database {
    webhook_endpoints: WebhookEndpointTable;
    webhook_deliveries: WebhookDeliveryTable;
    webhook_attempts: WebhookAttemptTable;
  }
}

export type WebhookEndpoint = Selectable<WebhookEndpointTable>;
export type WebhookDelivery = Selectable<WebhookDeliveryTable>;
export type WebhookAttempt = Selectable<WebhookAttemptTable>;
export type NewWebhookDelivery = Insertable<WebhookDeliveryTable>;

const plain = (...names: string[]) => Object.fromEntries(names.map((n) => [n, 'plain' as const]));

/** What each column holds, for erasure (src/context.ts, `PersonalData`). */
export const WEBHOOKS_PERSONAL_DATA: PersonalData = {
  webhook_endpoints: {
    rows: 'none',
    columns: plain(
      'id', 'organization_id', 'url', 'description', 'events', 'status', 'disabled_reason', 'disabled_at', 'secret_sealed',
      'previous_secret_sealed', 'previous_secret_expires_at', 'failing_since', 'last_success_at', 'created_by', 'created_at', 'modified_at',
    ),
  },
  webhook_deliveries: {
    rows: 'person_id',
    stamp: 'modified_at',
    columns: {
      ...plain(
        'id', 'organization_id', 'endpoint_id', 'message_id', 'event', 'record_id', 'status', 'attempts', 'last_status_code',
        'last_duration_ms', 'last_error', 'next_attempt_at', 'delivered_at', 'created_at', 'modified_at',
      ),
      person_id: { erase: 'keep', why: 'links the delivery in the log to the emptied person row; the body naming them is cleared' },
      // The record as the API presents it, with the person's name, email and address.
      body: { erase: 'clear' },
    },
  },
  // Status codes, times and our own error messages: nothing of the receiver's answer is kept.
  webhook_attempts: { rows: 'none', columns: plain('id', 'delivery_id', 'attempt', 'started_at', 'duration_ms', 'status_code', 'error') },
};
