import type { FastifyInstance } from 'fastify';
import '../messages.ts';
import { petitionCache } from '../public-cache.ts';
import { sendCachedPage } from '../../kits/pages/cached-page.ts';
import type { Context } from '../../context.ts';
import { pageContext, sendPage, notFound } from '../../kits/pages/page.ts';
import { cleanSource, referringSite } from '../../kits/pages/referral.ts';
import { validatePerson, LIMITS, type FieldErrors } from '../../actions/people/validate.ts';
import { isCleanText } from '../../actions/people/normalize.ts';
import { ConfirmPage, MessagePage, PetitionPage, petitionInLanguage, petitionShareCard, ThanksPage, type SignFormValues } from './pages.tsx';
import { confirmPetitionSignature, isPetitionClosed, isValidConfirmationToken, PetitionClosedError, signPetition } from '../service.ts';
import { sendShareImage } from '../../kits/pages/share-image.ts';
import { currentGoal } from '../goal.ts';
import { validShares } from '../../actions/partners.ts';
import { isLanguage, translator } from '../../i18n/index.ts';
import { challengeOn, guardSubmission } from '../../kits/pages/form-guard.ts';

type SignBody = Record<string, unknown>;

export function petitionRoutes(ctx: Context) {
  return async function (app: FastifyInstance) {
    const cache = petitionCache(ctx);
    const signLimit = ctx.config.rateLimits ? { max: 20, timeWindow: '1 minute' } : false;

    app.get<{ Params: { slug: string }; Querystring: Record<string, unknown> }>('/petitions/:slug', async (request, reply) => {
      const { slug } = request.params;
      if (slug.endsWith('.json')) {
        const petition = await cache.get(slug.slice(0, -'.json'.length));
        if (!petition) return reply.code(404).send({ error: 'Not found' });
        return reply.header('cache-control', 'public, max-age=5').send({
          title: petition.title,
          count: petition.signature_count,
          goal: currentGoal(petition.signature_count, petition.goal),
          status: isPetitionClosed(petition) ? 'closed' : petition.status,
          closes_at: petition.closes_at,
        });
      }
      const petition = await cache.get(slug);
      if (!petition) return notFound(request, reply);
      const page = pageContext(request);
      const source = cleanSource(request.query.source);
      reply.header('cache-control', 'no-cache');
      // The proof-of-work challenge, when a surge looks automated or the organizer asked for it always.
      const challenge = !isPetitionClosed(petition) && challengeOn(ctx, reply, petition);
      // Pages with a source code are rendered each time: there are too many codes to cache.
      if (source) return sendPage(reply, PetitionPage({ page, petition, values: { source }, errors: {}, challenge }));
      // A cached page is shared by every visitor, so its links are built from the bare path,
      // never from this visitor's query string (which can carry tracking or private codes).
      const html = cache.page(petition, challenge ? `${request.lang}\u0000challenge` : request.lang, () =>
        PetitionPage({ page: { ...page, path: `/petitions/${petition.slug}` }, petition, values: {}, errors: {}, challenge }) as string,
      );
      return sendCachedPage(request, reply, html);
    });

    // The link preview's picture (src/kits/pages/share-image.ts): kept by what it shows.
    app.get<{ Params: { slug: string } }>('/petitions/:slug/share.png', async (request, reply) => {
      const petition = await cache.get(request.params.slug);
      if (!petition) return notFound(request, reply);
      return sendShareImage(request, reply, petitionShareCard(pageContext(request), petition));
    });

    app.post<{ Params: { slug: string }; Querystring: Record<string, unknown>; Body: SignBody }>(
      '/petitions/:slug',
      { config: { rateLimit: signLimit } },
      async (request, reply) => {
        const petition = await cache.get(request.params.slug);
        if (!petition) return notFound(request, reply);
        const body: SignBody = request.body && typeof request.body === 'object' ? request.body : {};
        // The form carries the language it was shown in, for browsers that keep no cookie.
        if (isLanguage(body.lang)) {
          request.lang = body.lang;
          request.t = translator(body.lang);
        }
        const { person, errors } = validatePerson(body);
        const comments = typeof body.comments === 'string' ? body.comments.trim() : '';
        const commentErrors: FieldErrors = {};
        if (comments && !isCleanText(comments, true)) commentErrors.comments = { key: 'form.error.invalid_text', values: { field: 'field.comments' } };
        else if (comments.length > LIMITS.comments) commentErrors.comments = { key: 'form.error.too_long', values: { field: 'field.comments', max: LIMITS.comments } };
        const allErrors = { ...errors, ...commentErrors };
        const source = cleanSource(request.query.source ?? body.source);
        const optIn = body.opt_in === 'yes' || body.opt_in === 'on' || body.opt_in === 'true';
        const shareWith = validShares(body.share, petition.partners, (id) =>
          request.t('form.share', { org: petition.partners.find((p) => p.id === id)!.name }),
        );
        const page = pageContext(request);
        const closed = () => sendPage(reply, MessagePage({ page, title: petitionInLanguage(page, petition).title, body: request.t('petition.closed'), back: `/petitions/${petition.slug}` }), 409);
        if (Object.keys(allErrors).length > 0) {
          const values: SignFormValues = {
            given_name: str(body.given_name),
            family_name: str(body.family_name),
            email: str(body.email),
            postal_code: str(body.postal_code),
            country: str(body.country),
            comments: str(body.comments),
            opt_in: optIn,
            share: shareWith.map((x) => x.id),
            source: source ?? undefined,
          };
          const challenge = challengeOn(ctx, reply, petition);
          return sendPage(reply, PetitionPage({ page, petition, values, errors: allErrors, challenge }), 422);
        }
        if (isPetitionClosed(petition)) return closed();
        // Block lists, the surge detector and the challenge, all in memory (src/kits/pages/form-guard.ts).
        const guard = await guardSubmission(ctx, request, reply, petition, person.email);
        if (!guard) return reply;
        try {
          await ctx.committer.submit((uow) =>
            signPetition(uow, petition, {
              person,
              comments: comments || null,
              optIn,
              optInWording: translator(request.lang)('form.opt_in', { org: petition.organization_name }),
              language: request.lang,
              referral: { source, referrer: referringSite(request) },
              shareWith,
              clientKey: guard.clientKey,
            }),
            { sideBySide: true },
          );
        } catch (error) {
          if (error instanceof PetitionClosedError) return closed();
          throw error;
        }
        return reply.redirect(`/petitions/${petition.slug}/thanks`, 303);
      },
    );

    app.get<{ Params: { slug: string } }>('/petitions/:slug/thanks', async (request, reply) => {
      const petition = await cache.get(request.params.slug);
      if (!petition) return notFound(request, reply);
      const url = `${ctx.config.baseUrl}/petitions/${petition.slug}`;
      const page = { ...pageContext(request), path: `/petitions/${petition.slug}/thanks` };
      const html = cache.page(petition, `thanks\u0000${request.lang}`, () =>
        ThanksPage({ page, petition, url, confirm: petition.confirmation_required === 1 }) as string,
      );
      return sendCachedPage(request, reply.header('cache-control', 'no-store'), html);
    });

    const confirmPath = '/petitions/:slug/confirm/:signatureId/:token';
    type ConfirmParams = { Params: { slug: string; signatureId: string; token: string } };

    // The link in the email only shows a button: mail scanners open every link, and must not confirm.
    app.get<ConfirmParams>(confirmPath, async (request, reply) => {
      const { slug, signatureId, token } = request.params;
      const petition = await cache.get(slug);
      if (!petition) return notFound(request, reply);
      const page = pageContext(request);
      reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
      if (!isValidConfirmationToken(ctx.config.secretKey, signatureId, token)) {
        return sendPage(reply, MessagePage({ page, title: request.t('confirm.invalid_title'), body: request.t('confirm.invalid_body'), back: `/petitions/${slug}` }), 404);
      }
      return sendPage(reply, ConfirmPage({ page, petition, action: `/petitions/${slug}/confirm/${signatureId}/${token}` }));
    });

    app.post<ConfirmParams>(confirmPath, { config: { rateLimit: signLimit } }, async (request, reply) => {
      const { slug, signatureId, token } = request.params;
      const petition = await cache.get(slug);
      if (!petition) return notFound(request, reply);
      const page = pageContext(request);
      const valid = isValidConfirmationToken(ctx.config.secretKey, signatureId, token);
      const outcome = valid ? await ctx.committer.submit((uow) => confirmPetitionSignature(uow, petition.id, signatureId)) : 'invalid';
      if (outcome === 'invalid') {
        return sendPage(reply, MessagePage({ page, title: request.t('confirm.invalid_title'), body: request.t('confirm.invalid_body'), back: `/petitions/${slug}` }), 404);
      }
      return sendPage(reply, MessagePage({ page, title: request.t('confirm.done_title'), body: request.t('confirm.done_body', { title: petitionInLanguage(page, petition).title }), back: `/petitions/${slug}` }));
    });
  };
}

/** A page from the read cache, already encoded. */
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v.slice(0, 5000) : undefined;
}
