// The review of a campaign's events offered by hosts (approve or reject) and its trusted hosts.
// Moved out of routes.tsx, whose plugin registers these routes, to keep that file short.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import type { EventCampaign } from '../tables.ts';
import { AdminLayout, CsrfField } from '../../kits/console/layout.tsx';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { audit } from '../../accounts/service.ts';
import { eventCache } from '../../events/index.ts';
import { whenText, cityOf } from '../public/pages.tsx';
import * as repo from '../repository.ts';
import { moderateEvent } from '../service.ts';
import { isId, notFound, noticeOf, text, type EventParams, type IdParams } from './route-helpers.tsx';

/**
 * Registers the moderation routes on the console plugin's own instance (not a child plugin), so
 * they are registered exactly as when they were written inline. `load` finds the campaign of the
 * address in the organizer's organization.
 */
export function registerModerationRoutes(app: FastifyInstance, ctx: Context, load: (request: FastifyRequest<IdParams>) => Promise<EventCampaign | undefined>): void {
  const db = ctx.database.db;

  const moderationPage = async (request: FastifyRequest<IdParams>, reply: FastifyReply, campaign: EventCampaign, notice?: string, status = 200) => {
    const org = request.organizer!.organization!;
    const [awaiting, unconfirmed, trusted] = await Promise.all([repo.awaitingModeration(db, org.id, campaign.id), repo.countAwaitingEmail(db, org.id, campaign.id), repo.trustedHosts(db, org.id)]);
    const page = adminPage(request, reply, notice);
    return sendAdmin(
      reply,
      <AdminLayout page={page} title={`Review events: ${campaign.title}`}>
        <h1 safe>{`Review events: ${campaign.title}`}</h1>
        <p safe>
          {`Events offered by hosts who confirmed their email. Approve to put an event on the map and send the host their private link; reject to tell them it will not be listed. ${unconfirmed} more wait for their host to confirm their email.`}
        </p>
        {awaiting.length === 0 ? (
          <p>Nothing to review.</p>
        ) : (
          (awaiting.map((e) => (
            <section aria-labelledby={`event-${e.id}`} class="moderation">
              <h2 id={`event-${e.id}`} safe>
                {e.title}
              </h2>
              <p>
                <span safe>{whenText('en', e)}</span>
                <br />
                <span safe>{e.online ? `Online: ${e.join_url ?? ''}` : [e.venue, cityOf(e), e.postal_code].filter(Boolean).join(' · ')}</span>
                <br />
                <span safe>{`Host: ${e.host_name ?? ''} <${e.host_email ?? ''}>`}</span>
                <br />
                <span safe>{e.capacity === null ? 'No limit on places' : `${e.capacity} places`}</span>
              </p>
              {e.description ? (
                <blockquote class="petition-text" safe>
                  {e.description}
                </blockquote>
              ) : (
                ''
              )}
              <form method="post" action={`/admin/event-campaigns/${campaign.id}/moderation/${e.id}/approve`} class="inline">
                <CsrfField token={page.csrf} />
                <input type="checkbox" id={`trust-${e.id}`} name="trust" value="yes" />
                <label for={`trust-${e.id}`}>Trust this host: their next events go live once they confirm their email</label>
                <button type="submit" aria-label={`Approve ${e.title}`}>
                  Approve
                </button>
              </form>{' '}
              <form method="post" action={`/admin/event-campaigns/${campaign.id}/moderation/${e.id}/reject`} class="inline">
                <CsrfField token={page.csrf} />
                <button type="submit" class="danger" aria-label={`Reject ${e.title}`}>
                  Reject
                </button>
              </form>
            </section>
          )).join('') as 'safe')
        )}
        <h2>Trusted hosts</h2>
        {trusted.length === 0 ? (
          <p>No trusted hosts yet.</p>
        ) : (
          <ul>
            {trusted.map((th) => (
              <li>
                <form method="post" action={`/admin/event-campaigns/${campaign.id}/trusted-hosts/remove`} class="inline">
                  <CsrfField token={page.csrf} />
                  <input type="hidden" name="email" value={th.email} />
                  <span safe>{th.email}</span>
                  <button type="submit" class="secondary" aria-label={`Stop trusting ${th.email}`}>
                    Stop trusting
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
        <p>
          <a href={`/admin/event-campaigns/${campaign.id}`}>Back to the campaign</a>
        </p>
      </AdminLayout>,
      status,
    );
  };

  app.get<IdParams>('/event-campaigns/:id/moderation', { config: { permission: 'manage_actions' } }, async (request, reply) => {
    const campaign = await load(request);
    if (!campaign) return notFound(request, reply);
    return moderationPage(request, reply, campaign, noticeOf(request.query));
  });

  for (const decision of ['approve', 'reject'] as const) {
    app.post<EventParams>(`/event-campaigns/:id/moderation/:eventId/${decision}`, { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const campaign = await load(request);
      if (!campaign || !isId(request.params.eventId)) return notFound(request, reply);
      const event = (await repo.awaitingModeration(db, campaign.organization_id, campaign.id)).find((e) => e.id === request.params.eventId);
      if (!event) return moderationPage(request, reply, campaign, 'That event was already decided, or is not waiting for a review.', 409);
      await ctx.committer.submit((uow) =>
        moderateEvent(uow, { organizationId: campaign.organization_id, eventId: event.id, byUserId: request.organizer!.session.user_id, decision, trustHost: request.body?.trust === 'yes' }),
      );
      eventCache(ctx).forget(event.slug);
      return reply.redirect(`/admin/event-campaigns/${campaign.id}/moderation?done=${decision === 'approve' ? 'approved' : 'rejected'}`, 303);
    });
  }

  app.post<IdParams>('/event-campaigns/:id/trusted-hosts/remove', { config: { permission: 'manage_actions' } }, async (request, reply) => {
    const campaign = await load(request);
    if (!campaign) return notFound(request, reply);
    const email = text(request.body?.email, 254);
    if (await repo.untrustHost(db, campaign.organization_id, email)) {
      await audit(db, { organizationId: campaign.organization_id, userId: request.organizer!.session.user_id, action: 'host.untrusted', subject: email });
    }
    return reply.redirect(`/admin/event-campaigns/${campaign.id}/moderation?done=untrusted`, 303);
  });
}
