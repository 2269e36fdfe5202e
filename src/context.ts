import type { FastifyInstance } from 'fastify';
import type { Kysely, Migration, Transaction } from 'kysely';
import type { Config } from './config.ts';
import { connect, type Db } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import type { Database } from './db/schema.ts';
import { GroupCommitter } from './actions/committer.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { Worker, type JobHandler, type WorkerOptions } from './jobs/worker.ts';
import { accountJobHandlers } from './accounts/jobs.ts';
import type { Permission } from './accounts/policy.ts';
import type { Link } from './kits/api/hal.ts';
import type { PageContext } from './kits/pages/layout.tsx';

/** What a process needs to serve requests or run jobs: built once by the CLI or a test. */
export interface Context {
  config: Config;
  database: Db;
  committer: GroupCommitter;
  mailer: Mailer;
  /** The capabilities this process runs (src/app/capabilities.ts). */
  capabilities: readonly Capability[];
  close(): Promise<void>;
}

/** Opens the database (migrated to every capability's latest schema), the group committer and the mailer. */
export async function openContext(
  config: Config,
  capabilities: readonly Capability[],
  opts: { migrate?: boolean; mailer?: Mailer } = {},
): Promise<Context> {
  const database = connect(config.databaseUrl);
  if (opts.migrate !== false) await migrateToLatest(database.db, migrationsOf(capabilities));
  const committer = new GroupCommitter(database.db, { concurrency: database.dialect === 'sqlite' ? 1 : 2, dialect: database.dialect });
  const mailer = opts.mailer ?? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, dataDir: config.dataDir });
  return {
    config,
    database,
    committer,
    mailer,
    capabilities,
    async close() {
      await committer.close();
      mailer.close();
      await database.close();
    },
  };
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

/** The job worker, with the handlers of the accounts and of every capability. */
export function openWorker(
  ctx: Context,
  log?: (msg: string, extra?: Record<string, unknown>) => void,
  opts: Pick<WorkerOptions, 'busy' | 'maxDeferMs'> = {},
): Worker {
  const deps: JobDeps = { db: ctx.database.db, mailer: ctx.mailer, secretKey: ctx.config.secretKey, baseUrl: ctx.config.baseUrl };
  const handlers: Record<string, JobHandler> = { ...accountJobHandlers(deps) };
  for (const c of ctx.capabilities) {
    for (const [type, handler] of Object.entries(c.jobs?.(deps) ?? {})) {
      if (handlers[type]) throw new Error(`job type ${type} is handled twice (capability ${c.name})`);
      handlers[type] = handler;
    }
  }
  return new Worker({ db: ctx.database.db, dialect: ctx.database.dialect, handlers, log, ...opts });
}

/** Registers a capability's routes on one surface (public pages, the console under /admin, the API under /api/v2). */
export type Routes = (ctx: Context) => (app: FastifyInstance) => Promise<void>;

/** What a job handler of any capability may use. */
export interface JobDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  secretKey: Buffer;
  baseUrl: string;
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
  /** Job handlers by job type; types are prefixed with the capability (`petition.autoresponse`). */
  jobs?: (deps: JobDeps) => Record<string, JobHandler>;
  /** Schema changes, named `NNN_what` so that they sort in the order they were written. */
  migrations?: Record<string, Migration>;
  /** The action types of this capability that partners can join (coalitions). */
  actions?: ActionKind[];
  /** Its part of the public home page (open actions), or null when it has nothing to show. */
  home?: (ctx: Context, page: PageContext) => Promise<JSX.Element | null>;
  /** Its part of the console's dashboard for one organization, or null when it has nothing to show. */
  dashboard?: (ctx: Context, organizationId: string) => Promise<JSX.Element | null>;
  /**
   * Clears what this capability keeps of one person being erased (their comments, phone numbers,
   * sources…), inside the erasure's transaction. Counts stay; personal text goes.
   */
  erase?: (trx: Transaction<Database>, organizationId: string, personId: string, now: string) => Promise<Record<string, number>>;
}

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

/** How the coalition screens find an action of one type and refresh its public page. */
export interface ActionKind {
  type: string;
  /** The action with this id, looked for within the organization only. */
  find(ctx: Context, organizationId: string, id: string): Promise<PartneredAction | undefined>;
  /** Drops the cached public page, so a change of partners shows at once. */
  forget(ctx: Context, slug: string): void;
}
