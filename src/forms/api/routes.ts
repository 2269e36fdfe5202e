import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { Context } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import type { Form } from '../tables.ts';
import * as repo from '../repository.ts';
import { formCache } from '../public-cache.ts';
import { createForm, updateForm } from '../service.ts';
import { checkForm } from '../fields.ts';
import { questionsOf, QUESTION_KINDS, QUESTION_LIMITS, type QuestionInput } from '../questions.ts';
import { nowIso } from '../../util/ids.ts';
import type { FieldSpec } from '../../kits/api/filter.ts';
import { collectionRoute, COMMON_FILTERS } from '../../kits/api/list.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { document } from '../../kits/api/presenters.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { badRequest } from '../../kits/api/errors.ts';
import { Nullable } from '../../kits/api/schema.ts';
import { presentForm } from './presenters.ts';

const FILTERS: FieldSpec<repo.FormComparison['column']> = {
  ...COMMON_FILTERS,
  origin_system: { column: 'origin_system', kind: 'text' },
  title: { column: 'title', kind: 'text' },
};

const QuestionBody = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 16 })),
  kind: Type.String({ maxLength: 20 }),
  label: Type.String(),
  hint: Type.Optional(Nullable(Type.String())),
  required: Type.Optional(Type.Boolean()),
  options: Type.Optional(Nullable(Type.Array(Type.String(), { maxItems: QUESTION_LIMITS.options }))),
  field: Type.Optional(Nullable(Type.String())),
  // The Spanish versions (null or empty: none); `options_es` one per option, in the same order.
  label_es: Type.Optional(Nullable(Type.String())),
  hint_es: Type.Optional(Nullable(Type.String())),
  options_es: Type.Optional(Nullable(Type.Array(Type.String(), { maxItems: QUESTION_LIMITS.options }))),
});

// Fields both create and update accept; any other is ignored, so a client may PUT back what it read.
const fields = {
  description: Type.Optional(Nullable(Type.String())),
  origin_system: Type.Optional(Type.String({ maxLength: 200 })),
  'turnout:status': Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
  'turnout:questions': Type.Optional(Type.Array(QuestionBody, { maxItems: QUESTION_LIMITS.questions })),
  // The Spanish versions of the title and description (src/kits/pages/localized.ts); null removes one.
  'turnout:title_es': Type.Optional(Nullable(Type.String())),
  'turnout:description_es': Type.Optional(Nullable(Type.String())),
};
const FormCreateBody = Type.Object({ title: Type.String(), ...fields });
type FormCreateBody = Static<typeof FormCreateBody>;
const FormUpdateBody = Type.Object({ title: Type.Optional(Type.String()), ...fields });
type FormUpdateBody = Static<typeof FormUpdateBody>;

/** The organization's form named by a URL identifier; another organization's is a 404 like a missing one. */
export const loadForm = (db: Kysely<Database>, organizationId: string, rawId: string) => loadByIdentifier('form', rawId, (id) => repo.findForm(db, organizationId, id));

const questionInputs = (qs: Static<typeof QuestionBody>[]): QuestionInput[] =>
  qs.map((q) => ({
    id: q.id,
    kind: q.kind,
    label: q.label,
    hint: q.hint ?? '',
    required: q.required,
    options: q.options ?? [],
    field: q.field ?? '',
    label_es: q.label_es ?? '',
    hint_es: q.hint_es ?? '',
    options_es: q.options_es ?? [],
  }));

/** The body merged over the form (for a PUT) or over nothing, checked as the console checks it: a 400 naming every problem. */
function checked(body: FormUpdateBody, form?: Form) {
  const { fields: f, errors } = checkForm({
    title: body.title ?? form?.title ?? '',
    description: body.description === undefined ? (form?.description ?? '') : (body.description ?? ''),
    status: body['turnout:status'] ?? form?.status ?? 'open',
    questions: body['turnout:questions'] ? questionInputs(body['turnout:questions']) : form ? questionsOf(form) : [],
    // Absent: kept on a PUT, none on a new form.
    titleEs: body['turnout:title_es'],
    descriptionEs: body['turnout:description_es'],
  });
  const problems = Object.entries(errors).map(([k, m]) => {
    const question = /^(\d+)\.(\w+)$/.exec(k);
    // A client sends the kind's wire name, so it is told those rather than the editor's labels.
    if (question?.[2] === 'kind') return `turnout:questions[${question[1]}].kind must be one of ${QUESTION_KINDS.join(', ')}`;
    if (question) return `turnout:questions[${question[1]}]: ${m}`;
    return `${k === 'title_es' || k === 'description_es' ? `turnout:${k}` : k}: ${m}`;
  });
  if (!f) throw badRequest(problems.join('; '));
  if (body.origin_system !== undefined && !body.origin_system.trim()) throw badRequest('origin_system must not be empty');
  return { ...f, ...(body.origin_system ? { origin_system: body.origin_system.trim() } : {}) };
}

export function formApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    collectionRoute(app, { db, baseUrl, path: '/forms', rel: 'osdi:forms', filters: FILTERS, list: repo.listForms, count: repo.countForms, present: presentForm });

    app.get<{ Params: { id: string } }>('/forms/:id', async (request) => {
      const form = await loadForm(db, organizationOf(request).id, request.params.id);
      return document(baseUrl, presentForm(baseUrl, form));
    });

    app.post<{ Body: FormCreateBody }>('/forms', { schema: { body: FormCreateBody } }, async (request) => {
      const org = organizationOf(request);
      const form = await createForm(db, org.id, checked(request.body), nowIso());
      formCache(ctx).forget(form.slug);
      return document(baseUrl, presentForm(baseUrl, form));
    });

    // PUT merges, as Action Network's does: fields left out keep their value; questions sent replace them all.
    app.put<{ Params: { id: string }; Body: FormUpdateBody }>('/forms/:id', { schema: { body: FormUpdateBody } }, async (request) => {
      const org = organizationOf(request);
      const form = await loadForm(db, org.id, request.params.id);
      const f = checked(request.body, form);
      const { form: updated, changed } = await updateForm(
        db,
        form,
        { title: f.title, description: f.description, status: f.status, questions: f.questions, origin_system: f.origin_system, title_es: f.title_es, description_es: f.description_es },
        nowIso(),
      );
      if (changed.length > 0) formCache(ctx).forget(form.slug);
      return document(baseUrl, presentForm(baseUrl, updated));
    });
  };
}
