import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Context } from '../context.ts';

/**
 * Where the rate limits count hits, so that they hold across web processes:
 *
 * - `REDIS_URL` set: in Redis (ioredis, @fastify/rate-limit's own Redis store);
 * - otherwise, on PostgreSQL: in the database (`rate_limit_hits`, an unlogged table: a hit costs
 *   one round trip and no disk flush);
 * - otherwise (SQLite, one process): in the process's memory, as before.
 *
 * A store that cannot be reached lets the request through (`skipOnError`): a restart of Redis or
 * PostgreSQL must not turn every page into an error; the route then meets the database itself.
 */
export async function rateLimitStore(ctx: Context): Promise<{ options: Partial<FastifyRateLimitOptions>; kind: 'redis' | 'postgres' | 'memory'; close(): Promise<void> }> {
  if (ctx.config.redisUrl) {
    const { Redis } = await import('ioredis');
    // Short timeouts and one try per command, as @fastify/rate-limit advises: a slow Redis must not hold requests.
    const redis = new Redis(ctx.config.redisUrl, { connectTimeout: 500, maxRetriesPerRequest: 1 });
    let logged = 0;
    redis.on('error', (error: Error) => {
      if (Date.now() - logged < 10_000) return;
      logged = Date.now();
      process.stderr.write(`turnout: Redis for rate limits is unavailable (${error.message}); requests are not limited meanwhile\n`);
    });
    return {
      kind: 'redis',
      options: { redis, nameSpace: 'turnout-rate-limit-', skipOnError: true },
      close: async () => void (await redis.quit().catch(() => redis.disconnect())),
    };
  }
  if (ctx.database.dialect === 'postgres') {
    return { kind: 'postgres', options: { store: databaseStore(ctx.database.db), skipOnError: true }, close: async () => {} };
  }
  return { kind: 'memory', options: {}, close: async () => {} };
}

/** A fixed window per key in `rate_limit_hits`: the first hit sets when it ends; later ones count. */
function databaseStore(db: Kysely<Database>): FastifyRateLimitStoreCtor {
  class DatabaseStore implements FastifyRateLimitStore {
    // The plugin constructs the store with its options; children get their route's prefix.
    private readonly prefix: string;
    constructor(_options?: unknown, prefix = 'turnout-rate-limit-') {
      this.prefix = prefix;
    }

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow?: number): void {
      const now = Date.now();
      const ends = now + (timeWindow ?? 60_000);
      hit(db, this.prefix + key, now, ends).then(
        (row) => callback(null, { current: row.hits, ttl: Math.max(0, row.resets_at - now) }),
        (error: Error) => callback(error),
      );
      // Now and then, windows that ended go.
      if (Math.random() < 0.001) void db.deleteFrom('rate_limit_hits').where('resets_at', '<', now).execute().catch(() => {});
    }

    child(routeOptions: { method?: unknown; url?: unknown; routeInfo?: { method: string; url: string } }): FastifyRateLimitStore {
      const route = routeOptions.routeInfo ?? { method: String(routeOptions.method), url: String(routeOptions.url) };
      return new DatabaseStore(undefined, `${this.prefix}${route.method}${route.url}-`);
    }
  }
  return DatabaseStore as unknown as FastifyRateLimitStoreCtor;
}

async function hit(db: Kysely<Database>, key: string, now: number, ends: number) {
  const row = await db
    .insertInto('rate_limit_hits')
    .values({ key, hits: 1, resets_at: ends })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        hits: eb.case().when('rate_limit_hits.resets_at', '<=', now).then(1).else(eb('rate_limit_hits.hits', '+', 1)).end(),
        resets_at: eb.case().when('rate_limit_hits.resets_at', '<=', now).then(ends).else(eb.ref('rate_limit_hits.resets_at')).end(),
      })),
    )
    .returning(['hits', 'resets_at'])
    .executeTakeFirstOrThrow();
  return { hits: Number(row.hits), resets_at: Number(row.resets_at) };
}
