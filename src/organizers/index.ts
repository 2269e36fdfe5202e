import type { Capability } from '../context.ts';

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
  },
  consoleSections: [
    { href: '/admin', label: 'Dashboard', permission: 'view_reports', order: 0 },
    { href: '/admin/members', label: 'Members', permission: 'manage_members', order: 70 },
    { href: '/admin/audit', label: 'Audit log', permission: 'view_audit', order: 80 },
    { href: '/admin/settings', label: 'Settings', permission: 'manage_settings', order: 90 },
  ],
};
