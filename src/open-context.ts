import type { Config } from './config.ts';
import { connect } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { GroupCommitter } from './actions/committer.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { withLayout } from './kits/mail/transactional.ts';
import { Worker, type JobHandler, type WorkerOptions } from './jobs/worker.ts';
import { accountJobHandlers } from './accounts/jobs.ts';
import { migrationsOf, type Capability, type Context, type JobDeps } from './context.ts';

/** Opens the database (migrated to every capability's latest schema), the group committer and the mailer. */
export async function openContext(
  config: Config,
  capabilities: readonly Capability[],
  opts: { migrate?: boolean; mailer?: Mailer } = {},
): Promise<Context> {
  const database = connect(config.databaseUrl);
  if (opts.migrate !== false) await migrateToLatest(database.db, migrationsOf(capabilities));
  const listeners = capabilities.flatMap((c) => (c.listen ? [c.listen(database, config)] : []));
  const committer = new GroupCommitter(database.db, {
    concurrency: database.dialect === 'sqlite' ? 1 : 2,
    dialect: database.dialect,
    listener: listeners.length === 0 ? undefined : async (uow, raised) => {
      for (const listener of listeners) await listener(uow, raised);
    },
  });
  // Every plain-text email goes out in the one layout, in its organization's name (src/kits/mail/transactional.ts).
  const mailer = withLayout(opts.mailer ?? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, dataDir: config.dataDir }), database.db);
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

/** The job worker, with the handlers of the accounts and of every capability. */
export async function openWorker(
  ctx: Context,
  log?: (msg: string, extra?: Record<string, unknown>) => void,
  opts: Pick<WorkerOptions, 'busy' | 'serving' | 'maxDeferMs' | 'lockMs'> = {},
): Promise<Worker> {
  const deps: JobDeps = { db: ctx.database.db, mailer: ctx.mailer, secretKey: ctx.config.secretKey, baseUrl: ctx.config.baseUrl, config: ctx.config, capabilities: ctx.capabilities };
  const handlers: Record<string, JobHandler> = { ...accountJobHandlers(deps) };
  for (const c of ctx.capabilities) {
    for (const [type, handler] of Object.entries((await c.jobs?.(deps)) ?? {})) {
      if (handlers[type]) throw new Error(`job type ${type} is handled twice (capability ${c.name})`);
      handlers[type] = handler;
    }
  }
  return new Worker({ db: ctx.database.db, dialect: ctx.database.dialect, handlers, log, ...opts });
}
