import Fastify, { LogController, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import { readFileSync } from 'node:fs';
import type { Context } from '../context.ts';
import { isLanguage, pickLanguage, translator, type Translate } from '../i18n/index.ts';
import { ErrorPage } from '../kits/pages/layout.tsx';
import { isApi, notFound, pageContext, sendPage } from '../kits/pages/page.ts';
import { clientKey } from '../kits/pages/client-key.ts';
import { apiRoutes } from '../kits/api/mount.ts';
import { consoleRoutes } from '../kits/console/mount.tsx';
import { challengeRoutes } from '../kits/pages/challenge-routes.ts';
import { classifyDatabaseFault, describeDatabaseFault, retryAfterSeconds } from '../db/faults.ts';
import { refuseControlCharacters } from './input-edge.ts';
import { rateLimitStore } from './rate-limits.ts';
import { homeRoutes } from './home.tsx';
import { dashboardRoutes } from './dashboard.tsx';
import { RateWindow } from '../util/rate-window.ts';

const CSS = readFileSync(new URL('../kits/pages/assets/turnout.css', import.meta.url));

// No request to any other site: one stylesheet from here, no scripts, no frames.
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Sent with every answer. */
const SECURITY_HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'interest-cohort=(), browsing-topics=()',
} as const;

// Sent too when BASE_URL is https: browsers then never ask for the site over plain http.
const HSTS = { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } as const;


export interface AppOptions {
  /** Where log lines go instead of standard output (tests read them). */
  logStream?: { write(line: string): void };
}

