import type { Capability } from '../context.ts';
import { lazyRoutes } from '../lazy-routes.ts';
import './messages.ts';
import { EMBEDS_PERSONAL_DATA } from './tables.ts';
import * as m020 from './migrations/020_embeds.ts';

/**
 * Embeds: an organization's petitions and event RSVPs drawn in its own site by a script from
 * turnout, or framed for sites without scripts, with their counts; fundraising pages as a
 * link. Only the origins the organization lists may use them (src/embeds/README.md).
 */
export const embeds: Capability = {
  name: 'embeds',
  migrations: { '020_embeds': m020 },
  publicRoutes: (ctx) => async (app) => {
    const [{ embedScriptRoutes }, { embedFrameRoutes }] = await Promise.all([import('./public/routes.ts'), import('./public/frame-routes.ts')]);
    await app.register(embedScriptRoutes(ctx));
    await app.register(embedFrameRoutes(ctx));
  },
  consoleRoutes: lazyRoutes(async () => (await import('./console/routes.tsx')).embedsConsoleRoutes),
  consoleSections: [{ href: '/admin/embeds', label: 'Embeds', permission: 'manage_actions', order: 77 }],
  personalData: EMBEDS_PERSONAL_DATA,
};
