import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Db } from '../db/connect.ts';
import type { RaisedListener } from '../actions/unit-of-work.ts';
import { enabledSubscriptions, eventsOf } from './repository.ts';

export const JOB_FANOUT = 'webhooks.fanout';

/** Older than this, the cache is read again in the background while the old one still answers. */
const SOFT_MS = 2_000;
/** Older than this (or forgotten), the cache is read again before it answers. */
const HARD_MS = 5_000;

/**
 * Which organizations want which events, read from the enabled endpoints and kept per process.
 * An action with no subscriber therefore costs a map lookup and no row. A change made in this
 * process's console is seen at once (`forget`); one made in another process within 5 s.
 */
export class SubscriptionCache {
  private map = new Map<string, Set<string>>();
  private loadedAt = -Infinity;
  private generation = 0;
  private loading: Promise<void> | null = null;

  constructor(private readonly db: Kysely<Database>) {}

  /** The subscriptions, fresh enough: read again first (in `q`, the action's transaction) when older than 5 s or forgotten. */
  async current(q: Kysely<Database> | Transaction<Database>): Promise<Map<string, Set<string>>> {
    const age = Date.now() - this.loadedAt;
    if (age > HARD_MS) await this.load(q);
    else if (age > SOFT_MS && !this.loading) {
      this.loading = this.load(this.db).catch(() => undefined).finally(() => (this.loading = null));
    }
    return this.map;
  }

  /** True when some enabled endpoint of the organization wants the event. */
  async subscribed(q: Kysely<Database> | Transaction<Database>, organizationId: string, event: string): Promise<boolean> {
    return (await this.current(q)).get(organizationId)?.has(event) === true;
  }

  /** Drops what is known, after a change in the console: the next action reads the endpoints again. */
  forget(): void {
    this.generation++;
    this.loadedAt = -Infinity;
  }

  private async load(q: Kysely<Database> | Transaction<Database>): Promise<void> {
    const generation = this.generation;
    const started = Date.now();
    const rows = await enabledSubscriptions(q);
    // A forget() while this read was under way wins: what was read may predate the change.
    if (generation !== this.generation) return;
    const map = new Map<string, Set<string>>();
    for (const row of rows) {
      let events = map.get(row.organization_id);
      if (!events) map.set(row.organization_id, (events = new Set()));
      for (const event of eventsOf(row.events)) events.add(event);
    }
    this.map = map;
    this.loadedAt = started;
  }
}

const caches = new WeakMap<Kysely<Database>, SubscriptionCache>();

/** The cache of one database (a process may hold several: the tests do). */
export function subscriptionCache(db: Kysely<Database>): SubscriptionCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new SubscriptionCache(db)));
  return cache;
}

/**
 * Hears what a transaction raised and, only for organizations with an endpoint that wants the
 * event, queues one fan-out job per record in the same transaction (so nothing is lost on a crash).
 */
export function webhookListener(database: Db): RaisedListener {
  const cache = subscriptionCache(database.db);
  return async (uow, raised) => {
    const subscriptions = await cache.current(uow.trx);
    if (subscriptions.size === 0) return;
    for (const r of raised) {
      if (subscriptions.get(r.organizationId)?.has(r.event)) uow.enqueue(JOB_FANOUT, { event: r.event, organizationId: r.organizationId, id: r.id });
    }
  };
}
