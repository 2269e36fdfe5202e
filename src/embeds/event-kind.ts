import { cleanPhone, closedReason, EventClosedError, eventArea, eventCache, eventWhen, rsvp, shareRsvp, type PublicEvent } from '../events/index.ts';
import { validatePerson, type FieldErrors } from '../actions/people/validate.ts';
import { validShares } from '../actions/partners.ts';
import { cleanSource } from '../kits/pages/referral.ts';
import { guardSubmission } from '../kits/pages/form-guard.ts';
import { translator, type MessageKey } from '../i18n/index.ts';
import { nowIso } from '../util/ids.ts';
import { consentFields, isOptIn, personFields, type EmbedKind } from './kinds.ts';

const CLOSED: Record<EventClosedError['reason'], MessageKey> = {
  past: 'eventpage.closed.past',
  cancelled: 'eventpage.closed.cancelled',
  not_open: 'eventpage.closed.not_open',
};

const isFull = (e: PublicEvent) => e.capacity !== null && e.accepted_count >= e.capacity;

/** An event's RSVP in an embed: the same checks, guard, `rsvp` and partner copies as /events/:slug. */
export const eventKind: EmbedKind<PublicEvent> = {
  type: 'event',
  segment: 'events',
  capability: 'events',
  // Only events anyone may open by link (confirmed, or cancelled to say so), as on /events/:slug.
  async load(ctx, slug) {
    const event = await eventCache(ctx).get(slug);
    return event && (event.status === 'confirmed' || event.status === 'cancelled') ? event : undefined;
  },
  isOpen: (e) => closedReason(e, nowIso()) === null,
  closedText: (e, t) => t(CLOSED[closedReason(e, nowIso()) ?? 'not_open']),
  count: (e) => e.accepted_count,
  countText: (e, t) =>
    e.capacity === null ? t('eventpage.going', { count: e.accepted_count }) : isFull(e) ? t('eventpage.full') : t('eventpage.spots_left', { count: e.capacity - e.accepted_count }),
  summary: (e, t, lang) => {
    const area = eventArea(e);
    return [`${t('eventpage.when')}: ${eventWhen(e, lang)}`, `${t('eventpage.where')}: ${e.online ? t('eventpage.online') : area || t('eventpage.address_hint')}`];
  },
  heading: (e, t) => (isFull(e) ? t('eventpage.waitlist_heading') : t('eventpage.rsvp_heading')),
  submitLabel: (e, t) => (isFull(e) ? t('eventpage.submit_waitlist') : t('eventpage.submit')),
  fields: (e, t) => [
    ...personFields(t, t('eventpage.email_hint')),
    { name: 'phone', label: t('eventpage.phone'), type: 'text', hint: t('eventpage.phone_hint'), autocomplete: 'tel', inputmode: 'tel', maxlength: 30 },
    ...consentFields(t, e.organization_name, e.partners),
  ],

  thanks: (e, t, variant) =>
    variant === 'waitlisted'
      ? { title: t('rsvp.waitlisted_title'), body: t('rsvp.waitlisted_body', { title: e.title }) }
      : { title: t('rsvp.accepted_title'), body: t('rsvp.accepted_body', { title: e.title }) },

  async submit(event, { ctx, request, reply, body, site, refuse }) {
    const closedMessage = (reason: EventClosedError['reason']) => ({ status: 'closed', message: request.t(CLOSED[reason]) }) as const;
    const closed = closedReason(event, nowIso());
    if (closed) return closedMessage(closed);
    // The ZIP is read in the event's country, as on the event's page.
    const { person, errors: personErrors } = validatePerson({ ...body, country: event.country });
    const errors: FieldErrors = { ...personErrors };
    delete errors.country;
    const phoneRaw = typeof body.phone === 'string' ? body.phone.trim() : '';
    const phone = phoneRaw ? cleanPhone(phoneRaw) : null;
    if (phoneRaw && !phone) errors.phone = { key: 'eventpage.error.phone' };
    if (Object.keys(errors).length > 0) return { status: 'invalid', errors };
    const shareWith = validShares(body.share, event.partners, (id) => request.t('form.share', { org: event.partners.find((p) => p.id === id)!.name }));
    const guard = await guardSubmission(ctx, request, reply, event, person.email, refuse);
    if (!guard) return { status: 'refused' };
    let result;
    try {
      result = await ctx.committer.submit(async (uow) => {
        const r = await rsvp(uow, event.id, {
          person,
          phone,
          comment: null,
          optIn: isOptIn(body.opt_in),
          optInWording: translator(request.lang)('form.opt_in', { org: event.organization_name }),
          language: request.lang,
          referral: { source: cleanSource(body.source), referrer: site },
        });
        const shared = { email: person.email, givenName: person.givenName, familyName: person.familyName, postalCode: person.postalCode, country: person.country, language: request.lang };
        await shareRsvp(uow, event.id, r.attendanceId, shared, shareWith);
        return r;
      });
    } catch (error) {
      if (error instanceof EventClosedError) {
        eventCache(ctx).forget(event.slug);
        return closedMessage(error.reason);
      }
      throw error;
    }
    // The count moved: the next read takes it from the database rather than in 2 s.
    eventCache(ctx).forget(event.slug);
    return { status: 'done', variant: result.status === 'waitlisted' ? 'waitlisted' : 'accepted' };
  },
};
