import type { Capability } from '../context.ts';
import * as m008 from './migrations/008_block_lists.ts';

/**
 * The organizer's accounts in the console: sign-in (password, two-factor, emailed links), one's
 * own account, the organization's members, settings and audit log. Users, sessions and roles
 * themselves are core (src/accounts/), since the console kit's gate needs them.
 */
export const organizers: Capability = {
  name: 'organizers',
  consoleRoutes: (ctx) => async (app) => {
    const [{ authRoutes }, { accountRoutes }, { membersRoutes }] = await Promise.all([
      import('./auth-routes.tsx'),
      import('./account-routes.tsx'),
      import('./members-routes.tsx'),
    ]);
    await app.register(authRoutes(ctx));
    await app.register(accountRoutes(ctx));
    await app.register(membersRoutes(ctx));
    await app.register((await import('./blocks-routes.tsx')).blocksRoutes(ctx));
    await app.register((await import('./audit-routes.tsx')).auditRoutes(ctx));
    await app.register((await import('./settings-routes.tsx')).settingsRoutes(ctx));
  },
  // An organization's logo and accent colour, as its public pages fetch them.
  publicRoutes: (ctx) => async (app) => {
    await app.register((await import('./brand-routes.ts')).brandRoutes(ctx));
  },
  // The block lists every public form checks (src/actions/block-list.ts).
  migrations: { '008_block_lists': m008 },
  personalData: {
    blocked_senders: {
      rows: 'none',
      columns: {
        id: 'plain', organization_id: 'plain', kind: 'plain',
        // A domain or a client key the organizer chose to refuse: a rule, not one supporter.
        value: 'plain',
        note: 'plain', refusals: 'plain', created_by: 'plain', created_at: 'plain', expires_at: 'plain',
      },
    },
  },
  consoleSections: [
    { href: '/admin', label: 'Dashboard', permission: 'view_reports', order: 0 },
    { href: '/admin/members', label: 'Members', permission: 'manage_members', order: 70 },
    { href: '/admin/blocks', label: 'Block lists', permission: 'manage_actions', order: 75 },
    { href: '/admin/audit', label: 'Audit log', permission: 'view_audit', order: 80 },
    { href: '/admin/settings', label: 'Settings', permission: 'manage_settings', order: 90 },
  ],
};
