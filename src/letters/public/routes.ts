import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import '../messages.ts';
import type { Context } from '../../context.ts';
import { letterCache, type CachedCampaign } from '../public-cache.ts';
import { pageContext, sendPage, notFound } from '../../kits/pages/page.ts';
import { cleanSource, referringSite } from '../../kits/pages/referral.ts';
import { validatePerson, type FieldError, type FieldErrors } from '../../actions/people/validate.ts';
import { hasVisibleText, isCleanText } from '../../actions/people/normalize.ts';
import { validShares } from '../../actions/partners.ts';
import { isLanguage, translator } from '../../i18n/index.ts';
import { challengeOn, guardSubmission } from '../../kits/pages/form-guard.ts';
import { campaignInLanguage, checkLetter } from '../fields.ts';
import { matchTargets, statesCovered, targetLabel } from '../targets.ts';
import { CampaignClosedError, isCampaignClosed, NoTargetError, writeLetter } from '../service.ts';
import { campaignShareCard, LetterPage, MessagePage, ThanksPage, type LetterFormValues } from './pages.tsx';
import { sendShareImage } from '../../kits/pages/share-image.ts';

type Body = Record<string, unknown>;

const STREET_MAX = 200;
const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 25_000) : undefined);
// Every RSVP-like form's challenge follows the surge detector ("automatic"): letters have no setting of their own.
const guarded = (c: CachedCampaign) => ({ id: c.id, organization_id: c.organization_id, challenge: 'automatic' as const });

