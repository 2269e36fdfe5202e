import type { Capability } from '../context.ts';
import { apiUrl, link } from '../kits/api/hal.ts';

/**
 * Action Network's read-only resources that group or reuse what other capabilities keep: lists
 * (tags) and their items, campaigns (event campaigns and their events), wrappers (the email
 * layout) and queries (none saved). API only; src/campaigns/README.md says what maps to what.
 */
export const campaigns: Capability = {
  name: 'campaigns',
  apiRoutes: (ctx) => async (app) => {
    const [{ listApi }, { campaignApi }, { wrapperApi }] = await Promise.all([import('./api/lists.ts'), import('./api/campaigns.ts'), import('./api/wrappers.ts')]);
    await app.register(listApi(ctx));
    await app.register(campaignApi(ctx));
    await app.register(wrapperApi(ctx));
  },
  apiLinks: (baseUrl) => ({
    'osdi:lists': link(apiUrl(baseUrl, '/lists'), 'The collection of lists in the system'),
    'osdi:queries': link(apiUrl(baseUrl, '/queries'), 'The collection of queries in the system'),
    'action_network:campaigns': link(apiUrl(baseUrl, '/campaigns'), 'The collection of campaigns in the system'),
    'osdi:wrappers': link(apiUrl(baseUrl, '/wrappers'), 'The collection of wrappers in the system'),
  }),
};
