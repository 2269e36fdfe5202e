import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import type { Petition } from '../tables.ts';
import { audit } from '../../accounts/service.ts';
import * as repo from '../repository.ts';
import { busiestSenders, invalidationsOf } from '../invalidation-repository.ts';
import { invalidateSignatures, previewInvalidation, undoInvalidation, type InvalidationCriteria, type InvalidationPreview } from '../invalidation.ts';
import { petitionCache } from '../public-cache.ts';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { challengeGate, isChallengeMode } from '../../kits/pages/challenge.ts';
import { isCleanText } from '../../actions/people/normalize.ts';
import { nowIso } from '../../util/ids.ts';
import { PetitionNotFoundPage } from './pages.tsx';
import { AbusePage, type CriteriaErrors, type CriteriaForm } from './abuse-pages.tsx';
import { DATE_TIME_HINT } from '../../kits/console/format.ts';

type Body = Record<string, unknown>;
type IdParams = { Params: { id: string } };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d{1,3})?)?Z?$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;
const CLIENT_KEY = /^[A-Za-z0-9_-]{16}$/;

const NOTICES: Record<string, string> = {
  challenge: 'Saved: the sign form follows the new challenge setting now (other web processes within 2 seconds).',
  invalidated: 'Invalidated: those signatures are out of the count, the exports and the partners’ counts.',
  undone: 'Undone: the signatures are back in the count.',
  already: 'That invalidation was undone already.',
};

const field = (body: Body | undefined, name: string) => (typeof body?.[name] === 'string' ? (body[name] as string).trim() : '');

export function readCriteriaForm(body: Body | undefined): CriteriaForm {
  return {
    from: field(body, 'from'),
    before: field(body, 'before'),
    source: field(body, 'source'),
    email_domain: field(body, 'email_domain').toLowerCase().replace(/^@/, ''),
    client_key: field(body, 'client_key'),
  };
}

/** The form's choice as criteria, or what is wrong with it. At least one part must be chosen. */
export function checkCriteria(form: CriteriaForm): { errors: CriteriaErrors; criteria?: InvalidationCriteria } {
  const errors: CriteriaErrors = {};
  const time = (name: 'from' | 'before') => {
    const value = form[name];
    if (!value) return undefined;
    const m = TIME.exec(value);
    const iso = m ? `${m[1]}T${m[2]}:00.000Z` : '';
    if (!m || Number.isNaN(Date.parse(iso)) || new Date(iso).toISOString() !== iso) {
      errors[name] = `Enter the time in UTC. ${DATE_TIME_HINT}.`;
      return undefined;
    }
    return iso;
  };
  const from = time('from');
  const before = time('before');
  if (from && before && before <= from) errors.before = '“Signed before” must be after “Signed from”';
  if (form.source.length > 100 || (form.source && !isCleanText(form.source))) errors.source = 'A source code is one line of at most 100 characters';
  if (form.email_domain && !DOMAIN.test(form.email_domain)) errors.email_domain = 'Enter a domain like spam.example, without @ or spaces';
  if (form.client_key && !CLIENT_KEY.test(form.client_key)) errors.client_key = 'A client key is 16 letters, digits, - or _';
  if (Object.keys(errors).length > 0) return { errors };
  const criteria: InvalidationCriteria = {};
  if (from) criteria.from = from;
  if (before) criteria.before = before;
  if (form.source) criteria.source = form.source;
  if (form.email_domain) criteria.email_domain = form.email_domain;
  if (form.client_key) criteria.client_key = form.client_key;
  if (Object.keys(criteria).length === 0) return { errors: { from: 'Choose at least one: a time, a source, an email domain or a client key' } };
  return { errors, criteria };
}

