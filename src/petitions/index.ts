import type { Capability } from '../context.ts';
import './messages.ts';
import { apiUrl, link } from '../kits/api/hal.ts';
import { petitionRoutes } from './public/routes.ts';
import { petitionsConsoleRoutes } from './console/routes.tsx';
import { petitionsDashboard } from './console/dashboard.tsx';
import { petitionApi } from './api/routes.ts';
import { signatureApi } from './api/signatures.ts';
import { petitionJobHandlers } from './jobs.ts';
import { petitionsHome } from './home.tsx';
import { petitionCache } from './public-cache.ts';
import { clearSignatureDetailsOf, findPetition } from './repository.ts';

// What other capabilities, the CLI and the tests may use of petitions.
export { petitionCache } from './public-cache.ts';
export { countSignatures, findPetitionBySlug } from './repository.ts';
export { createPetition } from './service.ts';
export { exportSignaturesCsv } from './export.ts';

/** Petitions: a text, targets and a count; people sign from the public page or through the API. */
export const petitions: Capability = {
  name: 'petitions',
  publicRoutes: petitionRoutes,
  consoleRoutes: petitionsConsoleRoutes,
  consoleSections: [{ href: '/admin/petitions', label: 'Petitions', permission: 'view_reports', order: 10 }],
  apiRoutes: (ctx) => async (app) => {
    await app.register(petitionApi(ctx));
    await app.register(signatureApi(ctx));
  },
  apiLinks: (baseUrl) => ({ 'osdi:petitions': link(apiUrl(baseUrl, '/petitions'), 'The collection of petitions in the system') }),
  jobs: petitionJobHandlers,
  home: petitionsHome,
  dashboard: petitionsDashboard,
  actions: [
    {
      type: 'petition',
      async find(ctx, organizationId, id) {
        const p = await findPetition(ctx.database.db, organizationId, id);
        return (
          p && {
            type: 'petition',
            id: p.id,
            title: p.title,
            slug: p.slug,
            total: p.signature_count,
            totalText: `${p.signature_count} signatures in all`,
            consolePath: `/admin/petitions/${p.id}`,
            publicPath: `/petitions/${p.slug}`,
          }
        );
      },
      forget: (ctx, slug) => petitionCache(ctx).forget(slug),
    },
  ],
  erase: async (trx, organizationId, personId, now) => ({ signatures_kept: await clearSignatureDetailsOf(trx, organizationId, personId, now) }),
};
