import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Context } from '../../context.ts';
import * as repo from '../repository.ts';
import { FormClosedError, submitForm } from '../service.ts';
import { checkAnswers, questionsOf } from '../questions.ts';
import { translator, type MessageKey } from '../../i18n/index.ts';
import { checkCustomFieldName, checkCustomFieldValue, CUSTOM_FIELD_LIMITS, type CustomFieldChanges } from '../../people/index.ts';
import { badRequest } from '../../kits/api/errors.ts';
import { COMMON_FILTERS } from '../../kits/api/list.ts';
import { PersonBody } from '../../kits/api/person-input.ts';
import { closedAs, readRecordHelper, RecordBodyFields, recordRoutes } from '../../kits/api/records.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { presentSubmission } from './presenters.ts';
import { loadForm } from './routes.ts';

/** The record submission helper's body, as Action Network takes it, with the answers by question id. */
const RecordSubmissionBody = Type.Object({
  person: PersonBody,
  'turnout:answers': Type.Optional(Type.Record(Type.String({ maxLength: 16 }), Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 30 })]))),
  ...RecordBodyFields,
});
type RecordSubmissionBody = Static<typeof RecordSubmissionBody>;

const english = translator('en');

/** The person's `custom_fields` of the body, checked: a 400 naming the first one refused. */
function readCustomFields(raw: Record<string, string | null> | null | undefined): CustomFieldChanges {
  const entries = Object.entries(raw ?? {});
  if (entries.length > CUSTOM_FIELD_LIMITS.perCall) throw badRequest(`person.custom_fields: at most ${CUSTOM_FIELD_LIMITS.perCall} fields at once`);
  const out: CustomFieldChanges = {};
  for (const [name, value] of entries) {
    const problem = checkCustomFieldName(name.trim()) ?? (value === null ? null : checkCustomFieldValue(value));
    if (problem) throw badRequest(`person.custom_fields[${JSON.stringify(name.slice(0, 80))}]: ${problem.replace('_', ' ')}`);
    out[name.trim()] = value;
  }
  return out;
}

export function submissionApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    const submissions = recordRoutes(app, {
      db, baseUrl, name: 'submission', actions: 'forms', loadAction: loadForm, actionKey: 'formId', filters: COMMON_FILTERS,
      list: repo.listSubmissions, count: repo.countSubmissions, find: repo.findSubmissionIn, present: presentSubmission,
    });

    // The record submission helper: the same action core as the public page. Answers come by
    // question id in `turnout:answers`, or as the person's `custom_fields` named as a question's
    // field; required questions are not enforced here (an integrator may hold part of a paper form).
    app.post<{ Params: { id: string }; Body: RecordSubmissionBody }>('/forms/:id/submissions', { schema: { body: RecordSubmissionBody } }, async (request) => {
      const org = organizationOf(request);
      const form = await loadForm(db, org.id, request.params.id);
      const body = request.body;
      const { taker, autoresponse } = readRecordHelper(body);
      const customFields = readCustomFields(body.person.custom_fields);
      const questions = questionsOf(form);
      const given = body['turnout:answers'] ?? {};
      const unknown = Object.keys(given).filter((id) => !questions.some((q) => q.id === id));
      if (unknown.length > 0) throw badRequest(`turnout:answers: no question with id ${unknown.map((id) => JSON.stringify(id.slice(0, 20))).join(', ')} on this form`);
      const { answers, errors } = checkAnswers(
        questions.map((q) => ({ ...q, required: false })),
        (q) => given[q.id] ?? customFields[q.field] ?? undefined,
      );
      const problems = Object.entries(errors).map(([name, e]) => `turnout:answers.${name.slice(2)}: ${english(e!.key as MessageKey, e!.values)}`);
      if (problems.length > 0) throw badRequest(problems.join('; '));
      const result = await ctx.committer
        .submit((uow) => submitForm(uow, form, { ...taker, answers, customFields, autoresponse }), { sideBySide: true })
        .catch(closedAs(FormClosedError, 'This form is closed and takes no more submissions'));
      return submissions.recorded(org.id, form.id, result.submissionId);
    });
  };
}
