import type { Capability } from '../context.ts';
import { lazyRoutes } from '../lazy-routes.ts';
import * as m003 from './migrations/003_imports.ts';
import { IMPORTS_PERSONAL_DATA } from './tables.ts';

/** CSV imports of people into an organization's list, run by the worker in chunks. */
export const imports: Capability = {
  name: 'imports',
  consoleRoutes: lazyRoutes(async () => (await import('./console/routes.tsx')).importsRoutes),
  consoleSections: [{ href: '/admin/imports', label: 'Import', permission: 'import_people', order: 60 }],
  jobs: async (deps) => (await import('./jobs.ts')).importJobHandlers(deps),
  migrations: { '003_imports': m003 },
  personalData: IMPORTS_PERSONAL_DATA,
  erase: async (trx, organizationId, _personId, now, erased) =>
    erased.email ? (await import('./erasure.ts')).eraseFromImports(trx, organizationId, erased.email, now) : {},
};
