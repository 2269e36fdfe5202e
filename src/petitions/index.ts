import type { Capability } from '../context.ts';
import { lazyRoutes } from '../lazy-routes.ts';
import './messages.ts';
import { apiUrl, link } from '../kits/api/hal.ts';
import { petitionCache } from './public-cache.ts';
import { findPetition, petitionsByIds, signaturesBySource, signaturesSharedWith } from './repository.ts';
import { actionKind } from '../actions/action-kind.ts';
import { signatureRecords } from './person-records.ts';
import { PETITIONS_PERSONAL_DATA } from './tables.ts';
import * as m008 from './migrations/008_petition_abuse.ts';
import * as m011 from './migrations/011_petition_deliveries.ts';

// What other capabilities, the CLI and the tests may use of petitions.
export { petitionCache } from './public-cache.ts';
export { findPetitionBySlug } from './repository.ts';
export { createPetition, PetitionClosedError, signPetition } from './service.ts';
export { petitionsOf } from './repository.ts';
export type { CachedPetition } from './public-cache.ts';
export { exportSignaturesCsv } from './export.ts';
/** The delivery PDF and CSV (for `turnout export delivery`), loaded on demand: pdfkit is not needed to migrate or to serve pages. */
export const petitionDelivery = () => import('./delivery.ts');

/** Petitions: a text, targets and a count; people sign from the public page or through the API. */
export const petitions: Capability = {
  name: 'petitions',
  // Its first tables came with 001_foundation (src/db/migrations/); 008 adds the abuse columns.
  migrations: { '008_petition_abuse': m008, '011_petition_deliveries': m011 },
  // Surfaces are loaded when the app or the worker is built (see lazyRoutes).
  publicRoutes: lazyRoutes(async () => (await import('./public/routes.ts')).petitionRoutes),
  consoleRoutes: (ctx) => async (app) => {
    const [{ petitionsConsoleRoutes }, { petitionAbuseRoutes }, { petitionDeliveryRoutes }] = await Promise.all([
      import('./console/routes.tsx'),
      import('./console/abuse-routes.tsx'),
      import('./console/delivery-routes.tsx'),
    ]);
    await app.register(petitionsConsoleRoutes(ctx));
    await app.register(petitionAbuseRoutes(ctx));
    await app.register(petitionDeliveryRoutes(ctx));
    await app.register((await import('./console/charts-routes.tsx')).petitionChartsRoutes(ctx));
  },
  consoleSections: [{ href: '/admin/petitions', label: 'Petitions', permission: 'view_reports', order: 10 }],
  apiRoutes: (ctx) => async (app) => {
    const [{ petitionApi }, { signatureApi }] = await Promise.all([import('./api/routes.ts'), import('./api/signatures.ts')]);
    await app.register(petitionApi(ctx));
    await app.register(signatureApi(ctx));
  },
  apiLinks: (baseUrl) => ({ 'osdi:petitions': link(apiUrl(baseUrl, '/petitions'), 'The collection of petitions in the system') }),
  jobs: async (deps) => (await import('./jobs.ts')).petitionJobHandlers(deps),
  home: async (ctx, page) => (await import('./home.tsx')).petitionsHome(ctx, page),
  dashboard: async (ctx, organizationId) => (await import('./console/dashboard.tsx')).petitionsDashboard(ctx, organizationId),
  actions: [
    actionKind({
      type: 'petition',
      find: findPetition,
      byIds: petitionsByIds,
      present: (p) => ({
        total: p.signature_count,
        totalText: `${p.signature_count} signatures in all`,
        consolePath: `/admin/petitions/${p.id}`,
        publicPath: `/petitions/${p.slug}`,
      }),
      countBySource: signaturesBySource,
      countSharedWith: signaturesSharedWith,
      forget: (ctx, slug) => petitionCache(ctx).forget(slug),
    }),
  ],
  personRecords: signatureRecords,
  // Erasure clears the signatures' personal columns from this declaration (their rows name the person).
  // Told to webhooks as Action Network's `osdi:signature` (src/webhooks/); raised where the record is made.
  webhooks: [{ event: 'signature', key: 'osdi:signature', label: 'Petition signatures', present: async (db, baseUrl, organizationId, ids) => (await import('./webhook-records.ts')).presentSignatures(db, baseUrl, organizationId, ids) }],
  personalData: PETITIONS_PERSONAL_DATA,
};
