import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import '../messages.ts';
import { sendCachedPage } from '../../kits/pages/cached-page.ts';
import type { Context } from '../../context.ts';
import { pageContext, sendPage, notFound } from '../../kits/pages/page.ts';
import { challengeOn, guardSubmission } from '../../kits/pages/form-guard.ts';
import { validatePerson, type FieldErrors } from '../../actions/people/validate.ts';
import { cleanSource, referringSite } from '../../kits/pages/referral.ts';
import { validShares } from '../../actions/partners.ts';
import { isLanguage, translator, type MessageKey } from '../../i18n/index.ts';
import { nowIso } from '../../util/ids.ts';
import { attendeeToken, cancelAttendance, cleanPhone, closedReason, EventClosedError, rsvp, shareRsvp, tokenMatches } from '../service.ts';
import { findAttendance, findEventBySlug, findEventWithOrganization, publicUpcomingEvents } from '../repository.ts';
import { eventCache, type PublicEvent } from '../public-cache.ts';
import { AttendancePage, CancelConfirmPage, EventListPage, EventMessagePage, EventPage, eventShareCard, RsvpThanksPage, type RsvpFormValues } from './pages.tsx';
import { sendShareImage } from '../../kits/pages/share-image.ts';
import { localized } from '../../kits/pages/localized.ts';
import { eventIcs, googleCalendarLink, outlookCalendarLink } from '../calendar.ts';

type Body = Record<string, unknown>;
type SlugParams = { Params: { slug: string } };
type AttendeeParams = { Params: { slug: string; attendanceId: string; token: string } };

const CLOSED: Record<EventClosedError['reason'], MessageKey> = {
  past: 'eventpage.closed.past',
  cancelled: 'eventpage.closed.cancelled',
  not_open: 'eventpage.closed.not_open',
};

/** Events a visitor may open by link: confirmed, cancelled (to say so) or over; pending and rejected ones are not public. */
const isPublic = (event: PublicEvent) => event.status === 'confirmed' || event.status === 'cancelled';

