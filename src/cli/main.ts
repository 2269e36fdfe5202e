import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createWriteStream } from 'node:fs';
import { text as readAll } from 'node:stream/consumers';
import { loadConfig, ConfigError, type Config } from '../config.ts';
import type { Context } from '../context.ts';
import { UserError } from '../util/errors.ts';

// Each command loads what it uses when it runs: the web application alone takes seconds and
// over 100 MB to load, which `turnout export` or `turnout migrate` do not need.

class UsageError extends UserError {}

interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<void>;
}

const ENV_HELP = `Environment: DATABASE_URL (default: SQLite file in DATA_DIR), PORT (3000), HOST (127.0.0.1),
BASE_URL (http://localhost:PORT), SMTP_URL (unset: mail is written to DATA_DIR/mail/*.eml),
MAIL_FROM (turnout@localhost), DATA_DIR (./data), RATE_LIMITS (on|off; off only for load tests),
REDIS_URL (unset; redis://… shares rate limits between web processes, see docs/SCALING.md).`;

const out = (s: string) => process.stdout.write(s + '\n');

async function withContext<T>(fn: (ctx: Context) => Promise<T>, config = loadConfig()): Promise<T> {
  const { createContext } = await import('../app/context.ts');
  const ctx = await createContext(config);
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/** The SMTP listener for delivery reports, when BOUNCE_SMTP_PORT is set (src/mailings/README.md). */
async function startBounces(ctx: import('../context.ts').Context) {
  const port = ctx.config.bounceSmtpPort;
  if (port === undefined) return null;
  const { startBounceListener } = await import('../mailings/index.ts');
  const listener = await startBounceListener({ db: ctx.database.db, secretKey: ctx.config.secretKey, port, host: ctx.config.host, log: (msg, extra) => process.stderr.write(`${msg} ${JSON.stringify(extra ?? {})}\n`) });
  out(`listening for delivery reports by SMTP on ${ctx.config.host}:${listener.port}`);
  return listener;
}

/** Requests a second above which the web process is busy serving, and its worker yields (see `WorkerOptions.serving`). */
const SERVING_PER_SECOND = 300;

async function serve(config: Config, opts: { demo: boolean; worker: boolean; quiet?: boolean }) {
  const { createContext, createWorker } = await import('../app/context.ts');
  const { buildApp } = await import('../app/build-app.ts');
  const { seedDemo, demoSignInLink, DEMO_OWNER_EMAIL } = await import('../demo/seed.ts');
  const ctx = await createContext(config);
  if (opts.demo) {
    const demo = await seedDemo(ctx.database.db);
    if (demo.created) out(`Created the demo organization "${demo.orgSlug}" with a demo petition, a week of action with three events, a fundraising page that takes pledges, an open letter signed by five organizations and a letter campaign to the city council.`);
  }
  const app = await buildApp(ctx);
  // The worker shares this process with the pages: during a surge it steps aside, and while
  // the pages are read by hundreds a second it takes at most a sixth of the time (docs/PERFORMANCE.md).
  const worker = opts.worker
    ? await createWorker(ctx, (msg, extra) => app.log.warn(extra ?? {}, msg), { busy: () => ctx.committer.busy(), serving: () => app.traffic.atLeast(SERVING_PER_SECOND) })
    : null;
  await app.listen({ port: config.port, host: config.host });
  worker?.start();
  const bounces = worker && !opts.quiet ? await startBounces(ctx) : null;
  const where = config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl.slice(7) : 'PostgreSQL';
  out(`turnout is running at ${config.baseUrl}/  (database: ${where})`);
  // With --processes, only the first says where everything is.
  const say = opts.quiet ? () => {} : out;
  if (opts.demo) {
    say(`Demo petition: ${config.baseUrl}/petitions/stop-selling-face-surveillance`);
    say(`Demo week of action: ${config.baseUrl}/event_campaigns/week-of-action-against-face-surveillance (events at ${config.baseUrl}/events)`);
    say(`Demo open letter: ${config.baseUrl}/open_letters/coalition-letter-to-lumidex`);
    say(`Demo fundraiser (pledges): ${config.baseUrl}/fundraising/pledge-to-fund-the-lawsuit`);
    say(`Demo letter to decision-makers: ${config.baseUrl}/letters/write-the-council-no-lumidex`);
    say(`Demo form: ${config.baseUrl}/forms/volunteer-for-the-week-of-action`);
  }
  if (!config.smtpUrl) say(`Outgoing email is written to ${config.dataDir}/mail/ as .eml files (set SMTP_URL to send it).`);
  say('API: create a token with `npx turnout token create --org demo-coalition`, then send it as OSDI-API-Token to /api/v2/.');
  if (opts.demo) {
    const link = await demoSignInLink(ctx);
    say(`Organizer console: ${config.baseUrl}/admin — sign in as ${DEMO_OWNER_EMAIL} within one hour with this one-time link:`);
    say(`  ${config.baseUrl}${link}`);
  } else say(`Organizer console: ${config.baseUrl}/admin (make an account with \`npx turnout user create --help\`).`);
  say(opts.worker ? 'Press Ctrl+C to stop.' : 'Press Ctrl+C to stop. Jobs run in `turnout worker`.');
  const stop = async () => {
    out('Stopping…');
    await app.close();
    await bounces?.close();
    await worker?.stop();
    await ctx.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const commands: Record<string, Command> = {
  serve: {
    summary: 'serve the web pages and API, and run jobs in the same process',
    usage: `turnout serve [--demo] [--no-worker] [--port N] [--processes N]

  --no-worker      serve pages and the API only; run jobs in \`turnout worker\` (any number of them)
  --port N         listen on port N (instead of PORT); BASE_URL defaults to http://localhost:N
  --processes N    N web processes sharing the port (PostgreSQL only); one that dies is started again

Several web processes and workers on one PostgreSQL: docs/SCALING.md.`,
    options: { demo: { type: 'boolean' }, 'no-worker': { type: 'boolean' }, port: { type: 'string' }, processes: { type: 'string' } },
    run: async (v) => {
      const config = loadConfig(typeof v.port === 'string' ? { ...process.env, PORT: v.port } : process.env);
      const { isChildProcess, processNumber, superviseProcesses } = await import('./processes.ts');
      const processes = v.processes === undefined ? 1 : Number(v.processes);
      if (!Number.isInteger(processes) || processes < 1 || processes > 64) throw new UsageError(`--processes must be a whole number from 1 to 64, not "${v.processes}"`);
      if (processes > 1 && !isChildProcess()) {
        if (!/^postgres(ql)?:/.test(config.databaseUrl)) {
          throw new UsageError('--processes needs PostgreSQL (DATABASE_URL=postgres://…): SQLite has one writer, so one process serves it best');
        }
        out(`Starting ${processes} web processes on port ${config.port}.`);
        superviseProcesses(processes, out);
        return;
      }
      // Of several processes, the first seeds the demo and says where things are; the others say they listen.
      const first = processNumber() === 1;
      await serve(config, { demo: v.demo === true && first, worker: v['no-worker'] !== true, quiet: !first });
    },
  },
  worker: {
    summary: 'run background jobs (email) without serving pages',
    usage: `turnout worker [--once] [--lock-seconds N]

  --once             run the jobs that are due, then stop
  --lock-seconds N   how long a claimed job stays this worker's (30; renewed every third of it
                     while it runs): a worker that dies has its jobs taken by another within N s

Run as many workers as you like, on any machine, with one PostgreSQL (docs/SCALING.md).`,
    options: { once: { type: 'boolean' }, 'lock-seconds': { type: 'string' } },
    run: async (v) => {
      const lockSeconds = v['lock-seconds'] === undefined ? 30 : Number(v['lock-seconds']);
      if (!Number.isInteger(lockSeconds) || lockSeconds < 3 || lockSeconds > 3600) throw new UsageError(`--lock-seconds must be a whole number from 3 to 3600, not "${v['lock-seconds']}"`);
      const { createContext, createWorker } = await import('../app/context.ts');
      const ctx = await createContext(loadConfig());
      const worker = await createWorker(ctx, (msg, extra) => process.stderr.write(`${msg} ${JSON.stringify(extra ?? {})}\n`), { lockMs: lockSeconds * 1000 });
      if (v.once) {
        const n = await worker.drain();
        out(`ran ${n} job(s)`);
        await ctx.close();
        return;
      }
      worker.start();
      const bounces = await startBounces(ctx);
      out(`worker ${worker.id} is running; press Ctrl+C to stop.`);
      const stop = async () => {
        await bounces?.close();
        await worker.stop();
        await ctx.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
  },
  migrate: {
    summary: 'bring the database schema up to date',
    usage: 'turnout migrate',
    options: {},
    run: async () => {
      const config = loadConfig();
      const { connect } = await import('../db/connect.ts');
      const { migrateToLatest } = await import('../db/migrate.ts');
      const { capabilityMigrations } = await import('../app/migrations.ts');
      const database = connect(config.databaseUrl);
      try {
        const applied = await migrateToLatest(database.db, capabilityMigrations());
        out(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date');
      } finally {
        await database.close();
      }
    },
  },
  demo: {
    summary: 'create the demo organization and petition (once)',
    usage: 'turnout demo',
    options: {},
    run: async () =>
      withContext(async (ctx) => {
        const { seedDemo } = await import('../demo/seed.ts');
        const r = await seedDemo(ctx.database.db);
        out(r.created ? `created organization ${r.orgSlug} and petition ${r.petitionSlug}` : 'the demo is already there');
      }),
  },
  org: {
    summary: 'manage organizations: org create --name NAME [--slug SLUG]',
    usage: 'turnout org create --name NAME [--slug SLUG]',
    options: { name: { type: 'string' }, slug: { type: 'string' } },
    run: async (v, pos) => {
      if (pos[0] !== 'create') throw new UsageError('usage: turnout org create --name NAME [--slug SLUG]');
      if (typeof v.name !== 'string') throw new UsageError('--name is required: turnout org create --name "Example Coalition"');
      const { createOrganization } = await import('../orgs/service.ts');
      await withContext(async (ctx) => {
        const org = await createOrganization(ctx.database.db, { name: v.name as string, slug: v.slug as string | undefined });
        out(org.slug);
      });
    },
  },
  user: {
    summary: 'make an organizer account: user create --email E --org SLUG --role ROLE [--password-stdin]',
    usage: `turnout user create --email EMAIL --org SLUG --role owner|admin|organizer|viewer [--name NAME] [--password-stdin]

Reads the password from standard input with --password-stdin (echo "…" | turnout user create …);
without it, prints a one-time link (valid for one hour) where the person sets a password.
An existing account is given the role in the organization.`,
    options: { email: { type: 'string' }, org: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
    run: async (v, pos) => {
      if (pos[0] !== 'create') throw new UsageError('usage: turnout user create --email EMAIL --org SLUG --role owner');
      if (typeof v.email !== 'string') throw new UsageError('--email is required');
      if (typeof v.org !== 'string') throw new UsageError('--org is required (an organization slug)');
      const { isRole } = await import('../accounts/policy.ts');
      const { AccountError, createAccountLink, createUser, grantRole, setPassword, passwordMessage } = await import('../accounts/service.ts');
      const { findUserByEmail } = await import('../accounts/repository.ts');
      const { findOrganizationBySlug } = await import('../orgs/repository.ts');
      const { normalizeEmail } = await import('../actions/people/normalize.ts');
      const role = v.role ?? 'owner';
      if (!isRole(role)) throw new UsageError(`--role must be owner, admin, organizer or viewer, not "${role}"`);
      const password = v['password-stdin'] ? (await readAll(process.stdin)).replace(/\r?\n$/, '') : undefined;
      await withContext(async (ctx) => {
        const db = ctx.database.db;
        const org = await findOrganizationBySlug(db, v.org as string);
        if (!org) throw new UsageError(`no organization with slug "${v.org}"`);
        let user = await findUserByEmail(db, normalizeEmail(v.email as string));
        if (!user) user = await createUser(db, { email: v.email as string, name: (v.name as string) ?? '', password });
        else if (password !== undefined) {
          const problem = await setPassword(db, user.id, password);
          if (problem) throw new AccountError(passwordMessage(problem));
        }
        await grantRole(db, { userId: user.id, organizationId: org.id, role, byUserId: null });
        out(`${user.email} is ${role} of ${org.name}.`);
        if (password === undefined) {
          const link = await createAccountLink(db, ctx.config.secretKey, { kind: 'sign_in', email: user.email, userId: user.id });
          out(`Set a password and sign in within one hour at:`);
          out(`${ctx.config.baseUrl}${link.path}`);
        } else out(`Sign in at ${ctx.config.baseUrl}/admin/sign-in`);
      });
    },
  },
  token: {
    summary: 'make an API token for one organization: token create --org SLUG',
    usage: 'turnout token create --org SLUG [--label TEXT]',
    options: { org: { type: 'string' }, label: { type: 'string' } },
    run: async (v, pos) => {
      if (pos[0] !== 'create') throw new UsageError('usage: turnout token create --org SLUG');
      if (typeof v.org !== 'string') throw new UsageError('--org is required: turnout token create --org demo-coalition');
      const { createApiToken } = await import('../orgs/service.ts');
      await withContext(async (ctx) => {
        const { token, organization } = await createApiToken(ctx.database.db, v.org as string, (v.label as string) ?? 'cli');
        out(`API token for ${organization.name} (shown once; send it in the OSDI-API-Token header):`);
        out(token);
      });
    },
  },
  export: {
    summary: 'export data: signatures --petition SLUG (CSV), or delivery --petition SLUG | --open-letter SLUG --format pdf|csv',
    usage: 'turnout export signatures --petition SLUG [--output FILE]\n       turnout export delivery --petition SLUG | --open-letter SLUG --format pdf|csv [--output FILE]',
    options: { petition: { type: 'string' }, 'open-letter': { type: 'string' }, format: { type: 'string' }, output: { type: 'string', short: 'o' } },
    run: async (v, pos) => {
      const usage = 'usage: turnout export signatures --petition SLUG [--output FILE], or turnout export delivery --petition SLUG | --open-letter SLUG --format pdf|csv [--output FILE]';
      if (pos[0] !== 'signatures' && pos[0] !== 'delivery') throw new UsageError(usage);
      if (pos[0] === 'signatures' && typeof v.petition !== 'string') throw new UsageError('--petition is required: turnout export signatures --petition SLUG');
      if (pos[0] === 'delivery') {
        if ((typeof v.petition === 'string') === (typeof v['open-letter'] === 'string')) throw new UsageError('give one of --petition SLUG or --open-letter SLUG: turnout export delivery --open-letter SLUG --format pdf');
        if (v.format !== 'pdf' && v.format !== 'csv') throw new UsageError(`--format must be pdf or csv${typeof v.format === 'string' ? `, not "${v.format}"` : ''}`);
      }
      // The database and the export only: no mailer, jobs or web application to load.
      const { connect } = await import('../db/connect.ts');
      const { migrateToLatest } = await import('../db/migrate.ts');
      const { capabilityMigrations } = await import('../app/migrations.ts');
      const { findPetitionBySlug } = await import('../petitions/index.ts');
      const { exportSignaturesCsv } = await import('../petitions/index.ts');
      const database = connect(loadConfig().databaseUrl);
      try {
        await migrateToLatest(database.db, capabilityMigrations());
        // Found before the output is opened, so a wrong slug leaves no empty file behind.
        let write: (target: NodeJS.WritableStream & import('node:stream').Writable) => Promise<void>;
        if (pos[0] === 'signatures' || typeof v.petition === 'string') {
          const petition = await findPetitionBySlug(database.db, v.petition as string);
          if (!petition) throw new UsageError(`no petition with slug "${v.petition}"`);
          if (pos[0] === 'signatures') write = (target) => exportSignaturesCsv(database, petition.organization_id, petition.id, target);
          else {
            const { petitionDelivery } = await import('../petitions/index.ts');
            const { writePetitionPdf, writePetitionDeliveryCsv } = await petitionDelivery();
            const { nowIso } = await import('../util/ids.ts');
            write = (target) => (v.format === 'pdf' ? writePetitionPdf(database, petition, petition.organization_name, target, nowIso()) : writePetitionDeliveryCsv(database, petition, target));
          }
        } else {
          const { findLetterBySlug, openLetterDelivery } = await import('../open-letters/index.ts');
          const letter = await findLetterBySlug(database.db, v['open-letter'] as string);
          if (!letter) throw new UsageError(`no open letter with slug "${v['open-letter']}"`);
          const { writeLetterPdf, writeLetterCsv } = await openLetterDelivery();
          const { nowIso } = await import('../util/ids.ts');
          write = (target) => (v.format === 'pdf' ? writeLetterPdf(database.db, letter, target, nowIso()) : writeLetterCsv(database.db, letter, target));
        }
        const target = typeof v.output === 'string' ? createWriteStream(v.output) : process.stdout;
        await write(target as never);
        if (target !== process.stdout) await new Promise<void>((resolve, reject) => target.end((e?: Error | null) => (e ? reject(e) : resolve())));
      } finally {
        await database.close();
      }
    },
  },
  jobs: {
    summary: 'list failed jobs, or put them back in the queue with --retry ID|all',
    usage: 'turnout jobs [--status failed|pending|running|done] [--retry ID|all]',
    options: { status: { type: 'string' }, retry: { type: 'string' } },
    run: async (v) =>
      withContext(async (ctx) => {
        const { listJobs, countJobs, retryFailedJobs } = await import('../jobs/repository.ts');
        const { nowIso } = await import('../util/ids.ts');
        const db = ctx.database.db;
        if (typeof v.retry === 'string') {
          const n = await retryFailedJobs(db, nowIso(), v.retry === 'all' ? undefined : v.retry);
          out(`queued ${n} failed job(s) again`);
          return;
        }
        const status = (v.status as string | undefined) ?? 'failed';
        if (!['failed', 'pending', 'running', 'done'].includes(status)) throw new UsageError(`--status must be failed, pending, running or done, not "${status}"`);
        const counts = await countJobs(db);
        out(`jobs: ${['pending', 'running', 'done', 'failed'].map((s) => `${counts[s as 'done'] ?? 0} ${s}`).join(', ')}`);
        const rows = await listJobs(db, status as 'failed');
        if (rows.length === 0) out(`no ${status} jobs`);
        for (const j of rows) out(`${j.id}  ${j.kind}  attempts=${j.attempts}  ${j.finished_at ?? j.run_at}  ${j.last_error ?? ''}`);
      }),
  },
};

function help(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return `turnout: campaign actions for advocacy coalitions\n\nUsage: turnout <command> [options]   (turnout <command> --help)\n\n${lines.join('\n')}\n\n${ENV_HELP}`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(help());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`turnout: unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out(`${command.usage}\n\n${command.summary}\n\n${ENV_HELP}`);
    return 0;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    await command.run(values as Record<string, string | boolean | undefined>, positionals);
    return 0;
  } catch (e) {
    const known = e instanceof UserError || e instanceof ConfigError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`turnout ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    if (!known && e instanceof Error && process.env.DEBUG) process.stderr.write(`${e.stack}\n`);
    return known ? 2 : 1;
  }
}