/** A petition's abuse screen: its challenge setting, and bulk invalidation with undo. */
export function petitionAbuseRoutes(ctx: Context) {
  const db = ctx.database.db;
  const find = (request: FastifyRequest<IdParams>) =>
    UUID.test(request.params.id) ? repo.findPetition(db, request.organizer!.organization!.id, request.params.id.toLowerCase()) : Promise.resolve(undefined);
  const notFound = (request: FastifyRequest, reply: FastifyReply) => sendAdmin(reply, <PetitionNotFoundPage page={adminPage(request, reply)} />, 404);

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    petition: Petition,
    o: { form?: CriteriaForm; errors?: CriteriaErrors; reason?: string; preview?: InvalidationPreview; notice?: string },
  ) => {
    const gate = challengeGate(ctx);
    const errors = o.errors ?? {};
    const since = new Date(Date.now() - 86_400_000).toISOString();
    return sendAdmin(
      reply,
      <AbusePage
        page={adminPage(request, reply, o.notice)}
        petition={petition}
        reading={gate.detector.reading(petition.id)}
        active={gate.active(petition.id, petition.challenge)}
        form={o.form ?? readCriteriaForm({})}
        errors={errors}
        reason={o.reason ?? ''}
        preview={o.preview}
        busiest={await busiestSenders(db, ctx.database.dialect, petition.organization_id, petition.id, since)}
        invalidations={await invalidationsOf(db, petition.organization_id, petition.id)}
      />,
      Object.values(errors).some(Boolean) ? 422 : 200,
    );
  };

  return async function (app: FastifyInstance) {
    app.get<IdParams & { Querystring: Record<string, unknown> }>('/petitions/:id/abuse', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const petition = await find(request);
      if (!petition) return notFound(request, reply);
      const notice = typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined;
      if (request.query.preview === undefined) return show(request, reply, petition, { notice });
      const form = readCriteriaForm(request.query);
      const { errors, criteria } = checkCriteria(form);
      if (!criteria) return show(request, reply, petition, { form, errors });
      return show(request, reply, petition, { form, preview: await previewInvalidation(db, petition, criteria) });
    });

    app.post<IdParams & { Body: Body }>('/petitions/:id/challenge', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const petition = await find(request);
      if (!petition) return notFound(request, reply);
      const mode = request.body?.challenge;
      if (!isChallengeMode(mode)) return show(request, reply, petition, { notice: 'Choose off, automatic or always.' });
      if (mode !== petition.challenge) {
        await repo.updatePetition(db, petition.organization_id, petition.id, { challenge: mode, modified_at: nowIso() });
        await audit(db, {
          organizationId: petition.organization_id,
          userId: request.organizer!.session.user_id,
          action: 'petition.changed',
          subject: petition.id,
          details: { changed: ['challenge'], from: { challenge: petition.challenge }, to: { challenge: mode } },
        });
        petitionCache(ctx).forget(petition.slug);
      }
      return reply.redirect(`/admin/petitions/${petition.id}/abuse?notice=challenge`, 303);
    });

    app.post<IdParams & { Body: Body }>('/petitions/:id/invalidations', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const petition = await find(request);
      if (!petition) return notFound(request, reply);
      const form = readCriteriaForm(request.body);
      const reason = field(request.body, 'reason').replace(/\r\n?/g, '\n');
      const { errors, criteria } = checkCriteria(form);
      if (!criteria) return show(request, reply, petition, { form, errors, reason });
      const reasonError = !reason
        ? 'Say why, for your team and the audit log'
        : reason.length > 500
          ? `The reason must be 500 characters or fewer (it has ${reason.length})`
          : !isCleanText(reason, true)
            ? 'The reason must not hold control characters'
            : undefined;
      if (reasonError) return show(request, reply, petition, { form, errors: { reason: reasonError }, reason, preview: await previewInvalidation(db, petition, criteria) });
      await invalidateSignatures(db, petition, criteria, reason, request.organizer!.session.user_id);
      petitionCache(ctx).forget(petition.slug);
      return reply.redirect(`/admin/petitions/${petition.id}/abuse?notice=invalidated#invalidations`, 303);
    });

    app.post<{ Params: { id: string; invalidationId: string } }>(
      '/petitions/:id/invalidations/:invalidationId/undo',
      { config: { permission: 'manage_actions' } },
      async (request, reply) => {
        const petition = await find(request);
        if (!petition || !UUID.test(request.params.invalidationId)) return notFound(request, reply);
        const outcome = await undoInvalidation(db, petition, request.params.invalidationId.toLowerCase(), request.organizer!.session.user_id);
        if (outcome.kind === 'missing') return notFound(request, reply);
        petitionCache(ctx).forget(petition.slug);
        return reply.redirect(`/admin/petitions/${petition.id}/abuse?notice=${outcome.kind}#invalidations`, 303);
      },
    );
  };
}
