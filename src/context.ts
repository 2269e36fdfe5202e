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
import type { RaisedListener } from './actions/unit-of-work.ts';

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
  /** The capabilities this worker runs, for a job that presents another's records (webhooks). */
  capabilities?: readonly Capability[];
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
  /**
   * Its part of the console's dashboard for one organization: a section (its actions and counts),
   * or a `DashboardPart` that also names what needs attention (listed first, before every
   * section), or null when it has nothing to show.
   */
  dashboard?: (ctx: Context, organizationId: string) => Promise<DashboardPart | JSX.Element | null>;
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
  /**
   * The webhook events this capability's records raise (`uow.raise(event, organizationId, id)`
   * where the record is made) and how each record is presented in a delivery (src/webhooks/).
   */
  webhooks?: WebhookEvent[];
  /** Hears what every transaction of the group committer raised, before it is written (webhooks' fan-out). */
  listen?: (database: Db, config: Config) => RaisedListener;
}

/** A kind of record other systems can be told of by webhook, declared by the capability that makes it. */
export interface WebhookEvent {
  /** The name raised and subscribed to: `signature`, `attendance`, `submission`, `donation`, `outreach`, `person`. */
  event: string;
  /** The key around each record in a delivery's body, as Action Network names it (`osdi:signature`). */
  key: string;
  /** What the console calls it: "Petition signatures". */
  label: string;
  /**
   * The records of the organization with these ids, each as the API presents it with the person
   * embedded (`person`), under its id; a record that is gone is left out.
   */
  present(db: Kysely<Database>, baseUrl: string, organizationId: string, ids: readonly string[]): Promise<Map<string, WebhookRecord>>;
}

/** One record of a webhook's body: the resource as the API presents it, and the person it names (erasure finds the delivery by them). */
export interface WebhookRecord {
  resource: Record<string, unknown>;
  personId: string | null;
}

/** Something that waits for someone in the organization, at the top of the dashboard. */
export interface AttentionItem {
  /** What waits, in a sentence: "3 events wait for review in “Week of action”". */
  text: string;
  /** Where it is dealt with. */
  href: string;
  /**
   * 0: someone outside waits on the organization's answer (a host's event, a partner's
   * invitation, a signature to review); 1: something stopped or about to happen (a paused or
   * scheduled mailing, failed deliveries); 2: good to know. Lower comes first.
   */
  urgency: 0 | 1 | 2;
}

/** A capability's part of the dashboard: what needs attention, and its section. */
export interface DashboardPart {
  attention?: AttentionItem[];
  section?: JSX.Element | null;
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
  /** What the console calls one such action, in lower case: "petition", "open letter", "fundraising page". */
  noun: string;
  /** Where its console pages live, the partners page among them: "/admin/petitions", "/admin/fundraising". */
  consoleBase: string;
  /** False for a type that takes no partners (a form shares no one with anyone): named in the console, never on a coalition screen. */
  partners: boolean;
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
  /** What one and several of these records are called in the console: "petition signature", "petition signatures". */
  noun: { one: string; other: string };
  actions: PersonAction[];
  /** Everything stored in these records, for the person's export (no other person's data). */
  exported: unknown[];
}
