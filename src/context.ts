import type { FastifyInstance } from 'fastify';
import type { Kysely, Migration, Transaction } from 'kysely';
import type { Config } from './config.ts';
import type { Db } from './db/connect.ts';
import type { Database } from './db/schema.ts';
import type { GroupCommitter } from './actions/committer.ts';
import type { Mailer } from './mail/mailer.ts';
import type { JobHandler } from './jobs/worker.ts';
import type { Permission } from './accounts/policy.ts';
import type { Link } from './kits/api/hal.ts';
import type { PageContext } from './kits/pages/layout.tsx';

// The shapes the whole app is built on: the process's Context and a Capability. Types only
// (and one pure function), so that every capability's index.ts can name them without loading
// the database drivers, the mailer or the worker (src/open-context.ts opens those).

/** What a process needs to serve requests or run jobs: built once by the CLI or a test (src/open-context.ts). */
export interface Context {
  config: Config;
  database: Db;
  committer: GroupCommitter;
  mailer: Mailer;
  /** The capabilities this process runs (src/app/capabilities.ts). */
  capabilities: readonly Capability[];
  close(): Promise<void>;
}

/** Every capability's migrations in one set; names are unique across capabilities (`NNN_what`). */
export function migrationsOf(capabilities: readonly Capability[]): Record<string, Migration> {
  const all: Record<string, Migration> = {};
  for (const c of capabilities) {
    for (const [name, migration] of Object.entries(c.migrations ?? {})) {
      if (all[name]) throw new Error(`migration ${name} is declared twice (capability ${c.name})`);
      all[name] = migration;
    }
  }
  return all;
}

/** Registers a capability's routes on one surface (public pages, the console under /admin, the API under /api/v2). */
export type Routes = (ctx: Context) => (app: FastifyInstance) => Promise<void>;

/** What a job handler of any capability may use. */
export interface JobDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  secretKey: Buffer;
  baseUrl: string;
  /** The whole configuration, for a job that calls a payment provider. */
  config: Config;
}

/** One entry of the console's menu, shown to the roles that have `permission`. */
export interface ConsoleSection {
  href: string;
  label: string;
  permission: Permission;
  /** Its place in the menu: lower comes first. */
  order: number;
}

/**
 * Everything the app needs to know of one capability (petitions, events, …). A capability is a
 * folder under src/ whose index.ts exports one of these; src/app/capabilities.ts lists them, and
 * the app, the worker, the migrator, the console, the API and erasure are built from that list.
 * Every part is optional: a capability declares only the surfaces it has.
 */
export interface Capability {
  /** The folder's name. */
  name: string;
  /** Public pages (`/petitions/:slug` …). */
  publicRoutes?: Routes;
  /** Console screens, mounted under /admin; each route declares its `config.permission`. */
  consoleRoutes?: Routes;
  consoleSections?: ConsoleSection[];
  /** API endpoints, mounted under /api/v2. */
  apiRoutes?: Routes;
  /** Links this capability adds to the API entry point (`GET /api/v2/`). */
  apiLinks?: (baseUrl: string) => Record<string, Link>;
  /** Job handlers by job type; types are prefixed with the capability (`petition.autoresponse`). Loaded when a worker starts. */
  jobs?: (deps: JobDeps) => Promise<Record<string, JobHandler>>;
  /** Schema changes, named `NNN_what` so that they sort in the order they were written. */
  migrations?: Record<string, Migration>;
  /** What this capability keeps of one person: the actions their page lists, and what their export holds. */
  personRecords?: (ctx: Context, organizationId: string, personId: string) => Promise<PersonRecords>;
  /** The action types of this capability that partners can join (coalitions). */
  actions?: ActionKind[];
  /** Its part of the public home page (open actions), or null when it has nothing to show. */
  home?: (ctx: Context, page: PageContext) => Promise<JSX.Element | null>;
  /** Its part of the console's dashboard for one organization, or null when it has nothing to show. */
  dashboard?: (ctx: Context, organizationId: string) => Promise<JSX.Element | null>;
  /**
   * Every column of this capability's tables, table by table: whether it holds personal data and
   * what erasing a person does with it. Erasure clears the `clear` columns of tables whose rows
   * name the person by `person_id` itself; `erase` below does the rest. test/privacy-erasure.test.ts
   * fails on a column of the migrated database that no capability (nor the core,
   * src/db/personal-data.ts) declares.
   */
  personalData?: PersonalData;
  /**
   * Clears what this capability keeps of one person being erased that is not found by `person_id`
   * (a host's name and email typed into an event, an import's preview), inside the erasure's
   * transaction, with what the person was (`erased`: their email and names, read before they were
   * cleared). Counts stay; personal text goes. Returns how many records were kept, by kind.
   */
  erase?: (trx: Transaction<Database>, organizationId: string, personId: string, now: string, erased: ErasedPerson) => Promise<Record<string, number>>;
}