/** Public event pages: the event, the RSVP, the thank-you page and each attendee's private link. */
export function eventRoutes(ctx: Context) {
  return async function (app: FastifyInstance) {
    const cache = eventCache(ctx);
    const rsvpLimit = ctx.config.rateLimits ? { max: 20, timeWindow: '1 minute' } : false;
    const { baseUrl, secretKey } = ctx.config;

    const publicEvent = async (slug: string) => {
      const event = await cache.get(slug);
      return event && isPublic(event) ? event : undefined;
    };

    const closedPage = (request: FastifyRequest, reply: FastifyReply, event: PublicEvent, reason: EventClosedError['reason']) =>
      sendPage(reply, EventMessagePage({ page: pageContext(request), title: request.t('eventpage.closed.title'), body: request.t(CLOSED[reason]), back: `/events/${event.slug}` }), 409);

    app.get('/events', async (request, reply) => {
      const events = await publicUpcomingEvents(ctx.database.db, nowIso());
      return sendPage(reply.header('cache-control', 'no-cache'), EventListPage({ page: pageContext(request), events }));
    });

    app.get<SlugParams & { Querystring: Record<string, unknown> }>('/events/:slug', async (request, reply) => {
      const event = await publicEvent(request.params.slug);
      if (!event) return notFound(request, reply);
      const source = cleanSource(request.query.source);
      const now = nowIso();
      reply.header('cache-control', 'no-cache');
      const state = event.status === 'cancelled' ? 'cancelled' : event.end_at <= now ? 'past' : 'open';
      // The proof-of-work challenge while a surge of RSVPs looks automated (src/kits/pages/form-guard.ts).
      const challenge = state === 'open' && challengeOn(ctx, reply, rsvpGuard(event));
      if (source) return sendPage(reply, EventPage({ page: pageContext(request), event, now, values: { source }, errors: {}, challenge }));
      // Shared by every visitor: links come from the bare path, never this visitor's query string.
      const html = cache.page(event, `${state}\u0000${request.lang}${challenge ? '\u0000challenge' : ''}`, () =>
        EventPage({ page: { ...pageContext(request), path: `/events/${event.slug}` }, event, now, values: {}, errors: {}, challenge }) as string,
      );
      return sendCachedPage(request, reply, html);
    });

    app.post<SlugParams & { Querystring: Record<string, unknown>; Body: Body }>('/events/:slug', { config: { rateLimit: rsvpLimit } }, async (request, reply) => {
      const event = await publicEvent(request.params.slug);
      if (!event) return notFound(request, reply);
      const body: Body = request.body && typeof request.body === 'object' ? request.body : {};
      if (isLanguage(body.lang)) {
        request.lang = body.lang;
        request.t = translator(body.lang);
      }
      const now = nowIso();
      const closed = closedReason(event, now);
      if (closed) return closedPage(request, reply, event, closed);
      // The ZIP is read in the event's country: a supporter RSVPs to a place near them.
      const { person, errors: personErrors } = validatePerson({ ...body, country: event.country });
      const errors: FieldErrors = { ...personErrors };
      delete errors.country;
      const phoneRaw = typeof body.phone === 'string' ? body.phone.trim() : '';
      const phone = phoneRaw ? cleanPhone(phoneRaw) : null;
      if (phoneRaw && !phone) errors.phone = { key: 'eventpage.error.phone' };
      const source = cleanSource(request.query.source ?? body.source);
      const optIn = body.opt_in === 'yes' || body.opt_in === 'on' || body.opt_in === 'true';
      const shareWith = validShares(body.share, event.partners, (id) => request.t('form.share', { org: event.partners.find((p) => p.id === id)!.name }));
      const page = pageContext(request);
      if (Object.keys(errors).length > 0) {
        const values: RsvpFormValues = {
          given_name: str(body.given_name),
          family_name: str(body.family_name),
          email: str(body.email),
          postal_code: str(body.postal_code),
          phone: str(body.phone),
          opt_in: optIn,
          share: shareWith.map((s) => s.id),
          source: source ?? undefined,
        };
        return sendPage(reply, EventPage({ page, event, now, values, errors, challenge: challengeOn(ctx, reply, rsvpGuard(event)) }), 422);
      }
      // Block lists, the surge detector and the challenge, in memory, before anything is written.
      if (!(await guardSubmission(ctx, request, reply, rsvpGuard(event), person.email))) return reply;
      let result;
      try {
        result = await ctx.committer.submit(async (uow) => {
          const r = await rsvp(uow, event.id, {
            person,
            phone,
            comment: null,
            optIn,
            optInWording: translator(request.lang)('form.opt_in', { org: event.organization_name }),
            language: request.lang,
            referral: { source, referrer: referringSite(request) },
          });
          const shared = { email: person.email, givenName: person.givenName, familyName: person.familyName, postalCode: person.postalCode, country: person.country, language: request.lang };
          await shareRsvp(uow, event.id, r.attendanceId, shared, shareWith);
          return r;
        });
      } catch (error) {
        if (error instanceof EventClosedError) {
          cache.forget(event.slug);
          return closedPage(request, reply, event, error.reason);
        }
        throw error;
      }
      // The count on the page moved: the next view reads it again rather than in 2 s.
      cache.forget(event.slug);
      return reply.redirect(`/events/${event.slug}/thanks?status=${result.status}`, 303);
    });

    // The calendar file anyone may add: what the public page shows (the venue, the street only
    // when made public, no join link, no instructions). Attendees get theirs by email and link.
    app.get<SlugParams>('/events/:slug/event.ics', async (request, reply) => {
      const listed = await publicEvent(request.params.slug);
      const event = listed ? await findEventBySlug(ctx.database.db, listed.slug) : undefined;
      if (!event) return notFound(request, reply);
      const ics = eventIcs(event, { baseUrl, pageUrl: `${baseUrl}/events/${event.slug}`, reader: 'public' });
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="${event.slug.replace(/[^a-z0-9-]/g, '')}.ics"`)
        .header('cache-control', 'no-cache')
        .send(ics);
    });

    // The link preview's picture (src/kits/pages/share-image.ts): kept by what it shows.
    app.get<SlugParams>('/events/:slug/share.png', async (request, reply) => {
      const event = await publicEvent(request.params.slug);
      if (!event) return notFound(request, reply);
      return sendShareImage(request, reply, eventShareCard(pageContext(request), event, nowIso()));
    });

    app.get<SlugParams & { Querystring: Record<string, unknown> }>('/events/:slug/thanks', async (request, reply) => {
      const event = await publicEvent(request.params.slug);
      if (!event) return notFound(request, reply);
      const status = request.query.status === 'waitlisted' ? 'waitlisted' : 'accepted';
      const page = { ...pageContext(request), path: `/events/${event.slug}/thanks?status=${status}` };
      const now = nowIso();
      // The preview tags name the event page as it is now (its state is part of the key, as on the event page).
      const state = event.status === 'cancelled' ? 'cancelled' : event.end_at <= now ? 'past' : 'open';
      const html = cache.page(event, `thanks\u0000${status}\u0000${state}\u0000${request.lang}`, () =>
        RsvpThanksPage({ page, event, status, now, url: `${baseUrl}/events/${event.slug}` }) as string,
      );
      return sendCachedPage(request, reply.header('cache-control', 'no-store'), html);
    });

    // The attendee's private link. Everything under it answers 404 alike for a wrong event, id or token.
    const loadAttendee = async (request: FastifyRequest<AttendeeParams>) => {
      const { slug, attendanceId, token } = request.params;
      if (!tokenMatches(attendeeToken(secretKey, attendanceId), token)) return undefined;
      const attendance = await findAttendance(ctx.database.db, attendanceId);
      if (!attendance) return undefined;
      const event = await findEventWithOrganization(ctx.database.db, attendance.event_id);
      if (!event || event.slug !== slug) return undefined;
      return { attendance, event, path: `/events/${slug}/attendances/${attendanceId}/${token}` };
    };

    const invalidLink = (request: FastifyRequest, reply: FastifyReply) =>
      sendPage(reply.header('x-robots-tag', 'noindex'), EventMessagePage({ page: pageContext(request), title: request.t('attendance.invalid_title'), body: request.t('attendance.invalid_body') }), 404);

    const base = '/events/:slug/attendances/:attendanceId/:token';

    app.get<AttendeeParams>(base, async (request, reply) => {
      const found = await loadAttendee(request);
      if (!found) return invalidLink(request, reply);
      const { event, attendance, path } = found;
      const pageUrl = `${baseUrl}/events/${event.slug}`;
      reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
      return sendPage(
        reply,
        AttendancePage({
          page: pageContext(request),
          now: nowIso(),
          view: { event, attendance, path, google: googleCalendarLink(event, pageUrl), outlook: outlookCalendarLink(event, pageUrl) },
        }),
      );
    });

    app.get<AttendeeParams>(`${base}/event.ics`, async (request, reply) => {
      const found = await loadAttendee(request);
      if (!found || found.attendance.status !== 'accepted') return invalidLink(request, reply);
      const { event } = found;
      const ics = eventIcs(event, { baseUrl, pageUrl: `${baseUrl}/events/${event.slug}` });
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="${event.slug.replace(/[^a-z0-9-]/g, '')}.ics"`)
        .header('cache-control', 'no-store')
        .send(ics);
    });

    app.get<AttendeeParams>(`${base}/cancel`, async (request, reply) => {
      const found = await loadAttendee(request);
      if (!found) return invalidLink(request, reply);
      reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
      if (found.attendance.status === 'cancelled') return reply.redirect(found.path, 303);
      return sendPage(reply, CancelConfirmPage({ page: pageContext(request), title: localized(request.lang, found.event.title, found.event.title_es).text, path: found.path }));
    });

    app.post<AttendeeParams & { Body: Body }>(`${base}/cancel`, { config: { rateLimit: rsvpLimit } }, async (request, reply) => {
      const body: Body = request.body && typeof request.body === 'object' ? request.body : {};
      if (isLanguage(body.lang)) {
        request.lang = body.lang;
        request.t = translator(body.lang);
      }
      const found = await loadAttendee(request);
      if (!found) return invalidLink(request, reply);
      const { event, attendance } = found;
      await ctx.committer.submit((uow) => cancelAttendance(uow, attendance.id));
      cache.forget(event.slug);
      return sendPage(
        reply.header('cache-control', 'no-store'),
        EventMessagePage({ page: pageContext(request), title: request.t('attendance.cancelled_title'), body: request.t('attendance.cancelled_body', { title: localized(request.lang, event.title, event.title_es).text }), back: `/events/${event.slug}` }),
      );
    });
  };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v.slice(0, 5000) : undefined;
}

/** An event as the form guard sees it: the organizer's setting, `automatic` unless changed (on while RSVPs look automated). */
function rsvpGuard(event: { id: string; organization_id: string; challenge: 'off' | 'automatic' | 'always' }) {
  return { id: event.id, organization_id: event.organization_id, challenge: event.challenge };
}
