import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import { can } from '../../accounts/policy.ts';
import { audit } from '../../accounts/service.ts';
import { nowIso, newId } from '../../util/ids.ts';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { deleteDelivery, deliveriesOf, insertDelivery } from '../../kits/delivery/repository.ts';
import { readDeliveryForm, type DeliveryForm, type DeliveryFormErrors } from '../../kits/delivery/record.tsx';
import { spoolToFile } from '../../kits/delivery/spool.ts';
import { letterCache } from '../public-cache.ts';
import * as repo from '../repository.ts';
import { checkLetter, type LetterErrors } from '../fields.ts';
import { duplicatePairs } from '../names.ts';
import { createLetter, groupsOf, holdOf, setLetterStatus, spanishGroupsOf, targetsOf, updateLetter } from '../service.ts';
import type { OpenLetter } from '../tables.ts';
import { LetterFormPage, LetterNotFoundPage, LettersListPage, type LetterForm } from './pages.tsx';
import { LetterDetailPage } from './detail-page.tsx';
import { ConfirmPage, confirmed } from '../../kits/console/confirm.tsx';

type Body = Record<string, unknown>;
type IdParams = { Params: { id: string } };

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FORM_BODY_LIMIT = 512 * 1024;

/** Notices after a redirect, by key, so a link cannot make the console say anything else. */
export const NOTICES: Record<string, string> = {
  created: 'Open letter created. It is on its public page now.',
  saved: 'Changes saved.',
  unchanged: 'Nothing was changed.',
  opened: 'The letter is open: organizations can sign it.',
  closed: 'The letter is closed: its page shows the signatories without the form.',
  approved: 'Approved: the organization is on the list.',
  rejected: 'Rejected: the organization is not on the list. The reason is kept.',
  pending: 'Back to review.',
  merged: 'Merged: the duplicate is hidden from the list and kept on record.',
  placed: 'The organization’s place on the list is saved.',
  trusted: 'Trusted: its next signatures on your letters go live once its signer confirms.',
  untrusted: 'No longer trusted.',
  delivered: 'Delivery recorded.',
  undelivered: 'Delivery record removed.',
};

const text = (body: Body | undefined, name: string) => {
  const v = body?.[name];
  return typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim() : '';
};

export function readLetterForm(body: Body | undefined): LetterForm {
  return {
    title: text(body, 'title'),
    slug: text(body, 'slug').toLowerCase(),
    description: text(body, 'description'),
    letter_text: text(body, 'letter_text'),
    title_es: text(body, 'title_es'),
    description_es: text(body, 'description_es'),
    letter_text_es: text(body, 'letter_text_es'),
    groups_es: text(body, 'groups_es'),
    targets: text(body, 'targets'),
    status: text(body, 'status'),
    deadline: text(body, 'deadline'),
    allow_individuals: body?.allow_individuals === 'yes',
    hold_until_count: text(body, 'hold_until_count'),
    hold_until_date: text(body, 'hold_until_date'),
    list_order: text(body, 'list_order'),
    featured_first: body?.featured_first === 'yes',
    groups: text(body, 'groups'),
  };
}

const time = (iso: string | null) => (iso ? iso.slice(0, 16) : '');

export function letterFormOf(l: OpenLetter): LetterForm {
  return {
    title: l.title,
    slug: l.slug,
    description: l.description,
    letter_text: l.letter_text,
    title_es: l.title_es ?? '',
    description_es: l.description_es ?? '',
    letter_text_es: l.letter_text_es ?? '',
    groups_es: (spanishGroupsOf(l) ?? []).join('\n'),
    targets: targetsOf(l).map((t) => t.name).join('\n'),
    status: l.status,
    deadline: time(l.deadline),
    allow_individuals: l.allow_individuals === 1,
    hold_until_count: l.hold_until_count === null ? '' : String(l.hold_until_count),
    hold_until_date: time(l.hold_until_date),
    list_order: l.list_order,
    featured_first: l.featured_first === 1,
    groups: groupsOf(l).join('\n'),
  };
}

const lines = (s: string) => s.split('\n').map((x) => x.trim()).filter(Boolean);

export function checkLetterForm(form: LetterForm, current?: OpenLetter) {
  return checkLetter(
    {
      title: form.title, slug: form.slug, description: form.description, letterText: form.letter_text, targets: lines(form.targets), status: form.status,
      deadline: form.deadline, allowIndividuals: form.allow_individuals, holdUntilCount: form.hold_until_count, holdUntilDate: form.hold_until_date,
      listOrder: form.list_order, featuredFirst: form.featured_first, groups: lines(form.groups),
      // The form always carries the Spanish fields: an empty one removes that version.
      titleEs: form.title_es, descriptionEs: form.description_es, letterTextEs: form.letter_text_es, groupsEs: lines(form.groups_es),
    },
    current,
  );
}