/** Who is being erased, as they were before: what `erase` looks for where no `person_id` leads to them. */
export interface ErasedPerson {
  id: string;
  /** Normalized (trimmed, lower case); null when the person had none. */
  email: string | null;
  given_name: string | null;
  family_name: string | null;
}

/**
 * What one column holds, for erasure. `plain`: nothing about a supporter (ids, times, counts,
 * statuses, an organizer's own text). Otherwise personal data, and what erasing the person it
 * belongs to does with it: `clear` (null, or the empty value `erase` writes) or `keep`, with why.
 */
export type ColumnData = 'plain' | { erase: 'clear'; why?: string } | { erase: 'keep'; why: string };

/** One table's columns, and how erasure finds the rows of one person. */
export interface TableData {
  /**
   * `person_id`: rows whose `person_id` is the person; erasure sets their `clear` columns to null
   * and `stamp` to the time of the erasure, counts the rows kept (`<table>_kept` in the audit
   * row) and cancels queued jobs that name a row's `id`. `erase`: the capability's `erase` finds
   * and clears them. `none`: the table holds nothing about supporters.
   */
  rows: 'person_id' | 'erase' | 'none';
  /** The column erasure sets to its time (`modified_at`), if any. */
  stamp?: string;
  columns: Record<string, ColumnData>;
}

/** Declarations of personal data, by table. */
export type PersonalData = Record<string, TableData>;

/** An action that partners can join, as the coalition screens show it. */
export interface PartneredAction {
  type: string;
  id: string;
  title: string;
  slug: string;
  total: number;
  /** What the total counts, in a sentence: "12 signatures in all". */
  totalText: string;
  consolePath: string;
  publicPath: string;
}

/** What partners brought to one action: answers by partner source code, and copies each partner received. */
export interface PartnerCounts {
  /** Counted records (signatures, RSVPs …) of the sponsor, by `?source=` code. */
  bySource: Map<string, number>;
  /** Records copied to each partner organization (supporters who ticked its box), by organization id. */
  sharedWith: Map<string, number>;
}

/** How the coalition screens find an action of one type, count what partners brought, and refresh its public page. */
export interface ActionKind {
  type: string;
  /** The action with this id, looked for within the organization only. */
  find(ctx: Context, organizationId: string, id: string): Promise<PartneredAction | undefined>;
  /** Actions of this type by id, of any organization (a partner sees the sponsor's action it joined). */
  describe(ctx: Context, ids: readonly string[]): Promise<PartneredAction[]>;
  counts(ctx: Context, sponsorId: string, actionId: string): Promise<PartnerCounts>;
  /** Drops the cached public page, so a change of partners shows at once. */
  forget(ctx: Context, slug: string): void;
}

/** One action a person took, as their page in the console lists it. */
export interface PersonAction {
  id: string;
  /** What they did, in a sentence: "Signed the petition “…”". */
  label: string;
  comments: string | null;
  source: string | null;
  referrer: string | null;
  /** null where the action type has no confirmation. */
  confirmed: boolean | null;
  created_at: string;
}

/** A capability's records of one person: listed on their page, and written into their export under `key`. */
export interface PersonRecords {
  /** The export's key for these records (`signatures`, `attendances`). */
  key: string;
  actions: PersonAction[];
  /** Everything stored in these records, for the person's export (no other person's data). */
  exported: unknown[];
}
