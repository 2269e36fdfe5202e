import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import '../messages.ts';
import type { Context } from '../../context.ts';
import { pageContext, sendPage, notFound } from '../../kits/pages/page.ts';
import { cleanSource, referringSite } from '../../kits/pages/referral.ts';
import { challengeOn, guardSubmission, type GuardedAction } from '../../kits/pages/form-guard.ts';
import { ConfirmButtonPage } from '../../kits/pages/confirm-page.tsx';
import { validatePerson, type FieldErrors } from '../../actions/people/validate.ts';
import { validShares } from '../../actions/partners.ts';
import { isLanguage, translator } from '../../i18n/index.ts';
import { fundraisingCache } from '../public-cache.ts';
import { DonationMessage, fundraisingShareCard, FundraisingPageView, ThanksView, type GiveFormValues, type PublicPage } from './pages.tsx';
import { sendShareImage } from '../../kits/pages/share-image.ts';
import { AmountError, giftKey, isPageClosed, isValidLinkToken, linkToken, PageClosedError, recordPledge, requestCancel, startCheckout, type Gift } from '../service.ts';
import { feeCover, formatMoney, parseAmount } from '../money.ts';
import { isStripeUnavailable, sessionParams, stripeClient, stripeConfigured } from '../stripe.ts';
import * as repo from '../repository.ts';
import { nowIso } from '../../util/ids.ts';
import { localized } from '../../kits/pages/localized.ts';

type Body = Record<string, unknown>;

