import { sql } from 'kysely';
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { FormTable, NewForm, NewSubmission } from './tables.ts';
import type { SharedStatement } from '../actions/unit-of-work.ts';
import { chunks } from '../util/chunks.ts';
import { conditionSql, type Condition } from '../kits/api/filter.ts';

type Q = Kysely<Database> | Transaction<Database>;

export async function findFormBySlug(q: Q, slug: string) {
  return q
    .selectFrom('forms')
    .innerJoin('organizations', 'organizations.id', 'forms.organization_id')
    .selectAll('forms')
    .select(['organizations.name as organization_name'])
    .where('forms.slug', '=', slug)
    .executeTakeFirst();
}

export async function findForm(q: Q, organizationId: string, id: string) {
  return q.selectFrom('forms').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export async function findFormById(q: Q, id: string) {
  return q
    .selectFrom('forms')
    .innerJoin('organizations', 'organizations.id', 'forms.organization_id')
    .selectAll('forms')
    .select(['organizations.name as organization_name'])
    .where('forms.id', '=', id)
    .executeTakeFirst();
}

export async function slugExists(q: Q, slug: string): Promise<boolean> {
  return (await q.selectFrom('forms').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;
}

/** Inserts a form unless its slug is taken (then nothing is written and it says false). */
export async function insertFormUnlessSlugTaken(q: Q, form: NewForm): Promise<boolean> {
  const result = await q.insertInto('forms').values(form).onConflict((oc) => oc.column('slug').doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateForm(q: Q, organizationId: string, id: string, changes: Updateable<FormTable>) {
  await q.updateTable('forms').set(changes).where('organization_id', '=', organizationId).where('id', '=', id).execute();
}

export const formsOf = (q: Q, organizationId: string) =>
  q
    .selectFrom('forms')
    .select(['id', 'slug', 'title', 'status', 'submission_count', 'created_at'])
    .where('organization_id', '=', organizationId)
    .orderBy('created_at', 'desc')
    .execute();

export async function listOpenForms(q: Q, limit = 50) {
  return q
    .selectFrom('forms')
    .innerJoin('organizations', 'organizations.id', 'forms.organization_id')
    .select(['forms.slug', 'forms.title', 'forms.submission_count', 'organizations.name as organization_name'])
    .where('forms.status', '=', 'open')
    .orderBy('forms.created_at', 'desc')
    .limit(limit)
    .execute();
}

/** The submissions of a batch's actions, inserted in one statement. */
export const submissionInsert: SharedStatement<NewSubmission, void> = {
  name: 'submission insert',
  async run(uow, submissions) {
    for (const chunk of chunks(submissions)) await uow.trx.insertInto('submissions').values(chunk).execute();
    return submissions.map(() => undefined);
  },
};

export async function findSubmission(q: Q, id: string) {
  return q.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** One comparison from an API filter on forms. */
export interface FormComparison {
  column: 'id' | 'created_at' | 'modified_at' | 'origin_system' | 'title';
  op: '=' | '<' | '>' | '>=';
  value: string;
}

function formsMatching(q: Q, organizationId: string, where: Condition<FormComparison['column']>) {
  let query = q.selectFrom('forms').where('organization_id', '=', organizationId);
  query = query.where(conditionSql(where));
  return query;
}

export async function listForms(q: Q, organizationId: string, where: Condition<FormComparison['column']>, page: { limit: number; offset: number }) {
  return formsMatching(q, organizationId, where).selectAll().orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();
}

export async function countForms(q: Q, organizationId: string, where: Condition<FormComparison['column']>): Promise<number> {
  return Number((await formsMatching(q, organizationId, where).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}

export interface SubmissionComparison {
  column: 'id' | 'created_at' | 'modified_at';
  op: '=' | '<' | '>' | '>=';
  value: string;
}

type SubmissionOwner = { formId: string } | { personId: string };

function submissionsMatching(q: Q, organizationId: string, by: SubmissionOwner, where: Condition<SubmissionComparison['column']>) {
  let query = q.selectFrom('submissions').where('organization_id', '=', organizationId);
  query = 'formId' in by ? query.where('form_id', '=', by.formId) : query.where('person_id', '=', by.personId);
  query = query.where(conditionSql(where));
  return query;
}

export async function listSubmissions(q: Q, organizationId: string, by: SubmissionOwner, where: Condition<SubmissionComparison['column']>, page: { limit: number; offset: number }) {
  return submissionsMatching(q, organizationId, by, where).selectAll().orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();
}

export async function countSubmissions(q: Q, organizationId: string, by: SubmissionOwner, where: Condition<SubmissionComparison['column']>): Promise<number> {
  return Number((await submissionsMatching(q, organizationId, by, where).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}

/** A submission, only if it belongs to the organization and to the form or person named. */
export async function findSubmissionIn(q: Q, organizationId: string, by: SubmissionOwner, id: string) {
  return submissionsMatching(q, organizationId, by, { all: [] }).selectAll().where('id', '=', id).executeTakeFirst();
}

/** Submissions on a form whose person's name or email contains `search` (any case); all when it is empty. */
function submittersMatching(q: Q, organizationId: string, formId: string, search: string) {
  let query = q
    .selectFrom('submissions')
    .innerJoin('people', 'people.id', 'submissions.person_id')
    .where('submissions.organization_id', '=', organizationId)
    .where('submissions.form_id', '=', formId);
  if (search) {
    const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(
      sql<boolean>`(lower(people.email) like ${pattern} escape '\\' or lower(coalesce(people.given_name, '') || ' ' || coalesce(people.family_name, '')) like ${pattern} escape '\\')`,
    );
  }
  return query;
}

const SUBMITTER_COLUMNS = [
  'submissions.id',
  'submissions.answers',
  'submissions.source',
  'submissions.referrer',
  'submissions.language',
  'submissions.created_at',
  'people.email',
  'people.given_name',
  'people.family_name',
  'people.postal_code',
  'people.country',
  'people.email_status',
] as const;

/** One page of a form's submissions with their people, newest first, for the console. */
export function searchSubmissions(q: Q, organizationId: string, formId: string, search: string, page: { limit: number; offset: number }) {
  return submittersMatching(q, organizationId, formId, search)
    .select(SUBMITTER_COLUMNS)
    .orderBy('submissions.created_at', 'desc')
    .orderBy('submissions.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countSubmissionsMatching(q: Q, organizationId: string, formId: string, search: string): Promise<number> {
  return Number((await submittersMatching(q, organizationId, formId, search).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}

/** The page of a form's submissions after `after` (time and id), oldest first, for the CSV export. */
export function submissionsForExport(q: Q, organizationId: string, formId: string, after: { created_at: string; id: string } | null, limit: number) {
  let query = submittersMatching(q, organizationId, formId, '').select(SUBMITTER_COLUMNS);
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('submissions.created_at', '>', after.created_at), eb.and([eb('submissions.created_at', '=', after.created_at), eb('submissions.id', '>', after.id)])]),
    );
  }
  return query.orderBy('submissions.created_at').orderBy('submissions.id').limit(limit).execute();
}

/** One person's submissions with their forms, newest first: their page in the console and their export. */
export function submissionsOfPerson(q: Q, organizationId: string, personId: string) {
  return q
    .selectFrom('submissions')
    .innerJoin('forms', 'forms.id', 'submissions.form_id')
    .select([
      'submissions.id as id',
      'forms.id as action_id',
      'forms.title as action_title',
      'forms.slug as action_slug',
      'forms.questions as questions',
      'submissions.answers as answers',
      'submissions.source as source',
      'submissions.referrer as referrer',
      'submissions.language as language',
      'submissions.client_key as client_key',
      'submissions.created_at as created_at',
      'submissions.modified_at as modified_at',
    ])
    .where('submissions.organization_id', '=', organizationId)
    .where('submissions.person_id', '=', personId)
    .orderBy('submissions.created_at', 'desc')
    .execute();
}

/** Submissions per form and UTC day since `since`, for the dashboard. */
export function dailySubmissionCounts(q: Q, organizationId: string, since: string) {
  return q
    .selectFrom('submissions')
    .select(['form_id', sql<string>`substr(created_at, 1, 10)`.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('organization_id', '=', organizationId)
    .where('created_at', '>=', since)
    .groupBy(['form_id', sql`substr(created_at, 1, 10)`])
    .execute();
}

/** Forms by id, of any organization (the console's names of actions: a consent's, an audit entry's). */
export function formsByIds(q: Q, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return q.selectFrom('forms').select(['id', 'slug', 'title', 'submission_count']).where('id', 'in', [...ids]).execute();
}

/** A form's submissions by `?source=` code. */
export const submissionsBySource = (q: Q, organizationId: string, formId: string) =>
  q
    .selectFrom('submissions')
    .select(['source', (eb) => eb.fn.countAll<number>().as('n')])
    .where('organization_id', '=', organizationId)
    .where('form_id', '=', formId)
    .groupBy('source')
    .execute();
