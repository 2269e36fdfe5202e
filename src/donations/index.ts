import type { Capability } from '../context.ts';
import './messages.ts';
import { actionKind } from '../actions/action-kind.ts';
import { lazyRoutes } from '../lazy-routes.ts';
import * as m007 from './migrations/007_donations.ts';
import * as m022 from './migrations/022_fundraising_deadline.ts';
import * as m024 from './migrations/024_fundraising_spanish.ts';
import { donationsBySource, donorsSharedWith, findPageWithTotal, findSettings, pagesWithTotalByIds } from './repository.ts';
import { donationRecords } from './person-records.ts';
import { fundraisingCache } from './public-cache.ts';
import { formatMoney } from './money.ts';
import { DONATIONS_PERSONAL_DATA } from './tables.ts';
import { apiUrl, link } from '../kits/api/hal.ts';

// What other capabilities, the CLI, the demo and the tests may use of donations.
export { createPage } from './service.ts';
export { fundraisingCache } from './public-cache.ts';
export { findPageBySlug as findFundraisingPageBySlug, listPages as fundraisingPagesOf } from './repository.ts';

/** The tax wording the organization's receipts carry ('' before it wrote any); never the ActBlue credentials kept beside it. For the settings overview. */
export const taxWordingOf = async (db: import('kysely').Kysely<import('../db/schema.ts').Database>, organizationId: string): Promise<string> =>
  (await findSettings(db, organizationId))?.tax_wording ?? '';

/** Donations: fundraising pages paid through Stripe Checkout or ActBlue (or pledges), recurring gifts, receipts. */
export const donations: Capability = {
  name: 'donations',
  publicRoutes: (ctx) => async (app) => {
    const [{ donationRoutes }, { webhookRoutes }] = await Promise.all([import('./public/routes.ts'), import('./webhooks.ts')]);
    await app.register(donationRoutes(ctx));
    await app.register(webhookRoutes(ctx));
  },
  consoleRoutes: lazyRoutes(async () => (await import('./console/routes.tsx')).donationsConsoleRoutes),
  consoleSections: [{ href: '/admin/fundraising', label: 'Fundraising', permission: 'view_reports', order: 25 }],
  apiRoutes: (ctx) => async (app) => {
    const [{ fundraisingPageApi }, { donationApi }] = await Promise.all([import('./api/routes.ts'), import('./api/donations.ts')]);
    await app.register(fundraisingPageApi(ctx));
    await app.register(donationApi(ctx));
  },
  apiLinks: (baseUrl) => ({
    'osdi:fundraising_pages': link(apiUrl(baseUrl, '/fundraising_pages'), 'The collection of fundraising pages in the system'),
    'osdi:donations': link(apiUrl(baseUrl, '/donations'), 'The collection of donations in the system'),
  }),
  jobs: async (deps) => (await import('./jobs.ts')).donationJobHandlers(deps),
  home: async (ctx, page) => (await import('./home.tsx')).donationsHome(ctx, page),
  dashboard: async (ctx, organizationId) => (await import('./console/dashboard.tsx')).donationsDashboard(ctx, organizationId),
  migrations: { '007_donations': m007, '022_fundraising_deadline': m022, '024_fundraising_spanish': m024 },
  actions: [
    actionKind({
      type: 'donation',
      noun: 'fundraising page',
      consoleBase: '/admin/fundraising',
      find: findPageWithTotal,
      byIds: pagesWithTotalByIds,
      present: (p) => ({
        total: Number(p.received_minor ?? 0),
        totalText: `${formatMoney(Number(p.received_minor ?? 0), p.currency, 'en')} received in all`,
        consolePath: `/admin/fundraising/${p.id}`,
        publicPath: `/fundraising/${p.slug}`,
      }),
      countBySource: donationsBySource,
      countSharedWith: donorsSharedWith,
      forget: (ctx, slug) => fundraisingCache(ctx).forget(slug),
    }),
  ],
  personRecords: donationRecords,
  // Erasure clears the personal columns of gifts, checkouts and recurring gifts from this declaration.
  // Told to webhooks as Action Network's `osdi:donation` (src/webhooks/); raised where the record is made.
  webhooks: [{ event: 'donation', key: 'osdi:donation', label: 'Donations', present: async (db, baseUrl, organizationId, ids) => (await import('./webhook-records.ts')).presentDonations(db, baseUrl, organizationId, ids) }],
  personalData: DONATIONS_PERSONAL_DATA,
};