/** The organization's letter for a URL id; another organization's is missing, like a wrong id. */
export const findFor = (ctx: Context, request: FastifyRequest<IdParams>) =>
  UUID.test(request.params.id) ? repo.findLetter(ctx.database.db, request.organizer!.organization!.id, request.params.id.toLowerCase()) : Promise.resolve(undefined);

export const letterNotFound = (request: FastifyRequest, reply: FastifyReply) => sendAdmin(reply, <LetterNotFoundPage page={adminPage(request, reply)} />, 404);

/** The letter's page in the console, with a notice or a delivery form sent back with its errors. */
export async function showLetter(ctx: Context, request: FastifyRequest, reply: FastifyReply, letter: OpenLetter, o: { notice?: string; delivery?: { form: DeliveryForm; errors: DeliveryFormErrors } } = {}) {
  const db = ctx.database.db;
  const org = request.organizer!.organization!;
  const seePeople = can(org.role, 'see_people');
  const [rows, deliveries] = await Promise.all([repo.signaturesForConsole(db, org.id, letter.id), deliveriesOf(db, org.id, 'open_letter', letter.id)]);
  const signatures = rows.map((r) => (seePeople ? r : { ...r, email: null, given_name: null, family_name: null }));
  const candidates = rows.filter((r) => r.kind === 'organization' && r.status !== 'merged' && r.status !== 'rejected');
  const ids = new Map(signatures.map((s) => [s.id, s]));
  const duplicates = duplicatePairs(candidates).map((p) => ({ first: ids.get(p.first.id)!, second: ids.get(p.second.id)!, by: p.by }));
  return sendAdmin(
    reply,
    <LetterDetailPage
      page={adminPage(request, reply, o.notice)}
      letter={letter}
      targets={targetsOf(letter)}
      groups={groupsOf(letter)}
      held={holdOf(letter, nowIso()).held}
      signatures={signatures}
      duplicates={duplicates}
      deliveries={deliveries}
      delivery={o.delivery}
      can={{ manage: can(org.role, 'manage_actions'), export: can(org.role, 'export_data'), seePeople }}
    />,
    o.delivery ? 422 : 200,
  );
}

