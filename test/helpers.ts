import { before, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../src/config.ts';
import { createContext, createWorker, type Context } from '../src/app/context.ts';
import { dropSchema, ensureSchema } from '../src/db/connect.ts';
import { buildApp } from '../src/app/build-app.ts';
import type { Mailer, OutgoingMail } from '../src/mail/mailer.ts';

export interface Target {
  name: 'sqlite' | 'postgres';
}

/** The databases every suite runs on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function targets(): Target[] {
  return process.env.TEST_DATABASE_URL ? [{ name: 'sqlite' }, { name: 'postgres' }] : [{ name: 'sqlite' }];
}

/** A mailer that keeps what it is asked to send, for assertions. */
export class MemoryMailer implements Mailer {
  sent: OutgoingMail[] = [];
  failNext = 0;
  async send(mail: OutgoingMail) {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('SMTP server said no (test)');
    }
    this.sent.push(mail);
  }
  close() {}
}

export interface Harness {
  ctx: Context;
  app: FastifyInstance;
  config: Config;
  mailer: MemoryMailer;
  dataDir: string;
  databaseUrl: string;
  /** Runs every due job once, as the worker would. */
  runJobs(): Promise<number>;
  close(): Promise<void>;
}

/** An empty database: a SQLite file in `dataDir`, or a new PostgreSQL schema `<prefix>_<random>`. */
async function newDatabase(target: Target, dataDir: string, prefix: string): Promise<string> {
  if (target.name === 'sqlite') return `sqlite:${path.join(dataDir, 'turnout.sqlite')}`;
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.searchParams.set('schema', `${prefix}_${randomBytes(6).toString('hex')}`);
  await ensureSchema(url.toString());
  return url.toString();
}

/** A fresh database of its own (a temporary SQLite file or a new PostgreSQL schema), migrated, with the app built. */
export async function harness(target: Target, env: Record<string, string> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'turnout-test-'));
  const databaseUrl = await newDatabase(target, dataDir, 't');
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    BASE_URL: 'http://turnout.test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RATE_LIMITS: 'off',
    ...env,
  });
  const mailer = new MemoryMailer();
  const ctx = await createContext(config, { mailer });
  const app = await buildApp(ctx);
  const worker = await createWorker(ctx);
  return {
    ctx,
    app,
    config,
    mailer,
    dataDir,
    databaseUrl,
    runJobs: () => worker.drain(),
    async close() {
      await app.close();
      await ctx.close();
      if (target.name === 'postgres') await dropSchema(databaseUrl);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Scratch {
  dataDir: string;
  databaseUrl: string;
}

/**
 * For a suite that starts turnout as its own process: a data directory and an empty database,
 * made before the suite (the fields are set then) and removed after it.
 */
export function scratchDatabase(target: Target, name: string): Scratch {
  const scratch = {} as Scratch;
  before(async () => {
    scratch.dataDir = mkdtempSync(path.join(tmpdir(), `turnout-${name}-test-`));
    scratch.databaseUrl = await newDatabase(target, scratch.dataDir, name);
  });
  after(async () => {
    if (target.name === 'postgres') await dropSchema(scratch.databaseUrl);
    rmSync(scratch.dataDir, { recursive: true, force: true });
  });
  return scratch;
}

/** Encodes a form body as a browser does. */
export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
