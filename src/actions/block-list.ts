import type { Kysely, Selectable, Transaction } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Database } from '../db/schema.ts';
import type { Counter } from './unit-of-work.ts';
import type { GroupCommitter } from './committer.ts';

// An organization's block lists (table made by src/organizers/migrations/008_block_lists.ts):
// email domains and client keys whose new actions every public form refuses, with a neutral message.

export interface BlockedSenderTable {
  id: string;
  organization_id: string;
  kind: 'email_domain' | 'client_key';
  /** A domain in lower case (`spam.example`), or a client key as stored on actions. */
  value: string;
  note: string;
  /** Actions refused because of this entry, moved once per batch like a petition's count. */
  refusals: number;
  created_by: string | null;
  created_at: string;
  /** A client key's block lapses when that key rotates (src/kits/pages/client-key.ts); null for a domain. */
  expires_at: string | null;
}

declare module '../db/schema.ts' {
  interface Database {
    blocked_senders: BlockedSenderTable;
  }
}

export type BlockedSender = Selectable<BlockedSenderTable>;
type Q = Kysely<Database> | Transaction<Database>;

const REFUSALS: Counter = { table: 'blocked_senders', column: 'refusals' };

export function listBlockedSenders(q: Q, organizationId: string) {
  return q.selectFrom('blocked_senders').selectAll().where('organization_id', '=', organizationId).orderBy('kind').orderBy('value').execute();
}

/** Adds an entry; false when the organization already blocks that value. */
export async function addBlockedSender(q: Q, row: BlockedSender): Promise<boolean> {
  const r = await q.insertInto('blocked_senders').values(row).onConflict((oc) => oc.columns(['organization_id', 'kind', 'value']).doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function removeBlockedSender(q: Q, organizationId: string, id: string) {
  return q.deleteFrom('blocked_senders').where('organization_id', '=', organizationId).where('id', '=', id).returningAll().executeTakeFirst();
}

/** One organization's lists as the forms check them: value → entry id. */
export interface BlockLists {
  domains: Map<string, string>;
  clientKeys: Map<string, { id: string; expiresAt: string | null }>;
}

/**
 * The block lists of every organization, read at most every 2 s per process (like the public
 * pages' rows): a form checks them in memory, so the signing path pays no round trip for them.
 * A change in the console is seen at once in its own process (`forget`), within 2 s in others.
 */
export class BlockListCache {
  private readonly lists: LRUCache<string, BlockLists>;

  constructor(private readonly db: Kysely<Database>, ttlMs = 2000) {
    this.lists = new LRUCache<string, BlockLists>({ max: 5000, ttl: ttlMs, allowStale: true, fetchMethod: (org) => this.load(org) });
  }

  private async load(organizationId: string): Promise<BlockLists> {
    const rows = await listBlockedSenders(this.db, organizationId);
    const lists: BlockLists = { domains: new Map(), clientKeys: new Map() };
    for (const r of rows) {
      if (r.kind === 'email_domain') lists.domains.set(r.value, r.id);
      else lists.clientKeys.set(r.value, { id: r.id, expiresAt: r.expires_at });
    }
    return lists;
  }

  async get(organizationId: string): Promise<BlockLists> {
    try {
      return (await this.lists.fetch(organizationId))!;
    } catch {
      return (await this.lists.fetch(organizationId))!;
    }
  }

  forget(organizationId: string): void {
    this.lists.delete(organizationId);
  }
}

/** The entry that refuses an action from this email domain or client key, if any. */
export function blockingEntry(lists: BlockLists, who: { emailDomain: string; clientKey: string | null }, nowIso: string): string | null {
  const byDomain = lists.domains.get(who.emailDomain);
  if (byDomain) return byDomain;
  // A parent domain blocks its subdomains (mail.spam.example).
  for (let i = who.emailDomain.indexOf('.'); i >= 0; i = who.emailDomain.indexOf('.', i + 1)) {
    const parent = lists.domains.get(who.emailDomain.slice(i + 1));
    if (parent && who.emailDomain.slice(i + 1).includes('.')) return parent;
  }
  if (who.clientKey) {
    const byKey = lists.clientKeys.get(who.clientKey);
    if (byKey && (byKey.expiresAt === null || byKey.expiresAt > nowIso)) return byKey.id;
  }
  return null;
}

/** Counts a refusal on its entry, through group commit (one update per batch, off the signing path). */
export function countRefusal(committer: GroupCommitter, entryId: string): void {
  committer
    .submit(
      async (uow) => {
        uow.count(REFUSALS, entryId, 1);
      },
      { sideBySide: true },
    )
    .catch(() => {
      // A refusal not counted is not worth an error page: the action was refused all the same.
    });
}

const caches = new WeakMap<object, BlockListCache>();

export function blockListCache(ctx: { database: { db: Kysely<Database> } }): BlockListCache {
  let cache = caches.get(ctx);
  if (!cache) caches.set(ctx, (cache = new BlockListCache(ctx.database.db)));
  return cache;
}
