import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

/** Everything turnout reads from its environment, validated once at start. */
export interface Config {
  databaseUrl: string;
  port: number;
  host: string;
  baseUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  dataDir: string;
  rateLimits: boolean;
  secretKey: Buffer;
  logLevel: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(env.DATA_DIR || './data');
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, got "${env.PORT}"`);
  }
  const host = env.HOST || '127.0.0.1';
  const baseUrl = (env.BASE_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  try {
    const u = new URL(baseUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new ConfigError(`BASE_URL must be an http:// or https:// address, got "${env.BASE_URL}"`);
  }
  const databaseUrl = env.DATABASE_URL || `sqlite:${path.join(dataDir, 'turnout.sqlite')}`;
  if (!/^(postgres|postgresql):\/\//.test(databaseUrl) && !databaseUrl.startsWith('sqlite:')) {
    throw new ConfigError(
      `DATABASE_URL must start with postgres:// or sqlite:, got "${databaseUrl.replace(/:[^:@/]*@/, ':***@')}"`,
    );
  }
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) {
    throw new ConfigError(`SMTP_URL must start with smtp:// or smtps://, got "${smtpUrl.replace(/:[^:@/]*@/, ':***@')}"`);
  }
  const rateLimitsRaw = (env.RATE_LIMITS || 'on').toLowerCase();
  if (rateLimitsRaw !== 'on' && rateLimitsRaw !== 'off') {
    throw new ConfigError(`RATE_LIMITS must be "on" or "off", got "${env.RATE_LIMITS}"`);
  }
  return {
    databaseUrl,
    port,
    host,
    baseUrl,
    smtpUrl,
    mailFrom: env.MAIL_FROM || 'turnout@localhost',
    dataDir,
    rateLimits: rateLimitsRaw === 'on',
    secretKey: env.SECRET_KEY ? Buffer.from(env.SECRET_KEY, 'utf8') : loadOrCreateSecret(dataDir),
    logLevel: env.LOG_LEVEL || 'info',
  };
}

/** The instance's secret key lives in DATA_DIR so that restarts keep sessions and hashes stable. */
function loadOrCreateSecret(dataDir: string): Buffer {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  const key = randomBytes(32);
  try {
    writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another process made it first (two processes starting together): use theirs.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    throw e;
  }
  return key;
}
