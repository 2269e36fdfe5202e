import type { Capability } from '../context.ts';
import { lazyRoutes } from '../lazy-routes.ts';
import './messages.ts';
import { apiUrl, link } from '../kits/api/hal.ts';
import { FORMS_PERSONAL_DATA } from './tables.ts';
import { submissionRecords } from './person-records.ts';
import * as m014 from './migrations/014_forms.ts';
import { actionKind } from '../actions/action-kind.ts';
import { findForm, formsByIds, submissionsBySource } from './repository.ts';
import { formCache } from './public-cache.ts';

// What other capabilities (embeds), the demo and the tests may use of forms.
export { formCache, type CachedForm } from './public-cache.ts';
export { findFormBySlug, formsOf } from './repository.ts';
export { createForm, FormClosedError, submitForm } from './service.ts';
export { checkAnswers, checkQuestions, type Question } from './questions.ts';
/** The public form's fields without the page around them (for an embed), loaded on demand. */
export const formFields = () => import('./public/form-fields.tsx');

/** Forms: a page of questions; answers are kept with the submission and as the person's custom fields. */
export const forms: Capability = {
  name: 'forms',
  migrations: { '014_forms': m014 },
  // Surfaces are loaded when the app or the worker is built (see lazyRoutes).
  publicRoutes: lazyRoutes(async () => (await import('./public/routes.ts')).formRoutes),
  consoleRoutes: lazyRoutes(async () => (await import('./console/routes.tsx')).formsConsoleRoutes),
  consoleSections: [{ href: '/admin/forms', label: 'Forms', permission: 'view_reports', order: 35 }],
  apiRoutes: (ctx) => async (app) => {
    const [{ formApi }, { submissionApi }] = await Promise.all([import('./api/routes.ts'), import('./api/submissions.ts')]);
    await app.register(formApi(ctx));
    await app.register(submissionApi(ctx));
  },
  apiLinks: (baseUrl) => ({ 'osdi:forms': link(apiUrl(baseUrl, '/forms'), 'The collection of forms in the system') }),
  jobs: async (deps) => (await import('./jobs.ts')).formJobHandlers(deps),
  home: async (ctx, page) => (await import('./home.tsx')).formsHome(ctx, page),
  dashboard: async (ctx, organizationId) => (await import('./console/dashboard.tsx')).formsDashboard(ctx, organizationId),
  // Told to webhooks as Action Network's `osdi:submission` (src/webhooks/); raised where the record is made.
  webhooks: [{ event: 'submission', key: 'osdi:submission', label: 'Form submissions', present: async (db, baseUrl, organizationId, ids) => (await import('./webhook-records.ts')).presentSubmissions(db, baseUrl, organizationId, ids) }],
  personRecords: submissionRecords,
  // Named where the console names an action (a consent's source, the audit log); a form takes no partners.
  actions: [
    actionKind({
      type: 'form',
      partners: false,
      find: findForm,
      byIds: formsByIds,
      present: (f) => ({
        total: f.submission_count,
        totalText: `${f.submission_count} submissions in all`,
        consolePath: `/admin/forms/${f.id}`,
        publicPath: `/forms/${f.slug}`,
      }),
      countBySource: submissionsBySource,
      countSharedWith: async () => [],
      forget: (ctx, slug) => formCache(ctx).forget(slug),
    }),
  ],
  // Erasure clears the submissions' answers and referral columns from this declaration (their rows name the person).
  personalData: FORMS_PERSONAL_DATA,
};
