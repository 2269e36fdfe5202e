import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import { csrfToken, csrfValid, gate, loadOrganizer } from './session.ts';
import { AdminLayout, type AdminPage } from './layout.tsx';
import { authRoutes } from '../../accounts/console/auth-routes.tsx';
import { accountRoutes } from '../../accounts/console/account-routes.tsx';
import { membersRoutes } from '../../accounts/console/members-routes.tsx';
import { dashboardRoutes } from '../../app/dashboard.tsx';
import { importsRoutes } from '../../imports/console/routes.tsx';
import { petitionsConsoleRoutes } from '../../petitions/console/routes.tsx';
import { coalitionRoutes } from '../../coalitions/console/routes.tsx';
import { eventCampaignsConsoleRoutes } from '../../event-campaigns/console/routes.tsx';
import { eventsConsoleRoutes } from '../../events/console/routes.tsx';
import { peopleConsoleRoutes } from '../../people/console/routes.tsx';

/** Console routes registered by other capabilities (petitions, people, imports …). */
export type ConsoleRoutes = (ctx: Context) => (app: FastifyInstance) => Promise<void>;

/** Every console route with its permission, as registered (the access test walks this list). */
export const consoleRoutes = new Map<string, { method: string; url: string; permission: string }>();

export function adminPage(request: FastifyRequest, reply: FastifyReply, notice?: string): AdminPage {
  return { organizer: request.organizer, csrf: csrfToken(request, reply), path: request.url.split('?')[0]!, notice };
}

export function sendAdmin(reply: FastifyReply, html: JSX.Element, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

function refuse(request: FastifyRequest, reply: FastifyReply, status: number, title: string, body: string) {
  return sendAdmin(
    reply,
    AdminLayout({
      page: adminPage(request, reply),
      title,
      children: [<h1 safe>{title}</h1>, <p safe>{body}</p>],
    }),
    status,
  );
}

/**
 * The organizer's console under /admin. Every route must declare `config.permission`; the one
 * hook here loads the session, checks CSRF on every POST, and applies the gate, so no route can
 * forget either.
 */
export function adminRoutes(ctx: Context, extra: ConsoleRoutes[] = []) {
  return async function (app: FastifyInstance) {
    app.decorateRequest('organizer', null);
    app.addHook('onRoute', (route) => {
      const permission = route.config?.permission;
      if (!permission) throw new Error(`console route ${route.method} ${route.url} declares no permission`);
      for (const method of [route.method].flat()) if (method !== 'HEAD') consoleRoutes.set(`${method} ${route.url}`, { method, url: route.url, permission });
    });
    app.addHook('preHandler', async (request, reply) => {
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
    await app.register(authRoutes(ctx));
    await app.register(accountRoutes(ctx));
    await app.register(membersRoutes(ctx));
    await app.register(dashboardRoutes(ctx));
    await app.register(importsRoutes(ctx));
    await app.register(petitionsConsoleRoutes(ctx));
    await app.register(coalitionRoutes(ctx));
    await app.register(eventCampaignsConsoleRoutes(ctx));
    await app.register(eventsConsoleRoutes(ctx));
    await app.register(peopleConsoleRoutes(ctx));
    for (const routes of extra) await app.register(routes(ctx));
  };
}
