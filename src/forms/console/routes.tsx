import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import type { Form } from '../tables.ts';
import { can } from '../../accounts/policy.ts';
import { audit } from '../../accounts/service.ts';
import * as repo from '../repository.ts';
import { formCache } from '../public-cache.ts';
import { createForm, updateForm, type FormChanges } from '../service.ts';
import { checkForm, type FormErrors } from '../fields.ts';
import { questionsOf } from '../questions.ts';
import { submissionsCsv } from '../export.ts';
import { nowIso } from '../../util/ids.ts';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { FormDetailPage, FormNotFoundPage, FormsListPage } from './pages.tsx';
import { filledIn, FormEditorPage, questionInputs, readEditor, rowsOf, withBlankRows, type EditorErrors, type FormEditor } from './editor.tsx';

type Body = Record<string, unknown>;
type IdParams = { Params: { id: string } };

export const SUBMISSIONS_PER_PAGE = 50;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// A description of 20,000 characters and 33 question rows, form-encoded.
const FORM_BODY_LIMIT = 512 * 1024;

const NOTICES: Record<string, string> = {
  created: 'Form created. It is on its public page now.',
  saved: 'Changes saved.',
  unchanged: 'Nothing was changed.',
  opened: 'The form is open: people can fill it in.',
  closed: 'The form is closed: its page says so, without the form.',
};

/** The checker's errors (`0.label`: the first question kept) as the editor's fields (`q3_label`: its row). */
function editorErrors(errors: FormErrors, rowOf: number[]): EditorErrors {
  const out: EditorErrors = {};
  for (const [key, message] of Object.entries(errors)) {
    const m = /^(\d+)\.(\w+)$/.exec(key);
    out[m ? `q${rowOf[Number(m[1])] ?? m[1]}_${m[2]}` : key] = message;
  }
  return out;
}

