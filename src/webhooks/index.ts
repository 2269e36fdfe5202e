import type { Capability } from '../context.ts';
import { lazyRoutes } from '../lazy-routes.ts';
import { WEBHOOKS_PERSONAL_DATA } from './tables.ts';
import { webhookListener } from './subscriptions.ts';
import { cancelDeliveriesOf } from './repository.ts';
import * as m015 from './migrations/015_webhooks.ts';

/**
 * Outgoing webhooks: per organization, endpoints that receive the records other capabilities
 * raise (signatures, attendances, donations …) in Action Network's body, signed as Standard
 * Webhooks says, from the job queue with retries over about three days (src/webhooks/README.md).
 */
export const webhooks: Capability = {
  name: 'webhooks',
  migrations: { '015_webhooks': m015 },
  consoleRoutes: lazyRoutes(async () => (await import('./console/routes.tsx')).webhooksConsoleRoutes),
  consoleSections: [{ href: '/admin/webhooks', label: 'Webhooks', permission: 'manage_webhooks', order: 85 }],
  jobs: async (deps) => (await import('./jobs.ts')).webhookJobHandlers(deps),
  // One fan-out job per raised record, and only for organizations with an endpoint that wants it.
  listen: (database) => webhookListener(database),
  dashboard: async (ctx, organizationId) => (await import('./dashboard.ts')).webhooksDashboard(ctx, organizationId),
  personalData: WEBHOOKS_PERSONAL_DATA,
  // Their bodies are cleared and their jobs cancelled by the declaration; the log then says why.
  erase: async (trx, organizationId, personId, now) => ({ webhook_deliveries_cancelled: await cancelDeliveriesOf(trx, organizationId, personId, now) }),
};
