import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resident memory of a process from /proc, in MiB: now (VmRSS) and its peak so far (VmHWM). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const rss = kb('VmRSS');
    const peak = kb('VmHWM');
    // A process that is exiting (a zombie) has no memory lines left.
    return Number.isNaN(rss) || Number.isNaN(peak) ? null : { rssMb: rss / 1024, peakMb: peak / 1024 };
  } catch {
    return null; // the process has ended
  }
}

/** Samples a process's memory every `everyMs` until stopped; keeps the highest figures seen. */
export class MemorySampler {
  peakMb = 0;
  samples: { atMs: number; rssMb: number }[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly started = Date.now();

  constructor(
    private readonly pid: number,
    everyMs = 100,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.sample();
  }

  sample(): void {
    const m = memoryOf(this.pid);
    if (!m) return;
    this.peakMb = Math.max(this.peakMb, m.peakMb);
    this.samples.push({ atMs: Date.now() - this.started, rssMb: m.rssMb });
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

// Children still running when the benchmark ends (or fails) are killed with it, so none is left behind.
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export interface Running {
  child: ChildProcess;
  pid: number;
  url: string;
  output(): string;
  /** Sends `signal` and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  exited: Promise<number | null>;
}

/**
 * Starts a child process and waits until a line of its stdout matches `ready`. Its output is
 * kept (the last 64 kB) for the error message if it dies.
 */
export async function startProcess(
  args: string[],
  opts: { env: NodeJS.ProcessEnv; ready: RegExp; url: string; timeoutMs?: number },
): Promise<Running> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-65536);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start in time:\n${output}`)), opts.timeoutMs ?? 30_000);
    const check = () => {
      if (opts.ready.test(output)) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    child,
    pid: child.pid!,
    url: opts.url,
    output: () => output,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface TurnoutEnv {
  databaseUrl: string;
  dataDir: string;
  port: number;
  smtpUrl?: string;
  /** More variables, such as a payment provider's keys. */
  extraEnv?: Record<string, string>;
}

/** `node bin/turnout.js serve --demo` as a separate process, as an operator would start it, without rate limits. */
export function startTurnout(e: TurnoutEnv, extraArgs: string[] = []): Promise<Running> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATABASE_URL: e.databaseUrl,
    DATA_DIR: e.dataDir,
    PORT: String(e.port),
    HOST: '127.0.0.1',
    BASE_URL: `http://127.0.0.1:${e.port}`,
    RATE_LIMITS: 'off',
    LOG_LEVEL: 'warn',
    ...(e.smtpUrl ? { SMTP_URL: e.smtpUrl } : {}),
    ...e.extraEnv,
  };
  return startProcess(['bin/turnout.js', 'serve', '--demo', ...extraArgs], {
    env,
    ready: /turnout is running/,
    url: `http://127.0.0.1:${e.port}`,
  });
}

/** The bare Fastify route the figures are compared with, in its own process. */
/**
 * The baseline routes of bench/baseline-server.ts; with `dataDir`, also its durable floor route
 * (a SQLite file there), and with `floorDatabaseUrl` (a PostgreSQL schema) the same on PostgreSQL.
 */
export function startBaseline(port: number, dataDir?: string, floorDatabaseUrl?: string): Promise<Running> {
  return startProcess(['--import', 'tsx', 'bench/baseline-server.ts'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      ...(dataDir ? { DATA_DIR: dataDir } : {}),
      ...(floorDatabaseUrl ? { FLOOR_DATABASE_URL: floorDatabaseUrl } : {}),
    },
    ready: /baseline listening/,
    url: `http://127.0.0.1:${port}`,
  });
}
