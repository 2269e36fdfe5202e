import { localized } from '../../kits/pages/localized.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import '../messages.ts';
import type { Context } from '../../context.ts';
import { notFound, pageContext, sendPage } from '../../kits/pages/page.ts';
import { isLanguage, translator } from '../../i18n/index.ts';
import { isCleanText } from '../../actions/people/normalize.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { findEventById, findEventBySlug, searchAttendees } from '../../events/index.ts';
import { EventClosedError, hostToken } from '../../events/index.ts';
import { eventCache } from '../../events/index.ts';
import { nowIso } from '../../util/ids.ts';
import { checkHostEvent, parseHost, valuesOf, type EventFormValues } from '../event-draft.ts';
import { HostManagePage } from './host-pages.tsx';
import { CampaignPage, campaignShareCard, HostConfirmPage, HostFormPage, NoticePage, type ListedEvent } from './pages.tsx';
import { sendShareImage } from '../../kits/pages/share-image.ts';
import { organizationBrand } from '../../orgs/brand.ts';
import { eventPoint, milesBetween, parseSearch, type SearchProblem } from '../places.ts';
import { findCampaignBySlug, publicCampaignEvents } from '../repository.ts';
import {
  CampaignError,
  checkIn,
  confirmHostEmail,
  HOST_MESSAGE_LIMITS,
  HOST_MESSAGES_PER_DAY,
  hostUpdateEvent,
  isHostEmailToken,
  isHostLink,
  offerToHost,
  sendHostMessage,
} from '../service.ts';

type Body = Record<string, unknown>;

/** The form says which language it was shown in, for browsers that keep no cookie. */
function formLanguage(request: FastifyRequest, body: Body) {
  if (isLanguage(body.lang)) {
    request.lang = body.lang;
    request.t = translator(body.lang);
  }
}

const bodyOf = (request: FastifyRequest): Body => (request.body && typeof request.body === 'object' ? (request.body as Body) : {});

function searchErrors(problems: SearchProblem[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const p of problems) {
    if (p.field === 'distance') errors.distance = { key: 'search.error.distance' };
    else if (p.kind === 'format') errors.zip = { key: 'search.error.zip_format' };
    else errors.zip = { key: 'search.error.zip_unknown', values: { zip: p.zip } };
  }
  return errors;
}

/**
 * A campaign's public pages (the list, the search by ZIP and the map; the host form and the
 * host's email confirmation) and each host's private page under /events/:slug/host/:token.
 */
