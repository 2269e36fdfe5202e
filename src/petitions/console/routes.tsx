import { createWriteStream } from 'node:fs';
import { petitionCache } from '../public-cache.ts';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import type { Petition } from '../tables.ts';
import { can } from '../../accounts/policy.ts';
import { audit } from '../../accounts/service.ts';
import { translator } from '../../i18n/index.ts';
import * as repo from '../repository.ts';
import { createPetition, petitionColumns, targetsOf, updatePetition, type PetitionChanges, type PetitionFields } from '../service.ts';
import { checkPetition, type PetitionFieldErrors, type PetitionInput } from '../fields.ts';
import { exportSignaturesCsv } from '../export.ts';
import { newId, nowIso } from '../../util/ids.ts';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { ConfirmPage, carriedFields, confirmed } from '../../kits/console/confirm.tsx';
import { number } from '../../kits/console/format.ts';
import {
  PetitionDetailPage,
  PetitionFormPage,
  PetitionNotFoundPage,
  PetitionsListPage,
  type PetitionForm,
  type PetitionFormErrors,
} from './pages.tsx';

type Body = Record<string, unknown>;
type IdParams = { Params: { id: string } };

export const SIGNATURES_PER_PAGE = 50;

// Ids are UUIDs; anything else is a missing petition, not a query.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// A petition's text may be 20,000 characters; form-encoded, characters outside ASCII take up
// to 12 bytes each, beyond the 64 KiB every other form is allowed.
const FORM_BODY_LIMIT = 512 * 1024;

/** Notices after a redirect, by key, so a link cannot make the console say anything else. */
const NOTICES: Record<string, string> = {
  created: 'Petition created. It is on its public page now.',
  saved: 'Changes saved.',
  unchanged: 'Nothing was changed.',
  opened: 'The petition is open: people can sign it.',
  closed: 'The petition is closed: its page shows the count without the form.',
};

function text(body: Body | undefined, name: string): string {
  const value = body?.[name];
  return typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : '';
}

/** The petition form as the organizer typed it (trimmed, line ends made `\n`). */
export function readPetitionForm(body: Body | undefined): PetitionForm {
  return {
    title: text(body, 'title'),
    slug: text(body, 'slug').toLowerCase(),
    description: text(body, 'description'),
    petition_text: text(body, 'petition_text'),
    targets: text(body, 'targets'),
    goal: text(body, 'goal'),
    confirmation_required: body?.confirmation_required === 'yes',
    status: text(body, 'status'),
    closes_at: text(body, 'closes_at'),
    title_es: text(body, 'title_es'),
    description_es: text(body, 'description_es'),
    petition_text_es: text(body, 'petition_text_es'),
  };
}

export function petitionFormOf(p: Petition): PetitionForm {
  return {
    title: p.title,
    slug: p.slug,
    description: p.description,
    petition_text: p.petition_text,
    targets: targetsOf(p)
      .map((t) => t.name)
      .join('\n'),
    goal: p.goal === null ? '' : String(p.goal),
    confirmation_required: p.confirmation_required === 1,
    status: p.status,
    closes_at: p.closes_at ? p.closes_at.slice(0, 16) : '',
    title_es: p.title_es ?? '',
    description_es: p.description_es ?? '',
    petition_text_es: p.petition_text_es ?? '',
  };
}

const en = translator('en');

/** The form as checkPetition reads it: one target a line, blank lines dropped. */
function inputFrom(form: PetitionForm): PetitionInput {
  return {
    title: form.title,
    slug: form.slug,
    description: form.description,
    petitionText: form.petition_text,
    targets: form.targets
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean),
    goal: form.goal,
    confirmationRequired: form.confirmation_required,
    status: form.status,
    closesAt: form.closes_at,
    titleEs: form.title_es,
    descriptionEs: form.description_es,
    petitionTextEs: form.petition_text_es,
  };
}

/** checkPetition's messages in English, beside the form's fields (its names are the form's), in the order of the page. */
function formErrors(errors: PetitionFieldErrors): PetitionFormErrors {
  const out: PetitionFormErrors = {};
  for (const [field, error] of Object.entries(errors)) {
    if (error && field !== 'origin_system') out[field as keyof PetitionForm] = en(error.key, error.values);
  }
  return out;
}

/**
 * Checks the form field by field (checkPetition, the API's check too) and says what to do about
 * each problem. `current` is the petition being edited: its slug is required and may stay as it is.
 */
export function checkPetitionForm(form: PetitionForm, current?: Pick<Petition, 'slug'>): { errors: PetitionFormErrors; fields?: PetitionFields } {
  const { errors, fields } = checkPetition(inputFrom(form), { current });
  return { errors: formErrors(errors), fields };
}

// Short values go into the audit log as they were and became; long texts only by name.
const AUDITED_VALUES = ['title', 'slug', 'goal', 'status', 'confirmation_required', 'closes_at'] as const;

