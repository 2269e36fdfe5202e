import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import '../messages.ts';
import type { Context } from '../../context.ts';
import { isLanguage, translator } from '../../i18n/index.ts';
import { challengeGate } from '../../kits/pages/challenge.ts';
import { classifyDatabaseFault, retryAfterSeconds } from '../../db/faults.ts';
import { controlCharacterIn } from '../../util/control-characters.ts';
import { errorMessage, type EmbedKind } from '../kinds.ts';
import { admit, allowOrigin, preflight, sendJson, type Admitted } from './cors.ts';
import { embedKinds } from '../registry.ts';

const SCRIPT = readFileSync(new URL('../assets/embed.js', import.meta.url));

type Slug = { Params: { slug: string } };

/**
 * The embed script and the JSON endpoints it calls from other sites (src/embeds/README.md):
 * `/embed.js`, and per action type `/embed/v1/<type>s/:slug` (the form: GET its definition,
 * POST a submission) and `/embed/v1/<type>s/:slug/count`. Every endpoint but the script checks
 * `Origin` first (cors.ts), before a rate limit, a body check or anything is read or written.
 */
export function embedScriptRoutes(ctx: Context) {
  return async function (app: FastifyInstance) {
    const admitted = new WeakMap<FastifyRequest, Admitted>();
    // The routes behind the Origin gate, by their path pattern.
    const gated = new Map<string, EmbedKind>();
    const signLimit = ctx.config.rateLimits ? { max: 20, timeWindow: '1 minute' } : false;

    app.get('/embed.js', (_request, reply) =>
      reply
        .type('text/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .header('cross-origin-resource-policy', 'cross-origin')
        .send(SCRIPT),
    );

    // The gate runs before the routes' own hooks (the rate limit) and before the body is read.
    app.addHook('onRequest', async (request, reply) => {
      const kind = request.routeOptions.url ? gated.get(request.routeOptions.url) : undefined;
      if (!kind) return;
      reply.header('cache-control', 'no-store');
      const slug = (request.params as { slug: string }).slug;
      // The gate reads the action before the app's own check of the path runs (preValidation):
      // a control character (a NUL, which PostgreSQL refuses) is refused here, as it is there.
      if (controlCharacterIn({ params: request.params, query: undefined, body: undefined })) return sendJson(reply, 400, { status: 'error', error: (request.t ?? translator('en'))('error.control.body') });
      const gate = await admit(ctx, kind, request, reply, slug);
      if (!gate.ok) return sendJson(reply, gate.status, { status: 'refused', error: gate.error });
      admitted.set(request, gate.admitted);
    });

    // Errors of these endpoints are JSON in the supporter's language, for the origin admitted.
    app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
      const formLang = (request.body as { lang?: unknown } | undefined)?.lang;
      const t = isLanguage(formLang) ? translator(formLang) : (request.t ?? translator('en'));
      const a = admitted.get(request);
      if (a) allowOrigin(reply, a.origin);
      reply.header('vary', 'Origin');
      const fault = classifyDatabaseFault(error);
      if (fault) {
        request.log.error({ err: error, fault }, 'embed request met a database fault');
        reply.header('retry-after', String(retryAfterSeconds(fault)));
        return sendJson(reply, 503, { status: 'error', error: fault === 'unavailable' ? t('error.restarting.body') : t('embed.unavailable') });
      }
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      if (status === 500) request.log.error({ err: error }, 'embed request failed');
      if (status === 429) reply.header('retry-after', '60');
      const message =
        status === 500
          ? t('error.server.body')
          : status === 413
            ? t('error.too_large.body')
            : status === 429
              ? t('error.rate_limited.body')
              : error.code === 'TURNOUT_CONTROL_CHARACTER'
                ? t('error.control.body')
                : t('embed.bad_request');
      return sendJson(reply, status, { status: 'error', error: message });
    });

    for (const kind of embedKinds(ctx)) {
      const path = `/embed/v1/${kind.segment}/:slug`;
      gated.set(path, kind);
      gated.set(`${path}/count`, kind);
      const pageUrl = (slug: string) => `${ctx.config.baseUrl}/${kind.segment}/${slug}`;

      app.options<Slug>(path, async (_request, reply) => preflight(reply));
      app.options<Slug>(`${path}/count`, async (_request, reply) => preflight(reply));

      // The form's definition: what the script draws, in the reader's language.
      app.get<Slug>(path, async (request, reply) => {
        const { action } = admitted.get(request)!;
        const t = request.t;
        const lang = request.lang;
        const open = kind.isOpen(action);
        return sendJson(reply, 200, {
          type: kind.type,
          slug: action.slug,
          lang,
          title: action.title,
          organization: action.organization_name,
          summary: kind.summary(action, t, lang),
          count: kind.count(action),
          countText: kind.countText(action, t),
          open,
          closedText: open ? null : kind.closedText(action, t),
          // While the proof-of-work challenge is on, the form is signed on its own page (README).
          challenge: open && challengeGate(ctx).active(action.id, action.challenge),
          heading: kind.heading(action, t),
          submit: kind.submitLabel(action, t),
          fields: open ? kind.fields(action, t, lang) : [],
          page: pageUrl(action.slug),
          // The language in the address too: an answer sent before the body is read (a rate limit) is in it as well.
          post: `${ctx.config.baseUrl}/embed/v1/${kind.segment}/${action.slug}?lang=${lang}`,
          messages: {
            sending: t('embed.sending'),
            network: t('embed.network'),
            summary: t('error.summary'),
            openPage: t('embed.open_page'),
            challenge: t('embed.challenge'),
            required: t('form.required'),
            powered: t('embed.powered', { org: action.organization_name }),
          },
        });
      });

      app.post<Slug & { Body: Record<string, unknown> }>(path, { config: { rateLimit: signLimit } }, async (request, reply) => {
        const { action, origin } = admitted.get(request)!;
        const body = request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? request.body : {};
        if (isLanguage(body.lang)) {
          request.lang = body.lang;
          request.t = translator(body.lang);
        }
        const t = request.t;
        const outcome = await kind.submit(action, {
          ctx,
          request,
          reply,
          body,
          site: origin,
          // A blocked sender gets the page's neutral words; past the strict limit, the way to the page and its challenge.
          refuse: (status, title, text) =>
            void sendJson(reply, status, status === 429 ? { status: 'challenge', error: t('embed.challenge'), page: pageUrl(action.slug) } : { status: 'refused', error: `${title}. ${text}` }),
        });
        switch (outcome.status) {
          case 'refused':
            return reply;
          case 'invalid':
            return sendJson(reply, 422, {
              status: 'invalid',
              summary: t('error.summary'),
              errors: Object.fromEntries(Object.entries(outcome.errors).map(([field, e]) => [field, errorMessage(t, e!)])),
            });
          case 'closed':
            return sendJson(reply, 409, { status: 'closed', error: outcome.message });
          case 'done':
            return sendJson(reply, 200, { status: 'done', ...kind.thanks(action, t, outcome.variant), page: pageUrl(action.slug) });
        }
      });

      app.get<Slug>(`${path}/count`, async (request, reply) => {
        const { action } = admitted.get(request)!;
        // Counts are at most 2 s plus one read old (the read cache); a browser may keep one 5 s.
        reply.header('cache-control', 'private, max-age=5');
        return sendJson(reply, 200, { count: kind.count(action), text: kind.countText(action, request.t) });
      });
    }
  };
}