/** Builds the web application without listening; tests call `inject()` on it. */
export async function buildApp(ctx: Context, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      ctx.config.logLevel === 'silent'
        ? false
        : {
            level: ctx.config.logLevel,
            ...(options.logStream ? { stream: options.logStream } : {}),
            // No client addresses in logs, and no query strings (they can carry tokens).
            serializers: {
              req: (req) => ({ method: req.method, url: req.url.split('?')[0] }),
            },
          },
    // Requests are not logged one by one: fewer traces of supporters, and less work under load.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    trustProxy: process.env.TRUST_PROXY === '1' || process.env.TRUST_PROXY === 'true',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });

  const https = ctx.config.baseUrl.startsWith('https:');
  const headers = https ? { ...SECURITY_HEADERS, ...HSTS } : SECURITY_HEADERS;
  /** Addresses of files, not pages: pictures, calendars, downloads. */
  const FILE_PATH = /\.(?:png|jpe?g|gif|webp|svg|ico|ics|csv|json|txt|css|js)$/i;
  // Every cookie turnout sets (language, CSRF, session) is Secure when the site is https.
  await app.register(cookie, { parseOptions: { secure: https } });
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  // Shared by every web process on PostgreSQL or with REDIS_URL (src/app/rate-limits.ts).
  const limits = await rateLimitStore(ctx);
  app.addHook('onClose', () => limits.close());
  await app.register(rateLimit, {
    ...limits.options,
    global: false,
    keyGenerator: (request) => clientKey(ctx.config.secretKey, request.ip),
    errorResponseBuilder: (_request, context) => {
      const error = new Error(`rate limit: ${context.max} per ${context.after}`) as Error & { statusCode: number };
      error.statusCode = 429;
      return error;
    },
  });

  // Absolute addresses on public pages (link previews) come from BASE_URL, never from the Host header.
  app.decorate('baseUrl', ctx.config.baseUrl);
  const traffic = new RateWindow();
  app.decorate('traffic', traffic);
  app.decorateRequest('lang', 'en');
  app.decorateRequest('t', null as unknown as Translate);
  // A callback hook, not an async one: it runs on every request, and a promise each is measurable.
  app.addHook('onRequest', (request, reply, done) => {
    traffic.note();
    const query = request.query as Record<string, unknown> | undefined;
    const lang = pickLanguage({
      query: query?.lang,
      cookie: request.cookies.lang,
      acceptLanguage: request.headers['accept-language'],
    });
    request.lang = lang;
    request.t = translator(lang);
    const path = request.url.split('?', 1)[0]!;
    // A file (a link preview's picture, a calendar, a CSV) never sets a cookie: only a page remembers the choice.
    if (query?.lang === lang && request.cookies.lang !== lang && !FILE_PATH.test(path)) {
      reply.setCookie('lang', lang, { path: '/', maxAge: 365 * 86400, sameSite: 'lax', httpOnly: true });
    }
    reply.headers(headers);
    // Without ?lang= the language comes from the lang cookie or Accept-Language: a shared cache must keep one copy per both.
    if (query?.lang !== lang && !path.startsWith('/api/')) reply.header('vary', 'Accept-Language, Cookie');
    done();
  });
  // Control characters in the path, the query or the body: refused before any route reads them.
  app.addHook('preValidation', refuseControlCharacters);

  const faultLog = everyTenSeconds();
  app.setNotFoundHandler((request, reply) => notFound(request, reply));
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    // A form says the language it was shown in; an error met before its route read it keeps it too.
    const formLang = (request.body as { lang?: unknown } | undefined)?.lang;
    if (isLanguage(formLang)) {
      request.lang = formLang;
      request.t = translator(formLang);
    }
    const fault = classifyDatabaseFault(error);
    if (fault) {
      // Say what happened and when to come back. During a restart every request meets it: one line per fault every 10 s, not thousands.
      if (faultLog.due(fault)) request.log.error({ err: error, fault }, describeDatabaseFault(fault, error));
      reply.header('retry-after', String(retryAfterSeconds(fault)));
      if (isApi(request)) {
        return reply
          .code(503)
          .type('application/hal+json; charset=utf-8')
          .send({
            error:
              fault === 'unavailable'
                ? 'The database is unavailable for a moment (a restart or failover). Try again in a few seconds; a signature sent twice is counted once.'
                : 'The database cannot write right now; nothing was changed. Try again later.',
          });
      }
      const t = request.t ?? translator('en');
      // A restart is over in seconds, and a commit whose answer it cut may have been written: say so.
      const [title, body] = fault === 'unavailable' ? [t('error.restarting.title'), t('error.restarting.body')] : [t('error.unavailable.title'), t('error.unavailable.body')];
      return sendPage(reply, ErrorPage({ page: pageContext(request), title, body }), 503);
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'request failed');
    if (status === 429 && error.message.startsWith('rate limit')) reply.header('retry-after', '60');
    if (isApi(request)) {
      return reply
        .code(status)
        .type('application/hal+json; charset=utf-8')
        .send({ error: status === 500 ? 'Internal error; nothing was changed. Try again.' : apiMessage(error, status) });
    }
    const page = pageContext(request);
    const t = request.t ?? translator('en');
    const [title, body] =
      error.code === 'TURNOUT_CONTROL_CHARACTER'
        ? [t('error.control.title'), t('error.control.body')]
        : status === 413
        ? [t('error.too_large.title'), t('error.too_large.body')]
        : status === 429
          ? [t('error.rate_limited.title'), t('error.rate_limited.body')]
          : status === 404
            ? [t('error.not_found.title'), t('error.not_found.body')]
            : status === 500
              ? [t('error.server.title'), t('error.server.body')]
              : [t('error.bad_request.title'), t('error.bad_request.body')];
    return sendPage(reply, ErrorPage({ page, title, body }), status);
  });

  app.get('/assets/turnout.css', (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CSS),
  );
  // Browsers ask for it on every first visit: answer at once instead of with a 404 page.
  app.get('/favicon.ico', (_request, reply) => reply.code(204).header('cache-control', 'public, max-age=86400').send());
  app.get('/robots.txt', (_request, reply) => reply.type('text/plain').send('User-agent: *\nDisallow: /api/\n'));

  // The proof-of-work solver and challenges, for the public forms that carry one (src/kits/pages/challenge.ts).
  await app.register(challengeRoutes(ctx));
  await app.register(homeRoutes(ctx));
  for (const capability of ctx.capabilities) if (capability.publicRoutes) await app.register(capability.publicRoutes(ctx));
  await app.register(apiRoutes(ctx), { prefix: '/api/v2' });
  await app.register(consoleRoutes(ctx, [dashboardRoutes]), { prefix: '/admin' });
  return app;
}

/** Says whether a line about `kind` is due: the first time, then at most every 10 s. */
function everyTenSeconds() {
  const last = new Map<string, number>();
  return {
    due(kind: string): boolean {
      const now = Date.now();
      if (now - (last.get(kind) ?? -Infinity) < 10_000) return false;
      last.set(kind, now);
      return true;
    },
  };
}

function apiMessage(error: Error & { code?: string }, status: number): string {
  if (status === 413) return 'Request body too large';
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'Unsupported content type; send application/json';
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'Request body is empty; send a JSON object';
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return 'Malformed JSON in request body';
  return error.message;
}
