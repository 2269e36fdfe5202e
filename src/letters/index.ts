import type { Capability } from '../context.ts';
import './messages.ts';
import { lazyRoutes } from '../lazy-routes.ts';
import { apiUrl, link } from '../kits/api/hal.ts';
import { actionKind } from '../actions/action-kind.ts';
import * as m012 from './migrations/012_letters.ts';
import * as m023 from './migrations/023_letter_deadline.ts';
import * as m024 from './migrations/024_letter_spanish.ts';
import { campaignsByIds, cancelQueuedSendsOf, findCampaign, outreachesBySource, outreachesSharedWith } from './repository.ts';
import { letterCache } from './public-cache.ts';
import { outreachRecords } from './person-records.ts';
import { LETTERS_PERSONAL_DATA } from './tables.ts';

// What other capabilities, the CLI, the demo and the tests may use of letters.
export { createCampaign as createLetterCampaign, replaceTargets as replaceLetterTargets } from './service.ts';
export { findCampaignBySlug as findLetterCampaignBySlug } from './repository.ts';
export { letterCache } from './public-cache.ts';

/** Letters to decision-makers (Action Network's advocacy campaigns): supporters write, the worker delivers at a pace each target can take. */
export const letters: Capability = {
  name: 'letters',
  migrations: { '012_letters': m012, '023_letter_deadline': m023, '024_letter_spanish': m024 },
  publicRoutes: lazyRoutes(async () => (await import('./public/routes.ts')).letterRoutes),
  consoleRoutes: (ctx) => async (app) => {
    const [{ lettersConsoleRoutes }, { letterTargetRoutes }] = await Promise.all([import('./console/routes.tsx'), import('./console/targets-routes.tsx')]);
    await app.register(lettersConsoleRoutes(ctx));
    await app.register(letterTargetRoutes(ctx));
  },
  dashboard: async (ctx, organizationId) => (await import('./console/dashboard.tsx')).lettersDashboard(ctx, organizationId),
  consoleSections: [{ href: '/admin/letters', label: 'Letters', permission: 'view_reports', order: 15 }],
  apiRoutes: (ctx) => async (app) => {
    const [{ advocacyCampaignApi }, { outreachApi }] = await Promise.all([import('./api/routes.ts'), import('./api/outreaches.ts')]);
    await app.register(advocacyCampaignApi(ctx));
    await app.register(outreachApi(ctx));
  },
  apiLinks: (baseUrl) => ({ 'osdi:advocacy_campaigns': link(apiUrl(baseUrl, '/advocacy_campaigns'), 'The collection of advocacy campaigns in the system') }),
  jobs: async (deps) => (await import('./jobs.ts')).letterJobHandlers(deps),
  home: async (ctx, page) => (await import('./home.tsx')).lettersHome(ctx, page),
  actions: [
    actionKind({
      type: 'letter',
      noun: 'letter campaign',
      find: findCampaign,
      byIds: campaignsByIds,
      present: (c) => ({
        total: c.outreach_count,
        totalText: `${c.outreach_count} letters in all`,
        consolePath: `/admin/letters/${c.id}`,
        publicPath: `/letters/${c.slug}`,
      }),
      countBySource: outreachesBySource,
      countSharedWith: outreachesSharedWith,
      forget: (ctx, slug) => letterCache(ctx).forget(slug),
    }),
  ],
  personRecords: outreachRecords,
  // Erasure clears the outreaches' personal columns from this declaration; `erase` cancels the letters still queued.
  // Told to webhooks as Action Network's `action_network:outreach` (src/webhooks/); raised where the record is made.
  webhooks: [{ event: 'outreach', key: 'action_network:outreach', label: 'Letters to decision-makers (outreaches)', present: async (db, baseUrl, organizationId, ids) => (await import('./webhook-records.ts')).presentOutreaches(db, baseUrl, organizationId, ids) }],
  personalData: LETTERS_PERSONAL_DATA,
  erase: async (trx, organizationId, personId) => ({ letters_cancelled: await cancelQueuedSendsOf(trx, organizationId, personId) }),
};