export function formsConsoleRoutes(ctx: Context) {
  const { db } = ctx.database;

  const find = async (request: FastifyRequest<IdParams>) => {
    if (!UUID.test(request.params.id)) return undefined;
    return repo.findForm(db, request.organizer!.organization!.id, request.params.id);
  };
  const notFound = (request: FastifyRequest, reply: FastifyReply) => sendAdmin(reply, <FormNotFoundPage page={adminPage(request, reply)} />, 404);
  const showEditor = (request: FastifyRequest, reply: FastifyReply, editor: FormEditor, errors: EditorErrors = {}, form?: Form) =>
    sendAdmin(reply, <FormEditorPage page={adminPage(request, reply)} form={form} editor={editor} errors={errors} />, Object.keys(errors).length > 0 ? 422 : 200);

  /** The editor's form checked: the fields to store, or the editor again with its errors. */
  const check = (editor: FormEditor) => {
    const { inputs, rowOf } = questionInputs(editor.rows);
    const { fields, errors } = checkForm({
      title: editor.title,
      slug: editor.slug,
      description: editor.description,
      titleEs: editor.title_es,
      descriptionEs: editor.description_es,
      status: editor.status,
      challenge: editor.challenge,
      questions: inputs,
    });
    return { fields, errors: editorErrors(errors, rowOf) };
  };

  const change = async (request: FastifyRequest, form: Form, changes: FormChanges) => {
    const organizer = request.organizer!;
    if (changes.slug && changes.slug !== form.slug && (await repo.slugExists(db, changes.slug))) return { taken: true as const };
    const result = await updateForm(db, form, changes, nowIso());
    if (result.changed.length > 0) {
      await audit(db, { organizationId: form.organization_id, userId: organizer.session.user_id, action: 'form.updated', subject: form.id, details: { changed: result.changed } });
      formCache(ctx).forget(form.slug);
      formCache(ctx).forget(result.form.slug);
    }
    return { taken: false as const, ...result };
  };

  return async function (app: FastifyInstance) {
    app.get('/forms', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      return sendAdmin(reply, <FormsListPage page={adminPage(request, reply)} forms={await repo.formsOf(db, org.id)} canCreate={can(org.role, 'manage_actions')} />);
    });

    app.get('/forms/new', { config: { permission: 'manage_actions' } }, async (request, reply) =>
      showEditor(request, reply, { title: '', slug: '', description: '', title_es: '', description_es: '', status: 'open', challenge: 'automatic', rows: withBlankRows([]) }),
    );

    app.post<{ Body: Body }>('/forms/new', { config: { permission: 'manage_actions' }, bodyLimit: FORM_BODY_LIMIT }, async (request, reply) => {
      const organizer = request.organizer!;
      const org = organizer.organization!;
      const editor = readEditor(request.body);
      const { fields, errors } = check(editor);
      if (fields?.slug && (await repo.slugExists(db, fields.slug))) errors.slug = 'That web address is taken: choose another';
      if (!fields || Object.keys(errors).length > 0) return showEditor(request, reply, { ...editor, rows: withBlankRows(editor.rows.filter(filledIn)) }, errors);
      const form = await createForm(db, org.id, fields, nowIso());
      await audit(db, { organizationId: org.id, userId: organizer.session.user_id, action: 'form.created', subject: form.id, details: { title: form.title, slug: form.slug } });
      // A visit before it existed may have cached the slug as missing.
      formCache(ctx).forget(form.slug);
      if (request.body?.intent === 'add') return reply.redirect(`/admin/forms/${form.id}/edit`, 303);
      return reply.redirect(`/admin/forms/${form.id}?notice=created`, 303);
    });

    app.get<IdParams & { Querystring: Record<string, unknown> }>('/forms/:id', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const form = await find(request);
      if (!form) return notFound(request, reply);
      const org = request.organizer!.organization!;
      const notice = typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined;
      const seePeople = can(org.role, 'see_people');
      let submissions;
      if (seePeople) {
        const search = typeof request.query.q === 'string' ? request.query.q.trim().slice(0, 200) : '';
        const matching = await repo.countSubmissionsMatching(db, org.id, form.id, search);
        const pages = Math.max(1, Math.ceil(matching / SUBMISSIONS_PER_PAGE));
        const wanted = typeof request.query.page === 'string' && /^\d{1,6}$/.test(request.query.page) ? Number(request.query.page) : 1;
        const page = Math.min(Math.max(wanted, 1), pages);
        const rows = await repo.searchSubmissions(db, org.id, form.id, search, { limit: SUBMISSIONS_PER_PAGE, offset: (page - 1) * SUBMISSIONS_PER_PAGE });
        submissions = { rows, search, page, pages, matching };
      }
      return sendAdmin(
        reply,
        <FormDetailPage
          page={adminPage(request, reply, notice)}
          form={{ ...form, questions: questionsOf(form) }}
          can={{ manage: can(org.role, 'manage_actions'), export: can(org.role, 'export_data'), seePeople }}
          submissions={submissions}
        />,
      );
    });

    app.get<IdParams>('/forms/:id/edit', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const form = await find(request);
      if (!form) return notFound(request, reply);
      return showEditor(request, reply, { title: form.title, slug: form.slug, description: form.description, title_es: form.title_es ?? '', description_es: form.description_es ?? '', status: form.status, challenge: form.challenge, rows: rowsOf(questionsOf(form)) }, {}, form);
    });

    app.post<IdParams & { Body: Body }>('/forms/:id/edit', { config: { permission: 'manage_actions' }, bodyLimit: FORM_BODY_LIMIT }, async (request, reply) => {
      const form = await find(request);
      if (!form) return notFound(request, reply);
      const editor = readEditor(request.body);
      // The web address stays when the field is left empty.
      const { fields, errors } = check({ ...editor, slug: editor.slug || form.slug });
      const again = () => showEditor(request, reply, { ...editor, rows: withBlankRows(editor.rows.filter(filledIn)) }, errors, form);
      if (!fields) return again();
      const result = await change(request, form, {
        title: fields.title,
        description: fields.description,
        title_es: fields.title_es,
        description_es: fields.description_es,
        status: fields.status,
        questions: fields.questions,
        slug: fields.slug,
        challenge: fields.challenge,
      });
      if (result.taken) {
        errors.slug = 'That web address is taken: choose another';
        return again();
      }
      if (request.body?.intent === 'add') return reply.redirect(`/admin/forms/${form.id}/edit`, 303);
      return reply.redirect(`/admin/forms/${form.id}?notice=${result.changed.length > 0 ? 'saved' : 'unchanged'}`, 303);
    });

    for (const status of ['open', 'closed'] as const) {
      app.post<IdParams>(`/forms/:id/${status === 'open' ? 'open' : 'close'}`, { config: { permission: 'manage_actions' } }, async (request, reply) => {
        const form = await find(request);
        if (!form) return notFound(request, reply);
        await change(request, form, { status });
        return reply.redirect(`/admin/forms/${form.id}?notice=${status === 'open' ? 'opened' : 'closed'}`, 303);
      });
    }

    app.get<IdParams>('/forms/:id/submissions.csv', { config: { permission: 'export_data' } }, async (request, reply) => {
      const form = await find(request);
      if (!form) return notFound(request, reply);
      await audit(db, {
        organizationId: form.organization_id,
        userId: request.organizer!.session.user_id,
        action: 'submissions.exported',
        subject: form.id,
        details: { form: form.slug, submissions: form.submission_count },
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${form.slug.replace(/[^a-z0-9-]/g, '')}-submissions.csv"`)
        .header('cache-control', 'no-store')
        .send(submissionsCsv(db, form));
    });
  };
}