/** `/letters/:slug`: the campaign, the letter to edit within its limits, and the thank-you page. */
export function letterRoutes(ctx: Context) {
  return async function (app: FastifyInstance) {
    const cache = letterCache(ctx);
    const writeLimit = ctx.config.rateLimits ? { max: 20, timeWindow: '1 minute' } : false;

    const form = (request: FastifyRequest, reply: FastifyReply, campaign: CachedCampaign, values: LetterFormValues, errors: FieldErrors, status = 200) => {
      const challenge = !isCampaignClosed(campaign) && challengeOn(ctx, reply, guarded(campaign));
      return sendPage(reply, LetterPage({ page: pageContext(request), campaign, values, errors, challenge }), status);
    };

    app.get<{ Params: { slug: string }; Querystring: Record<string, unknown> }>('/letters/:slug', async (request, reply) => {
      const campaign = await cache.get(request.params.slug);
      if (!campaign) return notFound(request, reply);
      reply.header('cache-control', 'no-cache');
      return form(request, reply, campaign, { source: cleanSource(request.query.source) ?? undefined }, {});
    });

    app.post<{ Params: { slug: string }; Querystring: Record<string, unknown>; Body: Body }>('/letters/:slug', { config: { rateLimit: writeLimit } }, async (request, reply) => {
      const campaign = await cache.get(request.params.slug);
      if (!campaign) return notFound(request, reply);
      const body: Body = request.body && typeof request.body === 'object' ? request.body : {};
      if (isLanguage(body.lang)) {
        request.lang = body.lang;
        request.t = translator(body.lang);
      }
      const page = pageContext(request);
      // The letter in the writer's language, as their form showed it: its locked parts are checked, and its defaults taken, from this version.
      const shown = campaignInLanguage(request.lang, campaign);
      const closed = () => sendPage(reply, MessagePage({ page, title: shown.title, titleLang: shown.langs.title, body: request.t('letter.closed'), back: `/letters/${campaign.slug}` }), 409);
      // Closed by its organizer or past its closing time: nothing to check, nothing written.
      if (isCampaignClosed(campaign)) return closed();
      const { person, errors } = validatePerson(body);
      const letter = checkLetter(shown, { subject: body.subject, body: body.body, letter_opening: body.letter_opening, letter_closing: body.letter_closing });
      const allErrors: FieldErrors = { ...errors, ...letter.errors };
      let streetAddress: string | null = null;
      if (campaign.ask_address === 1) {
        const street = typeof body.street_address === 'string' ? body.street_address.trim() : '';
        if (!street) allErrors.street_address = { key: 'letter.error.street_address' };
        else if (!isCleanText(street)) allErrors.street_address = { key: 'form.error.invalid_text', values: { field: 'letter.street_address' } };
        else if (!hasVisibleText(street)) allErrors.street_address = { key: 'form.error.invisible', values: { field: 'letter.street_address' } };
        else if (street.length > STREET_MAX) allErrors.street_address = { key: 'form.error.too_long', values: { field: 'letter.street_address', max: STREET_MAX } };
        else streetAddress = street;
      }
      // A supporter with no one to write to hears it now, before anything is written.
      if (Object.keys(allErrors).length === 0 && matchTargets(campaign.target_mode, campaign.targets, person).targets.length === 0) {
        allErrors.postal_code = noTargetError(campaign, person.postalCode, person.country);
      }
      const source = cleanSource(request.query.source ?? body.source);
      const optIn = body.opt_in === 'yes' || body.opt_in === 'on' || body.opt_in === 'true';
      const shareWith = validShares(body.share, campaign.partners, (id) => request.t('form.share', { org: campaign.partners.find((p) => p.id === id)!.name }));
      if (Object.keys(allErrors).length > 0) {
        const values: LetterFormValues = {
          given_name: str(body.given_name), family_name: str(body.family_name), email: str(body.email), postal_code: str(body.postal_code),
          country: str(body.country), street_address: str(body.street_address), subject: str(body.subject), body: str(body.body),
          opt_in: optIn, share: shareWith.map((s) => s.id), source: source ?? undefined,
        };
        return form(request, reply, campaign, values, allErrors, 422);
      }
      const guard = await guardSubmission(ctx, request, reply, guarded(campaign), person.email);
      if (!guard) return reply;
      let fallback: string | null = null;
      try {
        const result = await ctx.committer.submit(
          (uow) =>
            writeLetter(uow, campaign, {
              person, streetAddress, subject: letter.subject, body: letter.body, optIn,
              optInWording: translator(request.lang)('form.opt_in', { org: campaign.organization_name }),
              language: request.lang, referral: { source, referrer: referringSite(request) }, shareWith,
            }),
          { sideBySide: true },
        );
        if (result.fallback) fallback = result.targets.map(targetLabel).join(', ');
      } catch (error) {
        if (error instanceof CampaignClosedError) return closed();
        if (error instanceof NoTargetError) return form(request, reply, campaign, {}, { postal_code: noTargetError(campaign, person.postalCode, person.country) }, 422);
        throw error;
      }
      return reply.redirect(`/letters/${campaign.slug}/thanks${fallback ? '?to=fallback' : ''}`, 303);
    });

    // The link preview's picture (src/kits/pages/share-image.ts): kept by what it shows.
    app.get<{ Params: { slug: string } }>('/letters/:slug/share.png', async (request, reply) => {
      const campaign = await cache.get(request.params.slug);
      if (!campaign) return notFound(request, reply);
      return sendShareImage(request, reply, campaignShareCard(pageContext(request), campaign));
    });

    app.get<{ Params: { slug: string }; Querystring: Record<string, unknown> }>('/letters/:slug/thanks', async (request, reply) => {
      const campaign = await cache.get(request.params.slug);
      if (!campaign) return notFound(request, reply);
      const fallbackTargets = campaign.targets.filter((t) => t.kind === 'fallback');
      const fallback = request.query.to === 'fallback' && fallbackTargets.length > 0 ? fallbackTargets.map(targetLabel).join(', ') : null;
      reply.header('cache-control', 'no-store');
      return sendPage(reply, ThanksPage({ page: pageContext(request), campaign, url: `${ctx.config.baseUrl}/letters/${campaign.slug}`, fallback }));
    });
  };
}

function noTargetError(campaign: CachedCampaign, postalCode: string, country: string): FieldError {
  const states = statesCovered(campaign.targets).join(', ') || '—';
  if (country === 'US') return { key: 'letter.error.no_target', values: { zip: postalCode, states } };
  return { key: 'letter.error.no_target_abroad', values: { states } };
}
