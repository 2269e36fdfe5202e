import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import '../messages.ts';
import type { Context } from '../../context.ts';
import { letterCache, type CachedLetter } from '../public-cache.ts';
import { sendCachedPage } from '../../kits/pages/cached-page.ts';
import { pageContext, sendPage, notFound } from '../../kits/pages/page.ts';
import { cleanSource, referringSite } from '../../kits/pages/referral.ts';
import { challengeOn, guardSubmission, type GuardedAction } from '../../kits/pages/form-guard.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { validShares } from '../../actions/partners.ts';
import { isLanguage, translator } from '../../i18n/index.ts';
import { nowIso } from '../../util/ids.ts';
import { checkIndividualSignature, checkOrganizationSignature } from '../fields.ts';
import { organizationKey, parseWebsite } from '../names.ts';
import { findSignature, publicLogo } from '../repository.ts';
import { LOGO_MAX_BYTES, reencodeLogo, type Logo } from '../logo.ts';
import { confirmLetterSignature, holdOf, isClosed, isValidConfirmationToken, LetterClosedError, signLetter } from '../service.ts';
import { ConfirmPage, LetterPage, letterInLanguage, letterShareCard, MessagePage, ThanksPage, type LetterFormValues, type SignMode } from './pages.tsx';
import { sendShareImage } from '../../kits/pages/share-image.ts';

type Body = Record<string, unknown>;
const LOGO_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.png$/;

/** A multipart form's text fields (a repeated name becomes a list) and its logo, read within the upload limits. */
async function readMultipart(request: FastifyRequest): Promise<{ body: Body; logo: Buffer | null; logoTooLarge: boolean }> {
  const body: Body = {};
  let logo: Buffer | null = null;
  let logoTooLarge = false;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        // The file is read to its end (up to the limit) whatever it is, so the fields after it still arrive.
        const bytes = await part.toBuffer();
        if (part.fieldname !== 'logo') continue;
        if (part.file.truncated) logoTooLarge = true;
        else if (bytes.length > 0) logo = bytes;
        continue;
      }
      const value = typeof part.value === 'string' ? part.value : '';
      const had = body[part.fieldname];
      body[part.fieldname] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
    }
  } catch (error) {
    // Past a limit (too many parts or files): its own 413. A body that is not a whole multipart
    // form (cut off, no boundary) is the sender's fault: a 400 page, never a 500.
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status < 500) throw error;
    throw Object.assign(new Error(`unreadable multipart form: ${(error as Error).message}`), { statusCode: 400 });
  }
  return { body, logo, logoTooLarge };
}

const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 5000) : undefined);