export function eventCampaignRoutes(ctx: Context) {
  return async function (app: FastifyInstance) {
    const db = ctx.database.db;
    const secret = ctx.config.secretKey;
    const postLimit = ctx.config.rateLimits ? { max: 20, timeWindow: '1 minute' } : false;
    // A host at the door checks people in one after another: more than a form's 20, still bounded.
    const checkInLimit = ctx.config.rateLimits ? { max: 120, timeWindow: '1 minute' } : false;
    // The event's public page keeps its row for 2 s: a change made here shows there at once.
    const events = eventCache(ctx);

    type SlugParams = { Params: { slug: string }; Querystring: Record<string, unknown> };

    app.get<SlugParams>('/event_campaigns/:slug', async (request, reply) => {
      const found = await findCampaignBySlug(db, request.params.slug);
      if (!found) return notFound(request, reply);
      const campaign = { ...found, brand: await organizationBrand(db, found.organization_id) };
      const parsed = parseSearch(request.query);
      const events = await publicCampaignEvents(db, campaign.id, nowIso());
      let results: ListedEvent[] | null = null;
      if (parsed.search) {
        const { origin, miles } = parsed.search;
        results = events
          .map((event) => ({ event, point: eventPoint(event) }))
          .filter((r): r is { event: typeof r.event; point: NonNullable<typeof r.point> } => r.point !== null)
          .map(({ event, point }) => ({ event, miles: milesBetween(origin, point) }))
          .filter((r) => r.miles <= miles)
          .sort((a, b) => a.miles - b.miles || a.event.start_at.localeCompare(b.event.start_at));
      }
      const errors = searchErrors(parsed.problems);
      reply.header('cache-control', 'no-cache');
      return sendPage(
        reply,
        CampaignPage({
          page: pageContext(request),
          campaign,
          events,
          results,
          search: { zip: parsed.zip, distance: parsed.distance, miles: parsed.search?.miles ?? null, origin: parsed.search?.origin ?? null },
          errors,
        }),
        parsed.problems.length > 0 ? 400 : 200,
      );
    });

    // The link preview's picture (src/kits/pages/share-image.ts): kept by what it shows.
    app.get<SlugParams>('/event_campaigns/:slug/share.png', async (request, reply) => {
      const found = await findCampaignBySlug(db, request.params.slug);
      if (!found) return notFound(request, reply);
      const campaign = { ...found, brand: await organizationBrand(db, found.organization_id) };
      const upcoming = (await publicCampaignEvents(db, campaign.id, nowIso())).length;
      return sendShareImage(request, reply, campaignShareCard(pageContext(request), campaign, upcoming));
    });

    app.get<SlugParams>('/event_campaigns/:slug/host', async (request, reply) => {
      const campaign = await findCampaignBySlug(db, request.params.slug);
      if (!campaign) return notFound(request, reply);
      const page = pageContext(request);
      if (campaign.status !== 'open') return sendPage(reply, closedPage(page, campaign), 409);
      return sendPage(reply, HostFormPage({ page, campaign, values: {}, errors: {} }));
    });

    app.post<SlugParams>('/event_campaigns/:slug/host', { config: { rateLimit: postLimit } }, async (request, reply) => {
      const campaign = await findCampaignBySlug(db, request.params.slug);
      if (!campaign) return notFound(request, reply);
      const body = bodyOf(request);
      formLanguage(request, body);
      const page = pageContext(request);
      if (campaign.status !== 'open') return sendPage(reply, closedPage(page, campaign), 409);
      const host = parseHost(body);
      const { columns, values, errors } = checkHostEvent(body, nowIso());
      const allErrors = { ...host.errors, ...errors };
      if (!columns || Object.keys(allErrors).length > 0) {
        return sendPage(reply, HostFormPage({ page, campaign, values: { ...values, ...host.values }, errors: allErrors }), 422);
      }
      try {
        await ctx.committer.submit((uow) => offerToHost(uow, campaign, { hostName: host.name, hostEmail: host.email, event: columns, language: request.lang }));
      } catch (e) {
        if (e instanceof CampaignError) return sendPage(reply, closedPage(page, campaign), 409);
        throw e;
      }
      return reply.redirect(`/event_campaigns/${campaign.slug}/host/thanks`, 303);
    });

    app.get<SlugParams>('/event_campaigns/:slug/host/thanks', async (request, reply) => {
      const campaign = await findCampaignBySlug(db, request.params.slug);
      if (!campaign) return notFound(request, reply);
      const { t } = request;
      return sendPage(
        reply.header('cache-control', 'no-store'),
        NoticePage({ page: pageContext(request), title: t('host.sent_title'), body: t('host.sent_body'), back: { href: `/event_campaigns/${campaign.slug}`, text: t('campaign.back') } }),
      );
    });

    type ConfirmParams = { Params: { slug: string; eventId: string; token: string } };
    const confirmPath = '/event_campaigns/:slug/host/confirm/:eventId/:token';
    const invalidConfirm = (request: FastifyRequest, reply: FastifyReply, slug: string) =>
      sendPage(
        reply,
        NoticePage({ page: pageContext(request), title: request.t('host.confirm_invalid_title'), body: request.t('host.confirm_invalid_body'), back: { href: `/event_campaigns/${slug}`, text: request.t('campaign.back') } }),
        404,
      );

    app.get<ConfirmParams>(confirmPath, async (request, reply) => {
      const { slug, eventId, token } = request.params;
      reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
      const campaign = await findCampaignBySlug(db, slug);
      const event = campaign ? await eventById(eventId) : undefined;
      if (!campaign || !event || event.campaign_id !== campaign.id || !isHostEmailToken(secret, eventId, token)) return invalidConfirm(request, reply, slug);
      return sendPage(reply, HostConfirmPage({ page: pageContext(request), title: event.title, action: `/event_campaigns/${slug}/host/confirm/${eventId}/${token}` }));
    });

    app.post<ConfirmParams>(confirmPath, { config: { rateLimit: postLimit } }, async (request, reply) => {
      const { slug, eventId, token } = request.params;
      formLanguage(request, bodyOf(request));
      reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
      const campaign = await findCampaignBySlug(db, slug);
      const event = campaign ? await eventById(eventId) : undefined;
      if (!campaign || !event || event.campaign_id !== campaign.id || !isHostEmailToken(secret, eventId, token)) return invalidConfirm(request, reply, slug);
      const outcome = await ctx.committer.submit((uow) => confirmHostEmail(uow, eventId));
      if (outcome === 'invalid') return invalidConfirm(request, reply, slug);
      events.forget(event.slug);
      const { t } = request;
      return sendPage(
        reply,
        NoticePage({
          page: pageContext(request),
          title: t('host.confirmed_title'),
          body: outcome === 'live' ? t('host.confirmed_live', { title: event.title }) : t('host.confirmed_pending', { title: event.title }),
          back: { href: `/event_campaigns/${slug}`, text: t('campaign.back') },
        }),
      );
    });

    const eventById = (id: string) => (/^[0-9a-f-]{36}$/.test(id) ? findEventById(db, id) : Promise.resolve(undefined));

    // The host's private page. A link from before a revocation (another version) is a 404,
    // exactly like a link that never existed.
    type HostParams = { Params: { slug: string; token: string }; Querystring: Record<string, unknown> };

    async function hostEvent(request: FastifyRequest<HostParams>) {
      const event = await findEventBySlug(db, request.params.slug);
      if (!event || event.status === 'rejected' || !event.host_email) return null;
      return isHostLink(secret, event, request.params.token) ? event : null;
    }
    const hostBase = (event: { slug: string; id: string; host_link_version: number }) => `/events/${event.slug}/host/${hostToken(secret, event.id, event.host_link_version)}`;

    async function managePage(
      request: FastifyRequest<HostParams>,
      reply: FastifyReply,
      event: NonNullable<Awaited<ReturnType<typeof hostEvent>>>,
      opts: { notice?: string; edit?: { values: EventFormValues; errors: FieldErrors }; message?: { subject?: string; body?: string; errors: FieldErrors }; status?: number } = {},
    ) {
      const attendees = (await searchAttendees(db, event.organization_id, event.id, '', { limit: 5000, offset: 0 })).filter((a) => a.status !== 'cancelled');
      reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
      return sendPage(
        reply,
        HostManagePage({
          page: pageContext(request),
          event,
          base: hostBase(event),
          attendees,
          notice: opts.notice,
          edit: opts.edit ?? { values: valuesOf(event), errors: {} },
          message: opts.message ?? { errors: {} },
        }),
        opts.status ?? 200,
      );
    }

    app.get<HostParams>('/events/:slug/host/:token', async (request, reply) => {
      const event = await hostEvent(request);
      if (!event) return notFound(request, reply.header('x-robots-tag', 'noindex'));
      const { t } = request;
      const done = request.query.done;
      const sent = Number(request.query.sent);
      const notice =
        done === 'saved'
          ? t('manage.saved')
          : done === 'checked_in'
            ? t('manage.checked_in_notice')
            : done === 'unchecked'
              ? t('manage.unchecked_notice')
              : done === 'sent' && Number.isInteger(sent) && sent >= 0
                ? t('manage.sent', { count: sent })
                : undefined;
      return managePage(request, reply, event, { notice });
    });

    app.post<HostParams>('/events/:slug/host/:token', { config: { rateLimit: postLimit } }, async (request, reply) => {
      const body = bodyOf(request);
      formLanguage(request, body);
      const event = await hostEvent(request);
      if (!event) return notFound(request, reply);
      const { columns, values, errors } = checkHostEvent(body, nowIso(), event);
      if (!columns) return managePage(request, reply, event, { edit: { values, errors }, status: 422 });
      try {
        await ctx.committer.submit((uow) => hostUpdateEvent(uow, event.id, columns));
        events.forget(event.slug);
      } catch (e) {
        if (e instanceof EventClosedError) return managePage(request, reply, event, { notice: request.t('manage.status_cancelled'), status: 409 });
        throw e;
      }
      return reply.redirect(`${hostBase(event)}?done=saved`, 303);
    });

    app.post<HostParams>('/events/:slug/host/:token/check-in', { config: { rateLimit: checkInLimit } }, async (request, reply) => {
      const body = bodyOf(request);
      formLanguage(request, body);
      const event = await hostEvent(request);
      if (!event) return notFound(request, reply);
      const attendanceId = typeof body.attendance_id === 'string' ? body.attendance_id : '';
      const attended = body.attended !== 'no';
      await ctx.committer.submit((uow) => checkIn(uow, event.id, attendanceId, attended));
      return reply.redirect(`${hostBase(event)}?done=${attended ? 'checked_in' : 'unchecked'}#attendees-heading`, 303);
    });

    app.post<HostParams>('/events/:slug/host/:token/message', { config: { rateLimit: postLimit } }, async (request, reply) => {
      const body = bodyOf(request);
      formLanguage(request, body);
      const event = await hostEvent(request);
      if (!event) return notFound(request, reply);
      const subject = typeof body.subject === 'string' ? body.subject.trim() : '';
      const text = typeof body.body === 'string' ? body.body.trim() : '';
      const errors: FieldErrors = {};
      if (!subject) errors.subject = { key: 'event_form.error.required', values: { field: 'manage.noun.subject' } };
      else if (!isCleanText(subject)) errors.subject = { key: 'form.error.invalid_text', values: { field: 'manage.noun.subject' } };
      else if (subject.length > HOST_MESSAGE_LIMITS.subject) errors.subject = { key: 'form.error.too_long', values: { field: 'manage.noun.subject', max: HOST_MESSAGE_LIMITS.subject } };
      if (!text) errors.body = { key: 'event_form.error.required', values: { field: 'manage.noun.body' } };
      else if (!isCleanText(text, true)) errors.body = { key: 'form.error.invalid_text', values: { field: 'manage.noun.body' } };
      else if (text.length > HOST_MESSAGE_LIMITS.body) errors.body = { key: 'form.error.too_long', values: { field: 'manage.noun.body', max: HOST_MESSAGE_LIMITS.body } };
      const keep = { subject: typeof body.subject === 'string' ? body.subject.slice(0, 500) : '', body: typeof body.body === 'string' ? body.body.slice(0, 6000) : '' };
      if (Object.keys(errors).length > 0) return managePage(request, reply, event, { message: { ...keep, errors }, status: 422 });
      const result = await ctx.committer.submit((uow) => sendHostMessage(uow, event, { subject, body: text }));
      if (result === 'rate_limited') {
        return managePage(request, reply, event, { message: { ...keep, errors: { subject: { key: 'manage.error.rate_limited', values: { max: HOST_MESSAGES_PER_DAY } } } }, status: 429 });
      }
      return reply.redirect(`${hostBase(event)}?done=sent&sent=${result.sent}#message-heading`, 303);
    });
  };
}

function closedPage(page: ReturnType<typeof pageContext>, campaign: { slug: string; title: string; title_es?: string | null }) {
  const title = localized(page.lang, campaign.title, campaign.title_es);
  return NoticePage({ page, title: title.text, titleLang: title.lang, body: page.t('campaign.closed'), back: { href: `/event_campaigns/${campaign.slug}`, text: page.t('campaign.back') } });
}
