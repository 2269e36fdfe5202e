// What the campaign routes (routes.tsx) and the moderation routes (moderation-routes.tsx) share:
// the request shapes, reading a form field, the notices shown after a redirect and the
// not-found page. In a file of its own so that neither routes file imports the other.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminLayout } from '../../kits/console/layout.tsx';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';

export type Body = Record<string, unknown>;
export type IdParams = { Params: { id: string }; Body: Body };
export type EventParams = { Params: { id: string; eventId: string }; Body: Body };

export const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max + 1) : '');
export const isId = (v: string) => /^[0-9a-f-]{36}$/i.test(v);

const NOTICES: Record<string, string> = {
  approved: 'Approved: the event is on the map, and the host is getting their private link.',
  rejected: 'Rejected: the host is told that the event will not be listed.',
  untrusted: 'That host’s next events will wait for a review again.',
  revoked: 'The old host link no longer works.',
  revoked_sent: 'The old host link no longer works; the host is getting a new one.',
  event_added: 'The event is added and approved: it is on the campaign’s page and map.',
};

export function noticeOf(query: unknown): string | undefined {
  const done = (query as Record<string, unknown> | undefined)?.done;
  return typeof done === 'string' ? NOTICES[done] : undefined;
}

export function notFound(request: FastifyRequest, reply: FastifyReply) {
  return sendAdmin(
    reply,
    <AdminLayout page={adminPage(request, reply)} title="Not found">
      <h1>Not found</h1>
      <p>There is nothing here in this organization. Check the address.</p>
    </AdminLayout>,
    404,
  );
}