function changeDetails(before: Petition, after: Petition, changed: (keyof PetitionChanges)[]) {
  const from: Record<string, unknown> = {};
  const to: Record<string, unknown> = {};
  for (const column of AUDITED_VALUES) {
    if (changed.includes(column)) {
      from[column] = before[column];
      to[column] = after[column];
    }
  }
  return { changed, from, to };
}

/** The console's petitions: list, create, edit, open and close, signatures and their export. */
export function petitionsConsoleRoutes(ctx: Context) {
  const db = ctx.database.db;

  /** The organization's petition for a URL id; another organization's is missing, like a wrong id. */
  const find = (request: FastifyRequest<IdParams>) =>
    UUID.test(request.params.id) ? repo.findPetition(db, request.organizer!.organization!.id, request.params.id.toLowerCase()) : Promise.resolve(undefined);

  const notFound = (request: FastifyRequest, reply: FastifyReply) => sendAdmin(reply, <PetitionNotFoundPage page={adminPage(request, reply)} />, 404);

  const showForm = (request: FastifyRequest, reply: FastifyReply, o: { petition?: Petition; form: PetitionForm; errors?: PetitionFormErrors; preview?: boolean }) => {
    const errors = o.errors ?? {};
    return sendAdmin(
      reply,
      <PetitionFormPage page={adminPage(request, reply)} petition={o.petition} form={o.form} errors={errors} preview={o.preview ?? false} />,
      Object.values(errors).some(Boolean) ? 422 : 200,
    );
  };

  /** The form's checks, then whether its web address is free; nothing is written here. */
  const check = async (form: PetitionForm, current?: Petition) => {
    const result = checkPetitionForm(form, current);
    const slug = result.fields?.slug;
    if (slug && slug !== current?.slug && (await repo.slugExists(db, slug))) {
      return { errors: formErrors({ slug: { key: 'petitionedit.error.slug_taken', values: { slug } } }) };
    }
    return result;
  };

  /** Closing a petition is asked twice: this page's button posts the same form again, confirmed. */
  const confirmClose = (request: FastifyRequest, reply: FastifyReply, petition: Petition, action: string, fields?: [string, string][]) =>
    sendAdmin(
      reply,
      <ConfirmPage
        page={adminPage(request, reply)}
        title={`Close “${petition.title}”?`}
        body={[`${number(petition.signature_count)} people have signed. Once it is closed, its page says so and nobody else can sign; you can open it again later.`]}
        action={action}
        fields={fields}
        confirmLabel="Close the petition"
        back={{ href: `/admin/petitions/${petition.id}`, label: 'Keep it open and go back' }}
      />,
    );

  /** Saves changes, records them in the audit log and drops the cached public page. */
  const change = async (request: FastifyRequest, petition: Petition, changes: PetitionChanges) => {
    const result = await updatePetition(db, petition, changes, nowIso());
    if (result.changed.length > 0) {
      const organizer = request.organizer!;
      await audit(db, {
        organizationId: petition.organization_id,
        userId: organizer.session.user_id,
        action: 'petition.changed',
        subject: petition.id,
        details: changeDetails(petition, result.petition, result.changed),
      });
      petitionCache(ctx).forget(petition.slug);
      petitionCache(ctx).forget(result.petition.slug);
    }
    return result;
  };

  return async function (app: FastifyInstance) {
    app.get('/petitions', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const petitions = await repo.petitionsOf(db, org.id);
      return sendAdmin(reply, <PetitionsListPage page={adminPage(request, reply)} petitions={petitions} canCreate={can(org.role, 'manage_actions')} />);
    });

    app.get('/petitions/new', { config: { permission: 'manage_actions' } }, async (request, reply) =>
      showForm(request, reply, { form: readPetitionForm({ status: 'open' }) }),
    );

    app.post<{ Body: Body }>('/petitions/new', { config: { permission: 'manage_actions' }, bodyLimit: FORM_BODY_LIMIT }, async (request, reply) => {
      const organizer = request.organizer!;
      const org = organizer.organization!;
      const form = readPetitionForm(request.body);
      const { errors, fields } = await check(form);
      if (!fields || request.body?.intent === 'preview') return showForm(request, reply, { form, errors, preview: true });
      const petition = await createPetition(db, org.id, fields, nowIso());
      await audit(db, {
        organizationId: org.id,
        userId: organizer.session.user_id,
        action: 'petition.created',
        subject: petition.id,
        details: { title: petition.title, slug: petition.slug, status: petition.status },
      });
      // A visit before it existed may have cached the slug as missing.
      petitionCache(ctx).forget(petition.slug);
      return reply.redirect(`/admin/petitions/${petition.id}?notice=created`, 303);
    });

    app.get<IdParams & { Querystring: Record<string, unknown> }>('/petitions/:id', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const petition = await find(request);
      if (!petition) return notFound(request, reply);
      const org = request.organizer!.organization!;
      const notice = typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined;
      const seePeople = can(org.role, 'see_people');
      let signatures;
      if (seePeople) {
        const search = typeof request.query.q === 'string' ? request.query.q.trim().slice(0, 200) : '';
        const matching = await repo.countSignaturesMatching(db, org.id, petition.id, search);
        const pages = Math.max(1, Math.ceil(matching / SIGNATURES_PER_PAGE));
        const wanted = typeof request.query.page === 'string' && /^\d{1,6}$/.test(request.query.page) ? Number(request.query.page) : 1;
        const page = Math.min(Math.max(wanted, 1), pages);
        const rows = await repo.searchSignatures(db, org.id, petition.id, search, { limit: SIGNATURES_PER_PAGE, offset: (page - 1) * SIGNATURES_PER_PAGE });
        signatures = { rows, search, page, pages, matching };
      }
      return sendAdmin(
        reply,
        <PetitionDetailPage
          page={adminPage(request, reply, notice)}
          petition={{ ...petition, targets: targetsOf(petition) }}
          pending={await repo.countPendingSignatures(db, org.id, petition.id)}
          // A sharer's own code can name a supporter: the sources are shown with the people.
          sources={seePeople ? (await repo.signaturesBySource(db, org.id, petition.id)).map((s) => ({ source: s.source, n: Number(s.n) })).sort((a, b) => b.n - a.n).slice(0, 50) : undefined}
          can={{ manage: can(org.role, 'manage_actions'), export: can(org.role, 'export_data'), seePeople }}
          signatures={signatures}
        />,
      );
    });

    app.get<IdParams>('/petitions/:id/edit', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const petition = await find(request);
      if (!petition) return notFound(request, reply);
      return showForm(request, reply, { petition, form: petitionFormOf(petition) });
    });

    app.post<IdParams & { Body: Body }>('/petitions/:id/edit', { config: { permission: 'manage_actions' }, bodyLimit: FORM_BODY_LIMIT }, async (request, reply) => {
      const petition = await find(request);
      if (!petition) return notFound(request, reply);
      const form = readPetitionForm(request.body);
      const { errors, fields } = await check(form, petition);
      if (!fields || request.body?.intent === 'preview') return showForm(request, reply, { petition, form, errors, preview: true });
      if (petition.status === 'open' && fields.status === 'closed' && !confirmed(request.body)) return confirmClose(request, reply, petition, `/admin/petitions/${petition.id}/edit`, carriedFields(request.body));
      const { changed } = await change(request, petition, petitionColumns(fields));
      return reply.redirect(`/admin/petitions/${petition.id}?notice=${changed.length > 0 ? 'saved' : 'unchanged'}`, 303);
    });

    for (const status of ['open', 'closed'] as const) {
      const verb = status === 'open' ? 'open' : 'close';
      app.post<IdParams>(`/petitions/:id/${verb}`, { config: { permission: 'manage_actions' } }, async (request, reply) => {
        const petition = await find(request);
        if (!petition) return notFound(request, reply);
        if (status === 'closed' && petition.status === 'open' && !confirmed(request.body)) return confirmClose(request, reply, petition, `/admin/petitions/${petition.id}/close`);
        await change(request, petition, { status });
        return reply.redirect(`/admin/petitions/${petition.id}?notice=${status === 'open' ? 'opened' : 'closed'}`, 303);
      });
    }

    app.get<IdParams>('/petitions/:id/signatures.csv', { config: { permission: 'export_data' } }, async (request, reply) => {
      const petition = await find(request);
      if (!petition) return notFound(request, reply);
      const organizer = request.organizer!;
      await audit(db, {
        organizationId: petition.organization_id,
        userId: organizer.session.user_id,
        action: 'signatures.exported',
        subject: petition.id,
        details: { petition: petition.slug, signatures: petition.signature_count },
      });
      const csv = await spoolExport(ctx, petition);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${petition.slug.replace(/[^a-z0-9-]/g, '')}-signatures.csv"`)
        .header('cache-control', 'no-store')
        .send(csv);
    });
  };
}

/**
 * Writes the export to a file, then hands back a stream of it. Reading the database straight
 * into the response would hold a connection (on SQLite the only one, which every signature
 * waits for) for as long as the slowest download takes. The file is unlinked at once: the open
 * stream keeps its bytes until they are sent, and no copy of the signers stays on disk.
 */
async function spoolExport(ctx: Context, petition: Petition) {
  const dir = path.join(ctx.config.dataDir, 'tmp');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `export-${newId()}.csv`);
  try {
    const out = createWriteStream(file, { mode: 0o600 });
    try {
      await exportSignaturesCsv(ctx.database, petition.organization_id, petition.id, out);
    } catch (error) {
      out.destroy();
      throw error;
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    const handle = await open(file, 'r');
    return handle.createReadStream();
  } finally {
    await rm(file, { force: true });
  }
}
