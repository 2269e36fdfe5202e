import type { Capability } from '../context.ts';
import { lazyRoutes } from '../lazy-routes.ts';
import './messages.ts';
import { apiUrl, link } from '../kits/api/hal.ts';
import { untrustHost } from './repository.ts';
import { EVENT_CAMPAIGNS_PERSONAL_DATA } from './tables.ts';

/** Weeks of action: a campaign page with a map and search by ZIP, volunteers offer to host events. */
// What the demo seed and the tests may use.
export { addCampaignEvent, createCampaign } from './service.ts';
export { findCampaignBySlug } from './repository.ts';
/** The campaigns' queries (and the API's filtered ones), for the API's Action Network campaigns (src/campaigns/). */
export * as campaignQueries from './repository.ts';
export * as campaignApiQueries from './api/queries.ts';

export const eventCampaigns: Capability = {
  name: 'event-campaigns',
  // Surfaces are loaded when the app or the worker is built (see lazyRoutes).
  publicRoutes: lazyRoutes(async () => (await import('./public/routes.ts')).eventCampaignRoutes),
  consoleRoutes: lazyRoutes(async () => (await import('./console/routes.tsx')).eventCampaignsConsoleRoutes),
  consoleSections: [{ href: '/admin/event-campaigns', label: 'Week of action', permission: 'manage_actions', order: 30 }],
  apiRoutes: lazyRoutes(async () => (await import('./api/routes.ts')).eventCampaignApi),
  apiLinks: (baseUrl) => ({
    'action_network:event_campaigns': link(apiUrl(baseUrl, '/event_campaigns'), 'The collection of event campaigns in the system'),
  }),
  jobs: async (deps) => (await import('./jobs.ts')).eventCampaignJobHandlers(deps),
  home: async (ctx, page) => (await import('./home.tsx')).campaignsHome(ctx, page),
  dashboard: async (ctx, organizationId) => (await import('./console/dashboard.tsx')).campaignsDashboard(ctx, organizationId),
  personalData: EVENT_CAMPAIGNS_PERSONAL_DATA,
  // An erased person is no longer a trusted host (their events lose the host's name and email in events).
  erase: async (trx, organizationId, _personId, _now, erased) => {
    if (erased.email) await untrustHost(trx, organizationId, erased.email);
    return {};
  },
};
