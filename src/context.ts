import type { Config } from './config.ts';
import { connect, type Db } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { GroupCommitter } from './actions/committer.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { Worker, type WorkerOptions } from './jobs/worker.ts';
import { petitionJobHandlers } from './petitions/jobs.ts';
import { accountJobHandlers } from './accounts/jobs.ts';
import { eventCampaignJobHandlers } from './event-campaigns/jobs.ts';
import { importJobHandlers } from './imports/jobs.ts';
import { eventJobHandlers } from './events/jobs.ts';
import { PetitionReadCache } from './petitions/public-cache.ts';

/** What a process needs to serve requests or run jobs: built once by the CLI or a test. */
export interface Context {
  config: Config;
  database: Db;
  committer: GroupCommitter;
  mailer: Mailer;
  /** Public reads of petitions, shared by the pages and the API (which clears it on change). */
  petitionCache: PetitionReadCache;
  close(): Promise<void>;
}

export async function createContext(config: Config, opts: { migrate?: boolean; mailer?: Mailer } = {}): Promise<Context> {
  const database = connect(config.databaseUrl);
  if (opts.migrate !== false) await migrateToLatest(database.db);
  const committer = new GroupCommitter(database.db, { concurrency: database.dialect === 'sqlite' ? 1 : 2, dialect: database.dialect });
  const mailer = opts.mailer ?? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, dataDir: config.dataDir });
  return {
    config,
    database,
    committer,
    mailer,
    petitionCache: new PetitionReadCache(database.db),
    async close() {
      await committer.close();
      mailer.close();
      await database.close();
    },
  };
}

export function createWorker(
  ctx: Context,
  log?: (msg: string, extra?: Record<string, unknown>) => void,
  opts: Pick<WorkerOptions, 'busy' | 'maxDeferMs'> = {},
): Worker {
  const deps = { db: ctx.database.db, mailer: ctx.mailer, secretKey: ctx.config.secretKey, baseUrl: ctx.config.baseUrl };
  return new Worker({
    db: ctx.database.db,
    dialect: ctx.database.dialect,
    handlers: {
      ...petitionJobHandlers(deps),
      ...accountJobHandlers(deps),
      ...eventCampaignJobHandlers(deps),
      ...importJobHandlers(deps),
      ...eventJobHandlers(deps),
    },
    log,
    ...opts,
  });
}