/** The console's open letters: list, create, edit, open and close, the delivery record and downloads. */
export function openLettersConsoleRoutes(ctx: Context) {
  const db = ctx.database.db;

  const showForm = (request: FastifyRequest, reply: FastifyReply, o: { letter?: OpenLetter; form: LetterForm; errors?: LetterErrors; preview?: boolean }) => {
    const errors = o.errors ?? {};
    return sendAdmin(reply, <LetterFormPage page={adminPage(request, reply)} letter={o.letter} form={o.form} errors={errors} preview={o.preview ?? false} />, Object.keys(errors).length > 0 ? 422 : 200);
  };

  const check = async (form: LetterForm, current?: OpenLetter) => {
    const result = checkLetterForm(form, current);
    const slug = result.fields?.slug;
    if (slug && slug !== current?.slug && (await repo.slugExists(db, slug))) return { errors: { slug: `The web address /open_letters/${slug} is already used by another letter: choose another` } };
    return result;
  };

  const auditAs = (request: FastifyRequest, action: string, subject: string, details: Record<string, unknown>) =>
    audit(db, { organizationId: request.organizer!.organization!.id, userId: request.organizer!.session.user_id, action, subject, details });

  return async function (app: FastifyInstance) {
    app.get('/open_letters', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      return sendAdmin(reply, <LettersListPage page={adminPage(request, reply)} letters={await repo.lettersOf(db, org.id)} canCreate={can(org.role, 'manage_actions')} />);
    });

    app.get('/open_letters/new', { config: { permission: 'manage_actions' } }, async (request, reply) =>
      showForm(request, reply, { form: readLetterForm({ status: 'open', list_order: 'alphabetical' }) }),
    );

    app.post<{ Body: Body }>('/open_letters/new', { config: { permission: 'manage_actions' }, bodyLimit: FORM_BODY_LIMIT }, async (request, reply) => {
      const form = readLetterForm(request.body);
      const { errors, fields } = await check(form);
      if (!fields || request.body?.intent === 'preview') return showForm(request, reply, { form, errors, preview: true });
      const letter = await createLetter(db, request.organizer!.organization!.id, fields, nowIso());
      await auditAs(request, 'open_letter.created', letter.id, { title: letter.title, slug: letter.slug, status: letter.status });
      letterCache(ctx).forget(letter.slug);
      return reply.redirect(`/admin/open_letters/${letter.id}?notice=created`, 303);
    });

    app.get<IdParams & { Querystring: Record<string, unknown> }>('/open_letters/:id', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const letter = await findFor(ctx, request);
      if (!letter) return letterNotFound(request, reply);
      const notice = typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined;
      return showLetter(ctx, request, reply, letter, { notice });
    });

    app.get<IdParams>('/open_letters/:id/edit', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const letter = await findFor(ctx, request);
      if (!letter) return letterNotFound(request, reply);
      return showForm(request, reply, { letter, form: letterFormOf(letter) });
    });

    app.post<IdParams & { Body: Body }>('/open_letters/:id/edit', { config: { permission: 'manage_actions' }, bodyLimit: FORM_BODY_LIMIT }, async (request, reply) => {
      const letter = await findFor(ctx, request);
      if (!letter) return letterNotFound(request, reply);
      const form = readLetterForm(request.body);
      const { errors, fields } = await check(form, letter);
      if (!fields || request.body?.intent === 'preview') return showForm(request, reply, { letter, form, errors, preview: true });
      const { letter: updated, changed } = await updateLetter(db, letter, fields, nowIso());
      if (changed.length > 0) {
        await auditAs(request, 'open_letter.changed', letter.id, { changed });
        letterCache(ctx).forget(letter.slug);
        letterCache(ctx).forget(updated.slug);
      }
      return reply.redirect(`/admin/open_letters/${letter.id}?notice=${changed.length > 0 ? 'saved' : 'unchanged'}`, 303);
    });

    for (const status of ['open', 'closed'] as const) {
      app.post<IdParams>(`/open_letters/:id/${status === 'open' ? 'open' : 'close'}`, { config: { permission: 'manage_actions' } }, async (request, reply) => {
        const letter = await findFor(ctx, request);
        if (!letter) return letterNotFound(request, reply);
        if (status === 'closed' && letter.status === 'open' && !confirmed(request.body)) {
          return sendAdmin(
            reply,
            <ConfirmPage
              page={adminPage(request, reply)}
              title={`Close “${letter.title}”?`}
              body={['Once it is closed, organizations can no longer sign it; the names already on it stay. You can open it again later.']}
              action={`/admin/open_letters/${letter.id}/close`}
              confirmLabel="Close the letter"
              back={{ href: `/admin/open_letters/${letter.id}`, label: 'Keep it open and go back' }}
            />,
          );
        }
        await setLetterStatus(db, letter, status, nowIso());
        await auditAs(request, 'open_letter.changed', letter.id, { changed: ['status'], to: { status } });
        letterCache(ctx).forget(letter.slug);
        return reply.redirect(`/admin/open_letters/${letter.id}?notice=${status === 'open' ? 'opened' : 'closed'}`, 303);
      });
    }

    for (const format of ['pdf', 'csv'] as const) {
      app.get<IdParams>(`/open_letters/:id/delivery.${format}`, { config: { permission: 'export_data' } }, async (request, reply) => {
        const letter = await findFor(ctx, request);
        if (!letter) return letterNotFound(request, reply);
        const { writeLetterPdf, writeLetterCsv } = await import('../delivery.ts');
        await auditAs(request, 'open_letter.exported', letter.id, { format, organizations: letter.organization_count });
        const file = await spoolToFile(ctx.config.dataDir, (out) => (format === 'pdf' ? writeLetterPdf(db, letter, out, nowIso()) : writeLetterCsv(db, letter, out)));
        return reply
          .type(format === 'pdf' ? 'application/pdf' : 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${letter.slug.replace(/[^a-z0-9-]/g, '')}-delivery.${format}"`)
          .header('cache-control', 'no-store')
          .send(file);
      });
    }

    app.post<IdParams & { Body: Body }>('/open_letters/:id/deliveries', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const letter = await findFor(ctx, request);
      if (!letter) return letterNotFound(request, reply);
      const { form, errors, record } = readDeliveryForm(request.body);
      if (!record) return showLetter(ctx, request, reply, letter, { delivery: { form, errors } });
      const id = newId();
      await insertDelivery(db, { id, organization_id: letter.organization_id, action_type: 'open_letter', action_id: letter.id, ...record, created_by: request.organizer!.session.user_id, created_at: nowIso() });
      await auditAs(request, 'open_letter.delivered', letter.id, { delivery: id, delivered_on: record.delivered_on, method: record.method, shown: record.shown === 1 });
      letterCache(ctx).forget(letter.slug);
      return reply.redirect(`/admin/open_letters/${letter.id}?notice=delivered#deliveries`, 303);
    });

    app.post<{ Params: { id: string; deliveryId: string } }>('/open_letters/:id/deliveries/:deliveryId/delete', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const letter = await findFor(ctx, request);
      if (!letter || !UUID.test(request.params.deliveryId)) return letterNotFound(request, reply);
      if (!(await deleteDelivery(db, letter.organization_id, 'open_letter', letter.id, request.params.deliveryId.toLowerCase()))) return letterNotFound(request, reply);
      await auditAs(request, 'open_letter.delivery_removed', letter.id, { delivery: request.params.deliveryId });
      letterCache(ctx).forget(letter.slug);
      return reply.redirect(`/admin/open_letters/${letter.id}?notice=undelivered#deliveries`, 303);
    });
  };
}
