import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Language, Translate } from '../../i18n/index.ts';
import { ErrorPage, type PageContext } from './layout.tsx';
import type { RateWindow } from '../../util/rate-window.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** BASE_URL (decorated by buildApp). */
    baseUrl: string;
    /** Requests lately (every request notes itself): the worker of the same process yields to them. */
    traffic: RateWindow;
  }
  interface FastifyRequest {
    /** The reader's language, chosen once per request (?lang=, then the cookie, then Accept-Language). */
    lang: Language;
    t: Translate;
  }
}

/** The page context every public page renders with; `path` drops `lang` so the switch link is clean. */
// A path that `new URL` would give back unchanged: no query, no dot segment (nor an escaped dot,
// which URL reads as one), only unreserved characters and escapes. Most requests' paths are;
// parsing a URL for each is measurable under load.
const PLAIN_PATH = /^(?!.*%2e)(?:\/[A-Za-z0-9_~%-][A-Za-z0-9._~%-]*)*\/?$/i;

export function pageContext(request: FastifyRequest): PageContext {
  // Leading slashes made one: `//` alone is no URL (parsing it threw, a 500), and `//host/x`
  // would be read as another site, whose address then went into the page's links.
  const asked = request.url.startsWith('//') ? `/${request.url.replace(/^\/+/, '')}` : request.url;
  if (PLAIN_PATH.test(asked)) return { lang: request.lang, t: request.t, path: asked, baseUrl: request.server.baseUrl };
  const url = new URL(asked, 'http://x');
  url.searchParams.delete('lang');
  return { lang: request.lang, t: request.t, path: url.pathname + url.search, baseUrl: request.server.baseUrl };
}

export function sendPage(reply: FastifyReply, html: JSX.Element, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

export function isApi(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

/** The 404 answer: JSON under /api/, a translated page elsewhere. */
export function notFound(request: FastifyRequest, reply: FastifyReply) {
  if (isApi(request)) {
    return reply.code(404).type('application/hal+json; charset=utf-8').send({ error: 'Not found' });
  }
  const t = request.t;
  return sendPage(reply, ErrorPage({ page: pageContext(request), title: t('error.not_found.title'), body: t('error.not_found.body') }), 404);
}
