import type { Capability } from '../context.ts';
import { lazyRoutes } from '../lazy-routes.ts';
import * as m004 from './migrations/004_coalitions.ts';

/**
 * Coalitions: a sponsor invites partner organizations to an action (any capability's
 * `actions`); each partner accepts, gets its own share box on the public form, and sees counts,
 * never the sponsor's supporters. Sharing itself is part of the action core (actions/partners.ts).
 */
export const coalitions: Capability = {
  name: 'coalitions',
  consoleRoutes: lazyRoutes(async () => (await import('./console/routes.tsx')).coalitionRoutes),
  jobs: async (deps) => (await import('./jobs.ts')).coalitionJobHandlers(deps),
  dashboard: async (ctx, organizationId) => (await import('./console/dashboard.tsx')).coalitionsDashboard(ctx, organizationId),
  consoleSections: [{ href: '/admin/partnerships', label: 'Partnerships', permission: 'view_reports', order: 40 }],
  migrations: { '004_coalitions': m004 },
  // action_partners is the core's table (src/db/schema.ts), made by this capability's migration.
  personalData: {
    action_partners: {
      rows: 'none',
      columns: Object.fromEntries(
        ['id', 'action_type', 'action_id', 'sponsor_organization_id', 'partner_organization_id', 'status', 'source_code', 'invited_by', 'created_at', 'responded_at'].map((c) => [c, 'plain' as const]),
      ),
    },
  },
};
