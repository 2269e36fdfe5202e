import type { FastifyInstance } from 'fastify';
import type { ConsoleSection, Context, Routes } from '../../context.ts';
import { csrfValid, gate, loadOrganizer } from './session.ts';
import { refuse } from './page.tsx';

/** Every console route with its permission, as registered (the access test walks this list). */
export const consoleRouteList = new Map<string, { method: string; url: string; permission: string }>();

/**
 * The organizer's console under /admin: every capability's console routes and menu sections
 * (ctx.capabilities), and `extra` routes of the app's own (the dashboard). Every route must
 * declare `config.permission`; the one hook here loads the session, checks CSRF on every POST,
 * and applies the gate, so no route can forget either.
 */
export function consoleRoutes(ctx: Context, extra: Routes[] = []) {
  const sections: ConsoleSection[] = ctx.capabilities.flatMap((c) => c.consoleSections ?? []).sort((a, b) => a.order - b.order);
  return async function (app: FastifyInstance) {
    app.decorateRequest('organizer', null);
    app.decorateRequest('consoleSections', null as unknown as readonly ConsoleSection[]);
    app.addHook('onRoute', (route) => {
      const permission = route.config?.permission;
      if (!permission) throw new Error(`console route ${route.method} ${route.url} declares no permission`);
      for (const method of [route.method].flat()) if (method !== 'HEAD') consoleRouteList.set(`${method} ${route.url}`, { method, url: route.url, permission });
    });
    app.addHook('preHandler', async (request, reply) => {
      request.consoleSections = sections;
      request.organizer = await loadOrganizer(ctx, request);
      const permission = request.routeOptions.config.permission!;
      if (request.method === 'POST' && !csrfValid(request)) {
        return refuse(request, reply, 403, 'This form has expired', 'Go back, reload the page and try again.');
      }
      if (permission === 'public') return;
      const verdict = gate(request.organizer, permission);
      if (verdict === 'ok') return;
      if (verdict === 'sign_in') {
        if (request.method === 'GET') return reply.redirect(`/admin/sign-in?next=${encodeURIComponent(request.url)}`, 303);
        return refuse(request, reply, 401, 'Please sign in', 'Your session has ended. Sign in and try again.');
      }
      if (verdict === 'second_factor') return reply.redirect(`/admin/two-factor?next=${encodeURIComponent(request.url)}`, 303);
      if (verdict === 'enroll_two_factor') return reply.redirect('/admin/account?enroll=1', 303);
      return refuse(request, reply, 403, 'Not allowed', 'Your role in this organization does not allow this. Ask an owner of the organization.');
    });
    for (const routes of extra) await app.register(routes(ctx));
    for (const capability of ctx.capabilities) if (capability.consoleRoutes) await app.register(capability.consoleRoutes(ctx));
  };
}
