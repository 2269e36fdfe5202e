import type { FastifyInstance } from 'fastify';
import type { Context } from '../../context.ts';
import { requireToken } from './auth.ts';
import { apiUrl, curies, HAL_JSON, link, MAX_PAGE_SIZE, NAMESPACE } from './hal.ts';
import { typeboxCompiler } from './schema.ts';

/** Every API route as registered (the access test walks this list). */
export const apiRouteList = new Map<string, { method: string; url: string }>();

/**
 * `/api/v2`: Action Network's API v2 (OSDI 1.1), mounted with that prefix by buildApp: every
 * capability's endpoints, and the entry point with every capability's links.
 */
export function apiRoutes(ctx: Context) {
  return async function (app: FastifyInstance) {
    app.setValidatorCompiler(typeboxCompiler);
    app.decorateRequest('apiOrganization', null);
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD') apiRouteList.set(`${method} ${route.url}`, { method, url: route.url });
    });
    app.addHook('onRequest', async (_request, reply) => {
      reply.type(HAL_JSON).header('cache-control', 'no-store');
    });
    app.addHook('onRequest', requireToken(ctx.database.db));
    // Bodies are JSON (HAL+JSON too), refused before they are read when they are anything else.
    app.addContentTypeParser('application/hal+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
    app.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'POST' && request.method !== 'PUT') return;
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json' && type !== 'application/hal+json') {
        return reply.code(415).send({ error: 'Unsupported content type; send application/json' });
      }
    });

    const { baseUrl } = ctx.config;
    // The API entry point (AEP): what this server is and, for a valid key, where its collections
    // live. Without one it answers 200 with no collection links, as Action Network's does.
    app.get('/', async (request) => ({
      motd: 'Welcome to the turnout API, compatible with Action Network API v2 (OSDI 1.1).',
      vendor_name: 'turnout',
      product_name: 'turnout',
      osdi_version: '1.1.1',
      namespace: NAMESPACE,
      max_page_size: MAX_PAGE_SIZE,
      _links: {
        self: link(apiUrl(baseUrl, '/'), 'turnout API entry point'),
        ...(request.apiOrganization ? Object.assign({}, ...ctx.capabilities.map((c) => c.apiLinks?.(baseUrl) ?? {})) : {}),
        curies: curies(baseUrl),
      },
    }));

    for (const capability of ctx.capabilities) if (capability.apiRoutes) await app.register(capability.apiRoutes(ctx));
  };
}
