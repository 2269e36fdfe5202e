import type { Capability } from '../context.ts';
import { lazyRoutes } from '../lazy-routes.ts';
import { apiUrl, link } from '../kits/api/hal.ts';

/** An organization's list: search, a person's page, tags, export and erasure; the API's people and tags. */
export const people: Capability = {
  name: 'people',
  consoleRoutes: lazyRoutes(async () => (await import('./console/routes.tsx')).peopleConsoleRoutes),
  consoleSections: [{ href: '/admin/people', label: 'People', permission: 'see_people', order: 50 }],
  apiRoutes: (ctx) => async (app) => {
    const [{ peopleApi }, { tagApi }] = await Promise.all([import('./api/people.ts'), import('./api/tags.ts')]);
    await app.register(peopleApi(ctx));
    await app.register(tagApi(ctx));
  },
  apiLinks: (baseUrl) => ({
    'osdi:people': link(apiUrl(baseUrl, '/people'), 'The collection of people in the system'),
    'osdi:person_signup_helper': link(apiUrl(baseUrl, '/people'), 'The person signup helper for the system'),
    'osdi:tags': link(apiUrl(baseUrl, '/tags'), 'The collection of tags in the system'),
  }),
};
