import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { NewWebhookDelivery, WebhookEndpointTable } from './tables.ts';

type Q = Kysely<Database> | Transaction<Database>;

export const listEndpoints = (q: Q, organizationId: string) =>
  q.selectFrom('webhook_endpoints').selectAll().where('organization_id', '=', organizationId).orderBy('created_at').execute();

export const findEndpoint = (q: Q, organizationId: string, id: string) =>
  q.selectFrom('webhook_endpoints').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();

export const findEndpointById = (q: Q, id: string) => q.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();

/** Every enabled endpoint's organization and events, for the subscription cache. */
export const enabledSubscriptions = (q: Q) =>
  q.selectFrom('webhook_endpoints').select(['organization_id', 'events']).where('status', '=', 'enabled').execute();

export async function insertEndpoint(q: Q, row: WebhookEndpointTable): Promise<void> {
  await q.insertInto('webhook_endpoints').values(row).execute();
}

export async function updateEndpoint(q: Q, organizationId: string, id: string, set: Updateable<WebhookEndpointTable>): Promise<boolean> {
  const r = await q.updateTable('webhook_endpoints').set(set).where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteEndpoint(q: Q, organizationId: string, id: string): Promise<boolean> {
  const r = await q.deleteFrom('webhook_endpoints').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** The enabled endpoints of an organization that want `event`. */
export async function endpointsFor(q: Q, organizationId: string, event: string) {
  const rows = await q.selectFrom('webhook_endpoints').selectAll().where('organization_id', '=', organizationId).where('status', '=', 'enabled').execute();
  return rows.filter((e) => eventsOf(e.events).includes(event));
}

export function eventsOf(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** Inserts deliveries, skipping those already made (a fan-out run twice); returns the ids inserted. */
export async function insertDeliveries(q: Q, rows: NewWebhookDelivery[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await q
    .insertInto('webhook_deliveries')
    .values(rows)
    .onConflict((oc) => oc.columns(['endpoint_id', 'message_id']).doNothing())
    .returning('id')
    .execute();
  return inserted.map((r) => r.id);
}

export const findDelivery = (q: Q, id: string) => q.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();

export const findDeliveryOf = (q: Q, organizationId: string, endpointId: string, id: string) =>
  q
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('endpoint_id', '=', endpointId)
    .where('id', '=', id)
    .executeTakeFirst();

export async function updateDelivery(q: Q, id: string, set: Updateable<Database['webhook_deliveries']>): Promise<void> {
  await q.updateTable('webhook_deliveries').set(set).where('id', '=', id).execute();
}

export async function insertAttempt(q: Q, row: Database['webhook_attempts']): Promise<void> {
  await q.insertInto('webhook_attempts').values(row).execute();
}

/** An endpoint's deliveries, newest first, without their bodies. */
export const listDeliveries = (q: Q, endpointId: string, limit: number, offset: number) =>
  q
    .selectFrom('webhook_deliveries')
    .select(['id', 'message_id', 'event', 'record_id', 'status', 'attempts', 'last_status_code', 'last_duration_ms', 'last_error', 'next_attempt_at', 'delivered_at', 'created_at'])
    .where('endpoint_id', '=', endpointId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();

export async function countDeliveries(q: Q, endpointId: string): Promise<number> {
  const r = await q.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('endpoint_id', '=', endpointId).executeTakeFirstOrThrow();
  return Number(r.n);
}

export const attemptsOf = (q: Q, deliveryId: string) =>
  q.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('attempt').execute();

/** Deletes an organization's deliveries (and, by cascade, their attempts) made before `before`: the log keeps 30 days. */
export async function pruneDeliveries(q: Q, organizationId: string, before: string): Promise<number> {
  const r = await q.deleteFrom('webhook_deliveries').where('organization_id', '=', organizationId).where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Marks an endpoint's deliveries still waiting as failed (it was disabled), so the log says why they stopped. */
export async function stopPendingDeliveries(q: Q, endpointId: string, now: string, why: string): Promise<void> {
  await q
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', next_attempt_at: null, last_error: why, modified_at: now })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .execute();
}

/** Marks a person's waiting deliveries as not sent (erasure has cleared their bodies and cancelled their jobs). */
export async function cancelDeliveriesOf(q: Q, organizationId: string, personId: string, now: string): Promise<number> {
  const r = await q
    .updateTable('webhook_deliveries')
    .set({ status: 'cancelled', next_attempt_at: null, last_error: 'not sent: the person was erased', modified_at: now })
    .where('organization_id', '=', organizationId)
    .where('person_id', '=', personId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The emails of an organization's owners, for the disabled-endpoint notice. */
export async function ownerEmails(q: Q, organizationId: string): Promise<string[]> {
  const rows = await q
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('users.email')
    .where('memberships.organization_id', '=', organizationId)
    .where('memberships.role', '=', 'owner')
    .execute();
  return rows.map((r) => r.email);
}

export const organizationName = async (q: Q, organizationId: string) =>
  (await q.selectFrom('organizations').select('name').where('id', '=', organizationId).executeTakeFirst())?.name ?? null;