const FORM_ID = /^[A-Za-z0-9_-]{16,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Where the donor's browser goes after the form: Stripe's checkout, or the stand-in that STRIPE_API_BASE names. */
export function checkoutOrigin(apiBase: string): string {
  const base = new URL(apiBase);
  return base.hostname === 'api.stripe.com' ? 'https://checkout.stripe.com' : base.origin;
}

const str = (v: unknown, max = 5000): string | undefined => (typeof v === 'string' ? v.slice(0, max) : undefined);

export function donationRoutes(ctx: Context) {
  return async function (app: FastifyInstance) {
    const cache = fundraisingCache(ctx);
    const giveLimit = ctx.config.rateLimits ? { max: 10, timeWindow: '1 minute' } : false;
    const stripeOn = stripeConfigured(ctx.config.stripe);
    // The page's form may send the donor on to the payment page, and nowhere else.
    // (With the proof-of-work challenge on, its script and its requests to turnout are allowed too.)
    const csp = (challenge: boolean) =>
      `default-src 'none'; ${challenge ? "script-src 'self'; connect-src 'self'; " : ''}style-src 'self'; img-src 'self'; form-action 'self' ${checkoutOrigin(ctx.config.stripe.apiBase)}; base-uri 'none'; frame-ancestors 'none'`;
    const givingReady = (p: PublicPage) => p.processor === 'pledge' || (p.processor === 'stripe' && stripeOn);
    // Fundraising pages have no challenge setting of their own: the challenge comes on when a surge looks automated.
    const guarded = (p: PublicPage): GuardedAction => ({ id: p.id, organization_id: p.organization_id, challenge: 'automatic' });

    const show = (request: FastifyRequest, reply: FastifyReply, p: PublicPage, values: GiveFormValues, errors: FieldErrors, status = 200, notice?: string) => {
      const challenge = !isPageClosed(p) && givingReady(p) && challengeOn(ctx, reply, guarded(p));
      if (p.processor === 'stripe') reply.header('content-security-policy', csp(challenge));
      return sendPage(reply.header('cache-control', 'no-store'), FundraisingPageView({ page: pageContext(request), p, values, errors, givingReady: givingReady(p), notice, challenge }), status);
    };

    app.get<{ Params: { slug: string }; Querystring: Record<string, unknown> }>('/fundraising/:slug', async (request, reply) => {
      const p = await cache.get(request.params.slug);
      if (!p) return notFound(request, reply);
      return show(request, reply, p, { source: cleanSource(request.query.source) ?? undefined, form_id: randomBytes(16).toString('base64url') }, {});
    });

    app.post<{ Params: { slug: string }; Querystring: Record<string, unknown>; Body: Body }>('/fundraising/:slug', { config: { rateLimit: giveLimit } }, async (request, reply) => {
      const p = await cache.get(request.params.slug);
      if (!p) return notFound(request, reply);
      const body: Body = request.body && typeof request.body === 'object' ? request.body : {};
      if (isLanguage(body.lang)) {
        request.lang = body.lang;
        request.t = translator(body.lang);
      }
      const page = pageContext(request);
      // The donor's version of the title: on the notices below and on Stripe's payment page.
      const title = localized(request.lang, p.title, p.title_es).text;
      const closed = () => sendPage(reply, DonationMessage({ page, title, body: request.t('donation.closed'), back: `/fundraising/${p.slug}` }), 409);
      if (isPageClosed(p)) return closed();
      if (!givingReady(p)) return sendPage(reply, DonationMessage({ page, title, body: request.t(p.processor === 'actblue' ? 'donation.actblue_only' : 'donation.not_set_up'), back: `/fundraising/${p.slug}` }), 409);

      const { person, errors } = validatePerson(body);
      const recurring = body.frequency === 'monthly' && p.allow_monthly && p.processor === 'stripe';
      const coverFees = (body.cover_fees === 'yes' || body.cover_fees === 'on') && p.offer_fee_cover && p.processor === 'stripe';
      let base: number | null = null;
      const chosen = str(body.amount, 30);
      if (chosen && chosen !== 'other' && p.amounts.map(String).includes(chosen)) base = Number(chosen);
      else if (chosen === 'other' || !chosen) {
        const parsed = parseAmount(body.other_amount, p.currency, request.lang);
        const typed = str(body.other_amount, 30)?.trim();
        if (!typed) errors.other_amount = { key: 'donation.error.amount_required' };
        else if ('problem' in parsed) errors.other_amount = { key: parsed.problem === 'too_many_decimals' ? 'donation.error.amount_decimals' : 'donation.error.amount_invalid' };
        else base = parsed.minor;
      } else errors.amount = { key: 'donation.error.amount_choose' };
      if (base !== null && (base < p.min_minor || base > p.max_minor)) {
        errors.other_amount = { key: 'donation.error.amount_range', values: { min: formatMoney(p.min_minor, p.currency, request.lang), max: formatMoney(p.max_minor, p.currency, request.lang) } };
      }
      const optIn = body.opt_in === 'yes' || body.opt_in === 'on' || body.opt_in === 'true';
      const shareWith = validShares(body.share, p.partners, (id) => request.t('form.share', { org: p.partners.find((x) => x.id === id)!.name }));
      const source = cleanSource(request.query.source ?? body.source);
      const formId = typeof body.form_id === 'string' && FORM_ID.test(body.form_id) ? body.form_id : randomBytes(16).toString('base64url');
      const values: GiveFormValues = {
        given_name: str(body.given_name),
        family_name: str(body.family_name),
        email: str(body.email),
        postal_code: str(body.postal_code),
        country: str(body.country),
        amount: chosen,
        other_amount: str(body.other_amount, 30),
        frequency: recurring ? 'monthly' : 'once',
        cover_fees: coverFees,
        opt_in: optIn,
        share: shareWith.map((s) => s.id),
        source: source ?? undefined,
        form_id: formId,
      };
      if (Object.keys(errors).length > 0 || base === null) return show(request, reply, p, values, errors, 422);
      if (!(await guardSubmission(ctx, request, reply, guarded(p), person.email))) return reply;

      const fee = coverFees ? feeCover(base, p.currency) : 0;
      const gift: Gift = {
        person,
        amountMinor: base + fee,
        feeCoverMinor: fee,
        recurring,
        optIn,
        optInWording: translator(request.lang)('form.opt_in', { org: p.organization_name }),
        language: request.lang,
        referral: { source, referrer: referringSite(request) },
        shareWith,
        idempotencyKey: giftKey(ctx.config.secretKey, { pageId: p.id, formId, email: person.email, amountMinor: base, recurring, feeCover: coverFees }),
      };
      try {
        if (p.processor === 'pledge') {
          const id = await ctx.committer.submit((uow) => recordPledge(uow, p, gift));
          cache.forget(p.slug);
          return reply.redirect(`/fundraising/${p.slug}/thanks?d=${id}&t=${linkToken(ctx.config.secretKey, 'thanks', id)}`, 303);
        }
        const checkout = await ctx.committer.submit((uow) => startCheckout(uow, p, gift));
        const thanks = `/fundraising/${p.slug}/thanks?c=${checkout.id}&t=${linkToken(ctx.config.secretKey, 'thanks', checkout.id)}`;
        if (checkout.status === 'completed') return reply.redirect(thanks, 303);
        if (checkout.status === 'open' && checkout.stripe_session_url) return reply.redirect(checkout.stripe_session_url, 303);
        try {
          // The one call to another service inside a request: the donor must be sent to the payment
          // page now. The checkout's id is the idempotency key, so a retry or a double click makes one session.
          const stripe = (await stripeClient(ctx.config.stripe))!;
          const session = await stripe.checkout.sessions.create(
            sessionParams({
              checkout,
              title,
              organizationName: p.organization_name,
              email: person.email,
              language: request.lang,
              successUrl: `${ctx.config.baseUrl}${thanks}`,
              cancelUrl: `${ctx.config.baseUrl}/fundraising/${p.slug}`,
            }),
            { idempotencyKey: `turnout-checkout-${checkout.id}` },
          );
          if (!session.url) throw new Error(`Stripe answered checkout session ${session.id} without a url`);
          await repo.setCheckoutSession(ctx.database.db, checkout.id, session.id, session.url, nowIso());
          return reply.redirect(session.url, 303);
        } catch (error) {
          request.log.warn({ err: error, unavailable: isStripeUnavailable(error) }, 'stripe checkout session failed');
          return show(request, reply, p, values, {}, isStripeUnavailable(error) ? 503 : 502, request.t('donation.stripe_unavailable'));
        }
      } catch (error) {
        if (error instanceof PageClosedError) return closed();
        if (error instanceof AmountError) return show(request, reply, p, values, { other_amount: { key: 'donation.error.amount_range', values: { min: formatMoney(p.min_minor, p.currency, request.lang), max: formatMoney(p.max_minor, p.currency, request.lang) } } }, 422);
        throw error;
      }
    });

    // The link preview's picture (src/kits/pages/share-image.ts): kept by what it shows.
    app.get<{ Params: { slug: string } }>('/fundraising/:slug/share.png', async (request, reply) => {
      const p = await cache.get(request.params.slug);
      if (!p) return notFound(request, reply);
      return sendShareImage(request, reply, fundraisingShareCard(pageContext(request), p));
    });

    app.get<{ Params: { slug: string }; Querystring: Record<string, unknown> }>('/fundraising/:slug/thanks', async (request, reply) => {
      const p = await cache.get(request.params.slug);
      if (!p) return notFound(request, reply);
      const page = pageContext(request);
      reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
      const token = str(request.query.t, 100) ?? '';
      const checkoutId = str(request.query.c, 40);
      const donationId = str(request.query.d, 40);
      const secret = ctx.config.secretKey;
      if (donationId && UUID.test(donationId) && isValidLinkToken(secret, 'thanks', donationId, token)) {
        const pledge = await repo.findDonation(ctx.database.db, donationId);
        if (pledge && pledge.fundraising_page_id === p.id) return sendPage(reply, ThanksView({ page, p, baseUrl: ctx.config.baseUrl, state: 'pledged', amount: formatMoney(pledge.amount_minor, pledge.currency, request.lang) }));
      }
      if (checkoutId && UUID.test(checkoutId) && isValidLinkToken(secret, 'thanks', checkoutId, token)) {
        // The browser's return proves nothing: the gift is received only once Stripe's webhook has landed.
        const gift = await repo.donationOfCheckout(ctx.database.db, checkoutId);
        if (gift && gift.status === 'paid' && gift.fundraising_page_id === p.id) {
          return sendPage(reply, ThanksView({ page, p, baseUrl: ctx.config.baseUrl, state: 'received', amount: formatMoney(gift.amount_minor, gift.currency, request.lang) }));
        }
        return sendPage(reply, ThanksView({ page, p, baseUrl: ctx.config.baseUrl, state: 'processing', again: `/fundraising/${p.slug}/thanks?c=${checkoutId}&t=${encodeURIComponent(token)}` }));
      }
      return sendPage(reply, DonationMessage({ page, title: request.t('donation.link_invalid_title'), body: request.t('donation.link_invalid_body'), back: `/fundraising/${p.slug}` }), 404);
    });

    // The cancel link in a monthly donor's receipt. The link shows a button; the button cancels (mail scanners open links).
    const cancelPath = '/fundraising/recurring/:id/:token';
    type CancelParams = { Params: { id: string; token: string } };
    const validCancel = (request: FastifyRequest<CancelParams>) => UUID.test(request.params.id) && isValidLinkToken(ctx.config.secretKey, 'cancel', request.params.id, request.params.token);
    const invalidCancel = (request: FastifyRequest, reply: FastifyReply) =>
      sendPage(reply, DonationMessage({ page: pageContext(request), title: request.t('donation.link_invalid_title'), body: request.t('donation.link_invalid_body') }), 404);

    app.get<CancelParams>(cancelPath, async (request, reply) => {
      reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
      if (!validCancel(request)) return invalidCancel(request, reply);
      const recurring = await repo.findRecurring(ctx.database.db, request.params.id);
      if (!recurring) return invalidCancel(request, reply);
      const page = pageContext(request);
      if (recurring.status === 'canceled') return sendPage(reply, DonationMessage({ page, title: request.t('donation.cancel_done_title'), body: request.t('donation.cancel_already') }));
      return sendPage(
        reply,
        ConfirmButtonPage({
          page,
          title: request.t('donation.cancel_title'),
          body: request.t('donation.cancel_body', { amount: formatMoney(recurring.amount_minor, recurring.currency, request.lang) }),
          action: `/fundraising/recurring/${recurring.id}/${request.params.token}`,
          button: request.t('donation.cancel_button'),
        }),
      );
    });

    app.post<CancelParams>(cancelPath, { config: { rateLimit: giveLimit } }, async (request, reply) => {
      if (!validCancel(request)) return invalidCancel(request, reply);
      const outcome = await ctx.committer.submit((uow) => requestCancel(uow, request.params.id));
      if (outcome === 'missing') return invalidCancel(request, reply);
      const page = pageContext(request);
      return sendPage(reply, DonationMessage({ page, title: request.t('donation.cancel_done_title'), body: request.t(outcome === 'already' ? 'donation.cancel_already' : 'donation.cancel_done') }));
    });
  };
}
