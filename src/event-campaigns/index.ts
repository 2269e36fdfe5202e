import type { Capability } from '../context.ts';
import './messages.ts';
import { apiUrl, link } from '../kits/api/hal.ts';
import { eventCampaignRoutes } from './public/routes.ts';
import { eventCampaignsConsoleRoutes } from './console/routes.tsx';
import { campaignsDashboard } from './console/dashboard.tsx';
import { eventCampaignApi } from './api/routes.ts';
import { eventCampaignJobHandlers } from './jobs.ts';
import { campaignsHome } from './home.tsx';

/** Weeks of action: a campaign page with a map and search by ZIP, volunteers offer to host events. */
export const eventCampaigns: Capability = {
  name: 'event-campaigns',
  publicRoutes: eventCampaignRoutes,
  consoleRoutes: eventCampaignsConsoleRoutes,
  consoleSections: [{ href: '/admin/event-campaigns', label: 'Week of action', permission: 'manage_actions', order: 30 }],
  apiRoutes: eventCampaignApi,
  apiLinks: (baseUrl) => ({
    'osdi:event_campaigns': link(apiUrl(baseUrl, '/event_campaigns'), 'The collection of event campaigns in the system'),
  }),
  jobs: eventCampaignJobHandlers,
  home: campaignsHome,
  dashboard: campaignsDashboard,
};