export function openLetterRoutes(ctx: Context) {
  return async function (app: FastifyInstance) {
    // Uploads only here: the organization form's logo. Everything past the limits is refused by busboy.
    await app.register(multipart, { limits: { fileSize: LOGO_MAX_BYTES, files: 1, fields: 40, fieldSize: 20_000, parts: 45, headerPairs: 100 }, throwFileSizeLimit: false });
    const cache = letterCache(ctx);
    const signLimit = ctx.config.rateLimits ? { max: 20, timeWindow: '1 minute' } : false;
    // Open letters have no challenge setting of their own: it comes on when a surge looks automated.
    const guarded = (letter: CachedLetter): GuardedAction => ({ id: letter.id, organization_id: letter.organization_id, challenge: 'automatic' });
    const modeOf = (letter: CachedLetter, raw: unknown): SignMode => (raw === 'individual' && letter.allow_individuals === 1 ? 'individual' : 'organization');

    app.get<{ Params: { slug: string }; Querystring: Record<string, unknown> }>('/open_letters/:slug', async (request, reply) => {
      const letter = await cache.get(request.params.slug);
      if (!letter) return notFound(request, reply);
      const source = cleanSource(request.query.source);
      const mode = modeOf(letter, request.query.as);
      const now = nowIso();
      reply.header('cache-control', 'no-cache');
      const challenge = !isClosed(letter, now) && challengeOn(ctx, reply, guarded(letter));
      if (source || challenge) return sendPage(reply, LetterPage({ page: pageContext(request), letter, now, mode, values: { source: source ?? undefined }, errors: {}, challenge }));
      const page = { ...pageContext(request), path: `/open_letters/${letter.slug}${mode === 'individual' ? '?as=individual' : ''}` };
      // The hold can end with time: the cached page carries whether it was held when rendered.
      const variant = `${request.lang}\u0000${mode}\u0000${holdOf(letter, now).held}\u0000${isClosed(letter, now)}`;
      return sendCachedPage(request, reply, cache.page(letter, variant, () => LetterPage({ page, letter, now, mode, values: {}, errors: {} }) as string));
    });

    app.post<{ Params: { slug: string }; Querystring: Record<string, unknown> }>('/open_letters/:slug', { config: { rateLimit: signLimit } }, async (request, reply) => {
      const letter = await cache.get(request.params.slug);
      if (!letter) return notFound(request, reply);
      const upload = request.isMultipart() ? await readMultipart(request) : { body: (request.body && typeof request.body === 'object' ? request.body : {}) as Body, logo: null, logoTooLarge: false };
      const { body } = upload;
      if (isLanguage(body.lang)) {
        request.lang = body.lang;
        request.t = translator(body.lang);
      }
      const page = pageContext(request);
      const now = nowIso();
      if (isClosed(letter, now)) return closedPage(request, reply, letter);
      const mode = modeOf(letter, body.kind);
      const source = cleanSource(request.query.source ?? body.source);
      const optIn = body.opt_in === 'yes' || body.opt_in === 'on' || body.opt_in === 'true';
      const shareWith = validShares(body.share, letter.partners, (id) => request.t('form.share', { org: letter.partners.find((p) => p.id === id)!.name }));
      let errors: FieldErrors;
      let signing;
      let logo: Logo | null = null;
      if (mode === 'organization') {
        const checked = checkOrganizationSignature(body);
        errors = checked.errors;
        if (upload.logoTooLarge) errors.logo = { key: 'openletter.error.logo_too_large' };
        else if (upload.logo) {
          const result = await reencodeLogo(upload.logo);
          if ('problem' in result) errors.logo = { key: `openletter.error.logo_${result.problem}` };
          else logo = result;
        }
        const o = checked.organization;
        // An organization already on the public list is said to be there; while names are held, nothing is said.
        if (!errors.org_name && !holdOf(letter, now).held) {
          const listed = letter.organizations.find((x) => (o.domain !== null && x.org_website !== null && sameDomain(x, o.domain)) || keyOf(x) === o.key);
          if (listed) errors.org_name = { key: 'openletter.error.already_listed', values: { name: listed.org_name ?? o.name } };
        }
        signing = { person: checked.person, organization: o, logo };
      } else {
        const checked = checkIndividualSignature(body);
        errors = checked.errors;
        signing = { person: checked.person };
      }
      if (Object.keys(errors).length > 0) {
        const values: LetterFormValues = {
          org_name: str(body.org_name), website: str(body.website), city: str(body.city), region: str(body.region), country: str(body.country),
          given_name: str(body.given_name), family_name: str(body.family_name), email: str(body.email), postal_code: str(body.postal_code),
          signer_role: str(body.signer_role), show_signer: body.show_signer === 'yes', opt_in: optIn, share: shareWith.map((s) => s.id), source: source ?? undefined,
        };
        return sendPage(reply, LetterPage({ page, letter, now, mode, values, errors, challenge: challengeOn(ctx, reply, guarded(letter)) }), 422);
      }
      // The guard reads the challenge's answer from the body, which a multipart form gives here.
      request.body = body;
      const guard = await guardSubmission(ctx, request, reply, guarded(letter), signing.person.email);
      if (!guard) return reply;
      try {
        await ctx.committer.submit(
          (uow) =>
            signLetter(uow, letter, {
              ...signing,
              optIn,
              optInWording: translator(request.lang)('form.opt_in', { org: letter.organization_name }),
              language: request.lang,
              referral: { source, referrer: referringSite(request) },
              shareWith,
              clientKey: guard.clientKey,
            }),
          { sideBySide: true },
        );
      } catch (error) {
        if (error instanceof LetterClosedError) return closedPage(request, reply, letter);
        throw error;
      }
      return reply.redirect(`/open_letters/${letter.slug}/thanks${mode === 'individual' ? '?as=individual' : ''}`, 303);
    });

    // The link preview's picture (src/kits/pages/share-image.ts): kept by what it shows.
    app.get<{ Params: { slug: string } }>('/open_letters/:slug/share.png', async (request, reply) => {
      const letter = await cache.get(request.params.slug);
      if (!letter) return notFound(request, reply);
      return sendShareImage(request, reply, letterShareCard(pageContext(request), letter, nowIso()));
    });

    app.get<{ Params: { slug: string }; Querystring: { as?: string } }>('/open_letters/:slug/thanks', async (request, reply) => {
      const letter = await cache.get(request.params.slug);
      if (!letter) return notFound(request, reply);
      const mode = modeOf(letter, request.query.as);
      const page = { ...pageContext(request), path: `/open_letters/${letter.slug}/thanks${mode === 'individual' ? '?as=individual' : ''}` };
      return sendPage(reply.header('cache-control', 'no-store'), ThanksPage({ page, letter, mode, url: `${ctx.config.baseUrl}/open_letters/${letter.slug}`, now: nowIso() }));
    });

    // Logos of organizations on the public list only, as PNG bytes that the browser may not run or frame.
    app.get<{ Params: { slug: string; file: string } }>('/open_letters/:slug/logos/:file', async (request, reply) => {
      const letter = await cache.get(request.params.slug);
      const m = LOGO_FILE.exec(request.params.file);
      if (!letter || !m || holdOf(letter, nowIso()).held) return notFound(request, reply);
      const logo = await publicLogoOf(ctx, letter.id, m[1]!);
      if (!logo) return notFound(request, reply);
      return reply
        .type('image/png')
        .header('content-security-policy', "default-src 'none'")
        .header('cache-control', 'public, max-age=300')
        .header('content-disposition', 'inline; filename="logo.png"')
        .send(logo.bytes);
    });

    const confirmPath = '/open_letters/:slug/confirm/:signatureId/:token';
    type ConfirmParams = { Params: { slug: string; signatureId: string; token: string } };
    const invalid = (request: FastifyRequest, reply: FastifyReply, slug: string) =>
      sendPage(reply, MessagePage({ page: pageContext(request), title: request.t('openletter.confirm.invalid_title'), body: request.t('openletter.confirm.invalid_body'), back: `/open_letters/${slug}` }), 404);

    // The emailed link only shows a button: mail scanners open links and must not confirm.
    app.get<ConfirmParams>(confirmPath, async (request, reply) => {
      const { slug, signatureId, token } = request.params;
      const letter = await cache.get(slug);
      if (!letter) return notFound(request, reply);
      reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
      if (!isValidConfirmationToken(ctx.config.secretKey, signatureId, token)) return invalid(request, reply, slug);
      return sendPage(reply, ConfirmPage({ page: pageContext(request), letter, action: `/open_letters/${slug}/confirm/${signatureId}/${token}` }));
    });

    app.post<ConfirmParams & { Body: Body }>(confirmPath, { config: { rateLimit: signLimit } }, async (request, reply) => {
      const { slug, signatureId, token } = request.params;
      const letter = await cache.get(slug);
      if (!letter) return notFound(request, reply);
      if (isLanguage(request.body?.lang)) {
        request.lang = request.body.lang;
        request.t = translator(request.body.lang);
      }
      if (!isValidConfirmationToken(ctx.config.secretKey, signatureId, token)) return invalid(request, reply, slug);
      // Read-then-write of one row: alone in its transaction.
      const outcome = await ctx.committer.submit((uow) => confirmLetterSignature(uow, letter.id, signatureId));
      if (outcome === 'invalid') return invalid(request, reply, slug);
      cache.forget(slug);
      const page = pageContext(request);
      const t = request.t;
      const back = `/open_letters/${slug}`;
      const { title } = letterInLanguage(page, letter);
      if (outcome === 'already') return sendPage(reply, MessagePage({ page, title: t('openletter.confirm.used_title'), body: t('openletter.confirm.used_body', { title }), back }));
      const org = (await orgNameOf(ctx, signatureId)) ?? '';
      const body =
        outcome === 'person'
          ? t('openletter.confirm.done_person', { title })
          : outcome === 'live'
            ? t('openletter.confirm.done_live', { org, title })
            : t('openletter.confirm.done_review', { org, title });
      return sendPage(reply, MessagePage({ page, title: t('openletter.confirm.done_title'), body, back }));
    });
  };

  function closedPage(request: FastifyRequest, reply: FastifyReply, letter: CachedLetter) {
    const page = pageContext(request);
    return sendPage(reply, MessagePage({ page, title: letterInLanguage(page, letter).title, body: request.t('openletter.closed'), back: `/open_letters/${letter.slug}` }), 409);
  }
}


const keyOf = (o: { org_name: string | null }) => organizationKey(o.org_name ?? '');
const sameDomain = (o: { org_website: string | null }, domain: string) => parseWebsite(o.org_website ?? '')?.domain === domain;
const publicLogoOf = (ctx: Context, letterId: string, logoId: string) => publicLogo(ctx.database.db, letterId, logoId);
const orgNameOf = async (ctx: Context, signatureId: string) => (await findSignature(ctx.database.db, signatureId))?.org_name ?? null;
