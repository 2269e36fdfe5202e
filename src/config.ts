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
  /** `redis://…`: rate limits are counted in Redis, shared by every web process (src/app/rate-limits.ts). */
  redisUrl: string | undefined;
  /** Stripe, for fundraising pages: without a secret key, online giving is off and pages say so. */
  stripe: StripeConfig;
  /** Where the worker listens for delivery reports (bounces) by SMTP; unset: it does not. */
  bounceSmtpPort: number | undefined;
  /** Outgoing webhooks (src/webhooks/README.md). */
  webhooks: WebhooksConfig;
  /**
   * `MAILING_PARALLEL` (1 to 8, default 1): how many chunks of one mailing send at once, each at
   * its share of the organization's rate. Set it to the number of `turnout worker` processes
   * (src/mailings/README.md); with one process, 1 is the fastest.
   */
  mailingParallel: number;
}

export interface WebhooksConfig {
  /** `WEBHOOKS_ALLOW_PRIVATE=1`: endpoints may be http:// and private or loopback addresses (development and tests only). */
  allowPrivate: boolean;
  /** How long one delivery waits for the receiver's answer (`WEBHOOKS_TIMEOUT_MS`, 10 s). */
  timeoutMs: number;
}

export interface StripeConfig {
  secretKey: string | undefined;
  webhookSecret: string | undefined;
  /** Where the Stripe client sends its calls: Stripe's own API, or a stand-in for tests and staging. */
  apiBase: string;
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
  const stripeApiBase = (env.STRIPE_API_BASE || 'https://api.stripe.com').replace(/\/+$/, '');
  try {
    const u = new URL(stripeApiBase);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new ConfigError(`STRIPE_API_BASE must be an http:// or https:// address, got "${env.STRIPE_API_BASE}"`);
  }
  const stripeSecretKey = env.STRIPE_SECRET_KEY || undefined;
  if (stripeSecretKey && !/^(sk|rk)_(test|live)_\S+$/.test(stripeSecretKey)) {
    throw new ConfigError('STRIPE_SECRET_KEY must be a Stripe secret or restricted key (sk_live_…, sk_test_…, rk_…)');
  }
  const stripeWebhookSecret = env.STRIPE_WEBHOOK_SECRET || undefined;
  if (stripeWebhookSecret && !stripeWebhookSecret.startsWith('whsec_')) {
    throw new ConfigError('STRIPE_WEBHOOK_SECRET must be the signing secret of a Stripe webhook endpoint (whsec_…)');
  }
  if (stripeSecretKey && !stripeWebhookSecret) {
    throw new ConfigError('STRIPE_WEBHOOK_SECRET must be set with STRIPE_SECRET_KEY: gifts are recorded only from Stripe\'s signed webhook');
  }
  const bounceSmtpPort = env.BOUNCE_SMTP_PORT ? Number(env.BOUNCE_SMTP_PORT) : undefined;
  if (bounceSmtpPort !== undefined && (!Number.isInteger(bounceSmtpPort) || bounceSmtpPort < 1 || bounceSmtpPort > 65535)) {
    throw new ConfigError(`BOUNCE_SMTP_PORT must be a whole number from 1 to 65535, got "${env.BOUNCE_SMTP_PORT}"`);
  }
  const allowPrivateRaw = env.WEBHOOKS_ALLOW_PRIVATE || '0';
  if (allowPrivateRaw !== '0' && allowPrivateRaw !== '1') {
    throw new ConfigError(`WEBHOOKS_ALLOW_PRIVATE must be "0" or "1", got "${env.WEBHOOKS_ALLOW_PRIVATE}"`);
  }
  const webhookTimeoutMs = env.WEBHOOKS_TIMEOUT_MS ? Number(env.WEBHOOKS_TIMEOUT_MS) : 10_000;
  if (!Number.isInteger(webhookTimeoutMs) || webhookTimeoutMs < 100 || webhookTimeoutMs > 60_000) {
    throw new ConfigError(`WEBHOOKS_TIMEOUT_MS must be a whole number of milliseconds from 100 to 60000, got "${env.WEBHOOKS_TIMEOUT_MS}"`);
  }
  const mailingParallel = env.MAILING_PARALLEL ? Number(env.MAILING_PARALLEL) : 1;
  if (!Number.isInteger(mailingParallel) || mailingParallel < 1 || mailingParallel > 8) {
    throw new ConfigError(`MAILING_PARALLEL must be a whole number from 1 to 8, got "${env.MAILING_PARALLEL}"`);
  }
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl) {
    let ok = /^rediss?:\/\//.test(redisUrl);
    try {
      new URL(redisUrl);
    } catch {
      ok = false;
    }
    if (!ok) throw new ConfigError(`REDIS_URL must be a redis:// or rediss:// address, got "${redisUrl.replace(/:[^:@/]*@/, ':***@')}"`);
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
    bounceSmtpPort,
    stripe: { secretKey: stripeSecretKey, webhookSecret: stripeWebhookSecret, apiBase: stripeApiBase },
    redisUrl,
    webhooks: { allowPrivate: allowPrivateRaw === '1', timeoutMs: webhookTimeoutMs },
    mailingParallel,
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
