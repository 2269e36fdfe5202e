import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import '../messages.ts';
import type { Context } from '../../context.ts';
import { isLanguage, translator } from '../../i18n/index.ts';
import { pageContext, sendPage, notFound } from '../../kits/pages/page.ts';
import { cleanSource } from '../../kits/pages/referral.ts';
import { challengeGate } from '../../kits/pages/challenge.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import type { EmbedAction } from '../kinds.ts';
import { inLanguage, type InLanguage } from '../../kits/pages/localized.ts';
import { originCache } from '../origins.ts';
import { embedKinds } from '../registry.ts';
import { CountFramePage, FrameFormPage, FrameMessagePage, type FrameValues } from './frame-pages.tsx';

type Slug = { Params: { slug: string }; Querystring: Record<string, unknown> };

/** The action with its title in the reader's version, and the `lang` to mark when it is the other language's. */
const shown = <A extends EmbedAction>(request: FastifyRequest, action: A): InLanguage<A, 'title'> => inLanguage(request.lang, action, ['title']);

/**
 * The iframe variant, for sites that allow no scripts: `/embed/<type>s/:slug` (the form, posted
 * to itself: a normal same-origin form post inside the frame, with the action page's rules), its
 * thank-you page, and `/embed/<type>s/:slug/count`. These are the only turnout pages that may be
 * framed, and only by the organization's listed origins (`frame-ancestors`); with no origin
 * listed they refuse framing like every other page.
 */
export function embedFrameRoutes(ctx: Context) {
  return async function (app: FastifyInstance) {
    const signLimit = ctx.config.rateLimits ? { max: 20, timeWindow: '1 minute' } : false;

    /** The organization's listed origins, as frame-ancestors; the frame page's own policy otherwise matches every page's. */
    const frameHeaders = async (reply: FastifyReply, organizationId: string, challenge: boolean) => {
      const listed = [...(await originCache(ctx).get(organizationId))];
      const scripts = challenge ? "script-src 'self'; connect-src 'self'; " : '';
      reply.header(
        'content-security-policy',
        `default-src 'none'; ${scripts}style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors ${listed.length > 0 ? listed.join(' ') : "'none'"}`,
      );
      if (listed.length > 0) reply.removeHeader('x-frame-options');
      reply.header('cache-control', 'no-store');
      return new Set(listed);
    };

    /** The listed site the frame sits on: the Referer's origin when listed (GET), the posted `site` when listed (POST). */
    const siteOf = (raw: unknown, listed: Set<string>): string | null => {
      if (typeof raw !== 'string' || raw.length > 2000) return null;
      try {
        const origin = new URL(raw).origin;
        return listed.has(origin) ? origin : null;
      } catch {
        return null;
      }
    };

    for (const kind of embedKinds(ctx)) {
      const base = `/embed/${kind.segment}/:slug`;
      const pageUrl = (slug: string) => `${ctx.config.baseUrl}/${kind.segment}/${slug}`;

      const renderForm = (request: FastifyRequest, reply: FastifyReply, action: InLanguage<EmbedAction, 'title'>, o: { values: FrameValues; errors: FieldErrors; site: string | null; source: string | null; challenge: boolean }) => {
        const t = request.t;
        const lang = request.lang;
        const path = `/embed/${kind.segment}/${action.slug}`;
        if (!kind.isOpen(action)) {
          return sendPage(reply, FrameMessagePage({ page: pageContext(request), title: action.title, titleLang: action.langs.title, body: kind.closedText(action, t), link: { href: pageUrl(action.slug), label: t('embed.open_page') } }), Object.keys(o.errors).length ? 409 : 200);
        }
        return sendPage(
          reply,
          FrameFormPage({
            page: { ...pageContext(request), path },
            title: action.title,
            titleLang: action.langs.title,
            summary: kind.summary(action, t, lang),
            countText: kind.countText(action, t),
            heading: kind.heading(action, t),
            submit: kind.submitLabel(action, t),
            fields: kind.fields(action, t, lang),
            action: path,
            site: o.site,
            source: o.source,
            values: o.values,
            errors: o.errors,
            challenge: o.challenge,
            pageUrl: pageUrl(action.slug),
            organization: action.organization_name,
          }),
          Object.keys(o.errors).length ? 422 : 200,
        );
      };

      app.get<Slug>(base, async (request, reply) => {
        const found = await kind.load(ctx, request.params.slug);
        if (!found) return notFound(request, reply);
        const action = shown(request, found);
        const challenge = kind.isOpen(action) && challengeGate(ctx).active(action.id, action.challenge);
        const listed = await frameHeaders(reply, action.organization_id, challenge);
        return renderForm(request, reply, action, { values: {}, errors: {}, site: siteOf(request.headers.referer, listed), source: cleanSource(request.query.source), challenge });
      });

      app.post<Slug & { Body: Record<string, unknown> }>(base, { config: { rateLimit: signLimit } }, async (request, reply) => {
        const found = await kind.load(ctx, request.params.slug);
        if (!found) return notFound(request, reply);
        const body = request.body && typeof request.body === 'object' ? request.body : {};
        if (isLanguage(body.lang)) {
          request.lang = body.lang;
          request.t = translator(body.lang);
        }
        const action = shown(request, found);
        const challenge = kind.isOpen(action) && challengeGate(ctx).active(action.id, action.challenge);
        const listed = await frameHeaders(reply, action.organization_id, challenge);
        const site = siteOf(body.site, listed);
        const source = cleanSource(request.query.source ?? body.source);
        const t = request.t;
        const outcome = await kind.submit(action, {
          ctx,
          request,
          reply,
          body: { ...body, source },
          site,
          refuse: (status, title, text) =>
            void sendPage(reply, FrameMessagePage({ page: pageContext(request), title, body: text, link: { href: pageUrl(action.slug), label: t('embed.open_page') } }), status),
        });
        switch (outcome.status) {
          case 'refused':
            return reply;
          case 'invalid': {
            const values: FrameValues = {};
            for (const [k, v] of Object.entries(body)) values[k] = typeof v === 'string' ? v.slice(0, 5000) : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
            return renderForm(request, reply, action, { values, errors: outcome.errors, site, source, challenge });
          }
          case 'closed':
            return sendPage(reply, FrameMessagePage({ page: pageContext(request), title: action.title, titleLang: action.langs.title, body: outcome.message, link: { href: pageUrl(action.slug), label: t('embed.open_page') } }), 409);
          case 'done':
            return reply.redirect(`/embed/${kind.segment}/${action.slug}/thanks?done=${outcome.variant}&lang=${request.lang}`, 303);
        }
      });

      app.get<Slug>(`${base}/thanks`, async (request, reply) => {
        const found = await kind.load(ctx, request.params.slug);
        if (!found) return notFound(request, reply);
        const action = shown(request, found);
        await frameHeaders(reply, action.organization_id, false);
        const { title, body } = kind.thanks(action, request.t, typeof request.query.done === 'string' ? request.query.done : '');
        return sendPage(reply, FrameMessagePage({ page: pageContext(request), title, body, link: { href: pageUrl(action.slug), label: action.title, lang: action.langs.title } }));
      });

      app.get<Slug>(`${base}/count`, async (request, reply) => {
        const action = await kind.load(ctx, request.params.slug);
        if (!action) return notFound(request, reply);
        await frameHeaders(reply, action.organization_id, false);
        reply.header('cache-control', 'no-cache');
        return sendPage(reply, CountFramePage({ page: pageContext(request), title: shown(request, action).title, countText: kind.countText(action, request.t), pageUrl: pageUrl(action.slug) }));
      });
    }
  };
}

