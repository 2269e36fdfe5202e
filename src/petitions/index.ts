import type { Capability } from '../context.ts';
import { lazyRoutes } from '../lazy-routes.ts';
import './messages.ts';
import { apiUrl, link } from '../kits/api/hal.ts';
import { petitionCache } from './public-cache.ts';
import { clearSignatureDetailsOf, findPetition, petitionsByIds, signaturesBySource, signaturesSharedWith } from './repository.ts';
import { actionKind } from '../actions/action-kind.ts';
import { signatureRecords } from './person-records.ts';

// What other capabilities, the CLI and the tests may use of petitions.
export { petitionCache } from './public-cache.ts';
export { findPetitionBySlug } from './repository.ts';
export { createPetition } from './service.ts';
export { exportSignaturesCsv } from './export.ts';

/** Petitions: a text, targets and a count; people sign from the public page or through the API. */
export const petitions: Capability = {
  name: 'petitions',
  // Surfaces are loaded when the app or the worker is built (see lazyRoutes).
  publicRoutes: lazyRoutes(async () => (await import('./public/routes.ts')).petitionRoutes),
  consoleRoutes: lazyRoutes(async () => (await import('./console/routes.tsx')).petitionsConsoleRoutes),
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
  erase: async (trx, organizationId, personId, now) => ({ signatures_kept: await clearSignatureDetailsOf(trx, organizationId, personId, now) }),
};
