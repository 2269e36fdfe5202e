import type { FastifyInstance } from 'fastify';
import '../messages.ts';
import { formCache } from '../public-cache.ts';
import { sendCachedPage } from '../../kits/pages/cached-page.ts';
import type { Context } from '../../context.ts';
import { pageContext, sendPage, notFound } from '../../kits/pages/page.ts';
import { cleanSource, referringSite } from '../../kits/pages/referral.ts';
import { validatePerson } from '../../actions/people/validate.ts';
import { isLanguage, translator } from '../../i18n/index.ts';
import { challengeOn, guardSubmission } from '../../kits/pages/form-guard.ts';
import { ClosedPage, FormPage, formShareCard, ThanksPage } from './pages.tsx';
import { sendShareImage } from '../../kits/pages/share-image.ts';
import type { FormValues } from './form-fields.tsx';
import { FormClosedError, submitForm } from '../service.ts';
import { checkAnswers, QUESTION_LIMITS, type Answer } from '../questions.ts';

type Body = Record<string, unknown>;

/** What the supporter sent for a question, as they sent it, capped, to show back on the page. */
function keptAnswer(v: unknown): Answer | undefined {
  if (typeof v === 'string') return v.slice(0, QUESTION_LIMITS.longAnswer + 1);
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').slice(0, QUESTION_LIMITS.options).map((x) => x.slice(0, QUESTION_LIMITS.option));
  return undefined;
}

const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 500) : undefined);

export function formRoutes(ctx: Context) {
  return async function (app: FastifyInstance) {
    const cache = formCache(ctx);
    const submitLimit = ctx.config.rateLimits ? { max: 20, timeWindow: '1 minute' } : false;

    app.get<{ Params: { slug: string }; Querystring: Record<string, unknown> }>('/forms/:slug', async (request, reply) => {
      const form = await cache.get(request.params.slug);
      if (!form) return notFound(request, reply);
      const page = pageContext(request);
      const source = cleanSource(request.query.source);
      reply.header('cache-control', 'no-cache');
      const challenge = form.status === 'open' && challengeOn(ctx, reply, form);
      if (source) return sendPage(reply, FormPage({ page, form, values: { source }, errors: {}, challenge }));
      // A cached page is shared by every visitor: its links are built from the bare path.
      const html = cache.page(form, challenge ? `${request.lang}\u0000challenge` : request.lang, () =>
        FormPage({ page: { ...page, path: `/forms/${form.slug}` }, form, values: {}, errors: {}, challenge }) as string,
      );
      return sendCachedPage(request, reply, html);
    });

    app.post<{ Params: { slug: string }; Querystring: Record<string, unknown>; Body: Body }>('/forms/:slug', { config: { rateLimit: submitLimit } }, async (request, reply) => {
      const form = await cache.get(request.params.slug);
      if (!form) return notFound(request, reply);
      const body: Body = request.body && typeof request.body === 'object' ? request.body : {};
      // The form carries the language it was shown in, for browsers that keep no cookie.
      if (isLanguage(body.lang)) {
        request.lang = body.lang;
        request.t = translator(body.lang);
      }
      const page = pageContext(request);
      const closed = () => sendPage(reply, ClosedPage({ page, form }), 409);
      if (form.status !== 'open') return closed();
      const { person, errors } = validatePerson(body);
      // Only this form's questions are read: a field for a question since removed is left aside.
      const { answers, errors: answerErrors } = checkAnswers(form.questions, (q) => body[`q_${q.id}`], request.lang);
      const allErrors = { ...errors, ...answerErrors };
      const source = cleanSource(request.query.source ?? body.source);
      const optIn = body.opt_in === 'yes' || body.opt_in === 'on' || body.opt_in === 'true';
      if (Object.keys(allErrors).length > 0) {
        const values: FormValues = {
          given_name: str(body.given_name),
          family_name: str(body.family_name),
          email: str(body.email),
          postal_code: str(body.postal_code),
          opt_in: optIn,
          answers: Object.fromEntries(form.questions.flatMap((q) => {
            const kept = keptAnswer(body[`q_${q.id}`]);
            return kept === undefined ? [] : [[q.id, kept]];
          })),
          source: source ?? undefined,
        };
        return sendPage(reply, FormPage({ page, form, values, errors: allErrors, challenge: challengeOn(ctx, reply, form) }), 422);
      }
      // Block lists, the surge detector and the challenge, all in memory (src/kits/pages/form-guard.ts).
      const guard = await guardSubmission(ctx, request, reply, form, person.email);
      if (!guard) return reply;
      try {
        await ctx.committer.submit(
          (uow) =>
            submitForm(uow, { id: form.id, organization_id: form.organization_id, status: form.status, questions: form.questions_json }, {
              person,
              answers,
              optIn,
              optInWording: translator(request.lang)('form.opt_in', { org: form.organization_name }),
              language: request.lang,
              referral: { source, referrer: referringSite(request) },
              clientKey: guard.clientKey,
            }),
          { sideBySide: true },
        );
      } catch (error) {
        if (error instanceof FormClosedError) return closed();
        throw error;
      }
      return reply.redirect(`/forms/${form.slug}/thanks`, 303);
    });

    // The link preview's picture (src/kits/pages/share-image.ts): kept by what it shows.
    app.get<{ Params: { slug: string } }>('/forms/:slug/share.png', async (request, reply) => {
      const form = await cache.get(request.params.slug);
      if (!form) return notFound(request, reply);
      return sendShareImage(request, reply, formShareCard(pageContext(request), form));
    });

    app.get<{ Params: { slug: string } }>('/forms/:slug/thanks', async (request, reply) => {
      const form = await cache.get(request.params.slug);
      if (!form) return notFound(request, reply);
      const url = `${ctx.config.baseUrl}/forms/${form.slug}`;
      const page = { ...pageContext(request), path: `/forms/${form.slug}/thanks` };
      const html = cache.page(form, `thanks\u0000${request.lang}`, () => ThanksPage({ page, form, url }) as string);
      return sendCachedPage(request, reply.header('cache-control', 'no-store'), html);
    });
  };
}
