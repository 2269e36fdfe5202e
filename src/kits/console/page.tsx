import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfToken } from './session.ts';
import { AdminLayout, type AdminPage } from './layout.tsx';
import type { ConsoleSection } from '../../context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The console's menu, every capability's sections in order (set where the console is mounted). */
    consoleSections: readonly ConsoleSection[];
  }
}

export function adminPage(request: FastifyRequest, reply: FastifyReply, notice?: string): AdminPage {
  return { organizer: request.organizer, csrf: csrfToken(request, reply), path: request.url.split('?')[0]!, notice, sections: request.consoleSections };
}

export function sendAdmin(reply: FastifyReply, html: JSX.Element, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

/** A console page that says no: an expired form, a sign-in needed, a role that does not allow it. */
export function refuse(request: FastifyRequest, reply: FastifyReply, status: number, title: string, body: string) {
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
