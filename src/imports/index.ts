import type { Capability } from '../context.ts';
import { importsRoutes } from './console/routes.tsx';
import { importJobHandlers } from './jobs.ts';
import * as m003 from './migrations/003_imports.ts';

/** CSV imports of people into an organization's list, run by the worker in chunks. */
export const imports: Capability = {
  name: 'imports',
  consoleRoutes: importsRoutes,
  consoleSections: [{ href: '/admin/imports', label: 'Import', permission: 'import_people', order: 60 }],
  jobs: importJobHandlers,
  migrations: { '003_imports': m003 },
};
