import { Migrator, PostgresAdapter, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m001 from './migrations/001_foundation.ts';
import * as m002 from './migrations/002_accounts.ts';
import * as m006 from './migrations/006_totp_last_step.ts';
import * as m007 from './migrations/007_signin_failures_rate_limits.ts';
import * as m017 from './migrations/017_api_identifiers.ts';
import * as m018 from './migrations/018_pages.ts';
import * as m021 from './migrations/021_spanish_texts.ts';
import * as m025 from './migrations/025_organizer_language.ts';

// The foundation's migrations (organizations, people, accounts, jobs, and the first
// petitions tables, written before capabilities had folders). Each capability lists its own
// (Capability.migrations); they are listed rather than read from a folder, so they work the
// same under tsx, in tests and from the CLI.
const foundation: Record<string, Migration> = {
  '001_foundation': m001,
  '002_accounts': m002,
  '006_totp_last_step': m006,
  '007_signin_failures_rate_limits': m007,
  // Identifiers other systems give records through the API, for every resource (src/kits/api/identifiers.ts).
  '017_api_identifiers': m017,
  // Organizations' accent colour and logo, petitions' closing time (src/orgs/README.md).
  '018_pages': m018,
  // Spanish versions of the campaign's own words on petitions, events, event campaigns and forms (src/kits/pages/localized.ts).
  '021_spanish_texts': m021,
  // The language of turnout's emails to an organizer (src/organizers/README.md, "Your account").
  '025_organizer_language': m025,
};

/**
 * PostgreSQL advisory lock held while migrating and while dropping a schema (`dropSchema`).
 * Kysely's migrator reads the catalog of every schema in the database; a schema dropped by
 * another process meanwhile (tests and benchmarks each use and then drop their own) failed it
 * with "schema … does not exist".
 */
export const SCHEMA_CHANGE_LOCK = 7_304_251;

/** Brings the database up to the latest migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>, capabilities: Record<string, Migration>): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => ({ ...foundation, ...capabilities }) };
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return migrate(db, provider);
  // The lock is held by one connection of the pool while the migrator uses the others.
  return db.connection().execute(async (holder) => {
    await sql`SELECT pg_advisory_lock(${SCHEMA_CHANGE_LOCK})`.execute(holder);
    try {
      return await migrate(db, provider);
    } finally {
      await sql`SELECT pg_advisory_unlock(${SCHEMA_CHANGE_LOCK})`.execute(holder);
    }
  });
}

async function migrate(db: Kysely<any>, provider: MigrationProvider): Promise<string[]> {
  // Unordered: migrations written side by side on branches may land in either order.
  const migrator = new Migrator({ db, provider, migrationTableSchema: await currentSchema(db), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`migration failed${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * The PostgreSQL schema the connection writes to (`?schema=` on the URL). Kysely's migrator
 * looks for its own tables in every schema unless told which one: with several schemas in one
 * database (a test or benchmark each), it found another schema's lock table and failed.
 */
async function currentSchema(db: Kysely<any>): Promise<string | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined;
  const r = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
  return r.rows[0]?.schema;
}
