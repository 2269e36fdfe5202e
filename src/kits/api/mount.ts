import type { FastifyInstance } from 'fastify';
import type { Context } from '../../context.ts';
import { requireToken } from './auth.ts';
import { apiUrl, curies, HAL_JSON, link, MAX_PAGE_SIZE, NAMESPACE } from './hal.ts';
import { typeboxCompiler } from './schema.ts';
import { petitionApi } from '../../petitions/api/routes.ts';
import { signatureApi } from '../../petitions/api/signatures.ts';
import { peopleApi } from '../../people/api/people.ts';
import { tagApi } from '../../people/api/tags.ts';
import { eventCampaignApi } from '../../event-campaigns/api/routes.ts';
import { eventApi } from '../../events/api/routes.ts';
import { attendanceApi } from '../../events/api/attendances.ts';

/** Every API route as registered (the access test walks this list). */
export const apiRouteList = new Map<string, { method: string; url: string }>();

/** `/api/v2`: Action Network's API v2 (OSDI 1.1), mounted with that prefix by buildApp. */
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
    // The API entry point (AEP): what this server is and where its collections live.
    app.get('/', async () => ({
      motd: 'Welcome to the turnout API, compatible with Action Network API v2 (OSDI 1.1).',
      vendor_name: 'turnout',
      product_name: 'turnout',
      osdi_version: '1.1.1',
      namespace: NAMESPACE,
      max_page_size: MAX_PAGE_SIZE,
      _links: {
        self: link(apiUrl(baseUrl, '/'), 'turnout API entry point'),
        'osdi:people': link(apiUrl(baseUrl, '/people'), 'The collection of people in the system'),
        'osdi:petitions': link(apiUrl(baseUrl, '/petitions'), 'The collection of petitions in the system'),
        'osdi:person_signup_helper': link(apiUrl(baseUrl, '/people'), 'The person signup helper for the system'),
        'osdi:tags': link(apiUrl(baseUrl, '/tags'), 'The collection of tags in the system'),
        'osdi:events': link(apiUrl(baseUrl, '/events'), 'The collection of events in the system'),
        'osdi:event_campaigns': link(apiUrl(baseUrl, '/event_campaigns'), 'The collection of event campaigns in the system'),
        curies: curies(baseUrl),
      },
    }));

    await app.register(petitionApi(ctx));
    await app.register(signatureApi(ctx));
    await app.register(peopleApi(ctx));
    await app.register(tagApi(ctx));
    await app.register(eventCampaignApi(ctx));
    await app.register(eventApi(ctx));
    await app.register(attendanceApi(ctx));
  };
}
