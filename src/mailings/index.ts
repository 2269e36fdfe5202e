import type { Capability } from '../context.ts';
import './messages.ts';
import { apiUrl, link } from '../kits/api/hal.ts';
import { mailingRecords } from './person-records.ts';
import { MAILINGS_PERSONAL_DATA } from './tables.ts';
import * as m013 from './migrations/013_mailings.ts';

// What other capabilities, the CLI and the tests may use of mailings. The bounce listener (an SMTP
// server for delivery reports, with mailparser) is loaded only by the process that starts it.
export const startBounceListener = async (o: Parameters<typeof import('./bounce-listener.ts').startBounceListener>[0]) =>
  (await import('./bounce-listener.ts')).startBounceListener(o);

/** The organization's mailing settings (sender, postal address, time zone), or undefined before it saved any; for the API's wrappers and events. */
export const mailingSettingsOf = async (db: import('kysely').Kysely<import('../db/schema.ts').Database>, organizationId: string) =>
  (await import('./repository.ts')).findSettings(db, organizationId);
/** The organization's time zone (its mailing settings', IANA), or null before it chose one; the events API falls back on it. */
export const organizationTimeZone = async (db: import('kysely').Kysely<import('../db/schema.ts').Database>, organizationId: string): Promise<string | null> =>
  (await mailingSettingsOf(db, organizationId))?.timezone ?? null;

/** Mailings: email to the organization's subscribed supporters, with one-click unsubscribe and delivery reports. */
export const mailings: Capability = {
  name: 'mailings',
  migrations: { '013_mailings': m013 },
  publicRoutes: (ctx) => async (app) => {
    const { mailingPublicRoutes, mailWebhookRoutes } = await import('./public/routes.ts');
    await app.register(mailingPublicRoutes(ctx));
    await app.register(mailWebhookRoutes(ctx));
  },
  consoleRoutes: (ctx) => async (app) => {
    const [{ mailingsConsoleRoutes }, { mailingSettingsRoutes }] = await Promise.all([import('./console/routes.tsx'), import('./console/settings.tsx')]);
    await app.register(mailingsConsoleRoutes(ctx));
    await app.register(mailingSettingsRoutes(ctx));
  },
  dashboard: async (ctx, organizationId) => (await import('./console/dashboard.tsx')).mailingsDashboard(ctx, organizationId),
  consoleSections: [{ href: '/admin/mailings', label: 'Mailings', permission: 'view_reports', order: 55 }],
  apiRoutes: (ctx) => async (app) => {
    const { messageApi } = await import('./api/routes.ts');
    await app.register(messageApi(ctx));
  },
  apiLinks: (baseUrl) => ({ 'osdi:messages': link(apiUrl(baseUrl, '/messages'), 'The collection of messages in the system') }),
  jobs: async (deps) => (await import('./jobs.ts')).mailingJobHandlers(deps),
  personRecords: mailingRecords,
  // Erasure clears the recipients' and reports' personal columns from this declaration (their rows name the person).
  personalData: MAILINGS_PERSONAL_DATA,
};
