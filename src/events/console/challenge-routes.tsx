import type { FastifyInstance } from 'fastify';
import type { Context } from '../../context.ts';
import { audit } from '../../accounts/service.ts';
import { isChallengeMode } from '../../kits/pages/challenge.ts';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { findEventChallenge, setEventChallenge } from '../repository.ts';
import { nowIso } from '../../util/ids.ts';
import { eventCache } from '../public-cache.ts';
import { EventNotFoundPage } from './pages.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The RSVP form's proof-of-work setting (docs/ARCHITECTURE.md, "Abuse"), from the event's page in the console. */
export function eventChallengeRoutes(ctx: Context) {
  const db = ctx.database.db;
  return async function (app: FastifyInstance) {
    app.post<{ Params: { id: string }; Body: Record<string, unknown> }>('/events/:id/challenge', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const event = UUID.test(request.params.id) ? await findEventChallenge(db, org.id, request.params.id.toLowerCase()) : undefined;
      if (!event) return sendAdmin(reply, <EventNotFoundPage page={adminPage(request, reply)} />, 404);
      const mode = request.body?.challenge;
      if (!isChallengeMode(mode)) return reply.redirect(`/admin/events/${event.id}?notice=challenge_invalid`, 303);
      if (mode !== event.challenge) {
        await setEventChallenge(db, org.id, event.id, mode, nowIso());
        await audit(db, {
          organizationId: org.id,
          userId: request.organizer!.session.user_id,
          action: 'event.changed',
          subject: event.id,
          details: { changed: ['challenge'], from: { challenge: event.challenge }, to: { challenge: mode } },
        });
        eventCache(ctx).forget(event.slug);
      }
      return reply.redirect(`/admin/events/${event.id}?notice=challenge`, 303);
    });
  };
}
