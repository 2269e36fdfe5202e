import type { Capability } from '../context.ts';
import { lazyRoutes } from '../lazy-routes.ts';
import './messages.ts';
import { apiUrl, link } from '../kits/api/hal.ts';
import { actionKind } from '../actions/action-kind.ts';
import { DELIVERIES_PERSONAL_DATA } from '../kits/delivery/tables.ts';
import { letterCache } from './public-cache.ts';
import { countOrganizationsOf, findLetter, lettersByIds, signaturesBySource, signaturesSharedWith } from './repository.ts';
import { openLetterRecords } from './person-records.ts';
import { OPEN_LETTERS_PERSONAL_DATA } from './tables.ts';
import * as m010 from './migrations/010_open_letters.ts';
import * as m024 from './migrations/024_open_letter_spanish.ts';

// What the CLI, the demo and the tests may use of open letters.
export { letterCache } from './public-cache.ts';
export { findLetterBySlug } from './repository.ts';
export { createLetter, moderateSignature, placeSignature, signLetter } from './service.ts';
export { checkLetter, checkOrganizationFields, type LetterInput } from './fields.ts';
/** The delivery PDF and CSV, loaded on demand (pdfkit is not needed to migrate or to serve pages). */
export const openLetterDelivery = () => import('./delivery.ts');

/** Open letters signed by organizations (and, if the organizer allows, individuals), moderated, held until strong, delivered. */
export const openLetters: Capability = {
  name: 'open-letters',
  migrations: { '010_open_letters': m010, '024_open_letter_spanish': m024 },
  publicRoutes: lazyRoutes(async () => (await import('./public/routes.ts')).openLetterRoutes),
  consoleRoutes: (ctx) => async (app) => {
    const [{ openLettersConsoleRoutes }, { openLetterModerationRoutes }] = await Promise.all([import('./console/routes.tsx'), import('./console/moderation-routes.tsx')]);
    await app.register(openLettersConsoleRoutes(ctx));
    await app.register(openLetterModerationRoutes(ctx));
  },
  consoleSections: [{ href: '/admin/open_letters', label: 'Open letters', permission: 'view_reports', order: 15 }],
  apiRoutes: lazyRoutes(async () => (await import('./api/routes.ts')).openLetterApi),
  apiLinks: (baseUrl) => ({ 'turnout:open_letters': link(apiUrl(baseUrl, '/open_letters'), 'The collection of open letters in the system') }),
  jobs: async (deps) => (await import('./jobs.ts')).openLetterJobHandlers(deps),
  home: async (ctx, page) => (await import('./home.tsx')).openLettersHome(ctx, page),
  dashboard: async (ctx, organizationId) => (await import('./console/dashboard.tsx')).openLettersDashboard(ctx, organizationId),
  actions: [
    actionKind({
      type: 'open_letter',
      find: findLetter,
      byIds: lettersByIds,
      present: (l) => ({
        total: l.organization_count,
        totalText: `${l.organization_count} organizations on the list`,
        consolePath: `/admin/open_letters/${l.id}`,
        publicPath: `/open_letters/${l.slug}`,
      }),
      countBySource: signaturesBySource,
      countSharedWith: signaturesSharedWith,
      forget: (ctx, slug) => letterCache(ctx).forget(slug),
    }),
  ],
  personRecords: openLetterRecords,
  // The signatures' personal columns are cleared from the declaration; the organizations stay on the list.
  personalData: { ...OPEN_LETTERS_PERSONAL_DATA, ...DELIVERIES_PERSONAL_DATA },
  erase: async (trx, organizationId, personId) => ({ open_letter_organizations_kept: await countOrganizationsOf(trx, organizationId, personId) }),
};
