import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Sign-in failures (per account and client, per account) and the rate limits' hits, in the
// database so that several web processes on one PostgreSQL share them. Neither table holds an
// email or an address: keys are keyed hashes (src/accounts/signin-throttle.ts, src/app/rate-limits.ts).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('signin_failures')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_failure_at', 'text', (c) => c.notNull())
    .execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // Unlogged: a hit writes no WAL and waits for no flush, so a limited POST costs one round
    // trip, not one fsync; after a crash PostgreSQL empties the table, which only resets counts.
    await sql`CREATE UNLOGGED TABLE rate_limit_hits (key text PRIMARY KEY, hits integer NOT NULL, resets_at bigint NOT NULL)`.execute(db);
  } else {
    await db.schema
      .createTable('rate_limit_hits')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .addColumn('resets_at', 'bigint', (c) => c.notNull())
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limit_hits').execute();
  await db.schema.dropTable('signin_failures').execute();
}
