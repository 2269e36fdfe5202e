import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { DUPLICATE_PATTERN, type ImportStatus } from './tables.ts';
import { newId } from '../util/ids.ts';
import { chunks } from '../util/chunks.ts';
import { personKey, upsertPeople } from '../actions/people/repository.ts';

type Q = Kysely<Database> | Transaction<Database>;


export interface NewImport {
  id: string;
  organizationId: string;
  createdBy: string | null;
  fileName: string;
  fileSize: number;
  columns: string[];
  preview: string[][];
  totalRows: number;
  now: string;
}

export async function insertImport(q: Q, i: NewImport) {
  await q
    .insertInto('imports')
    .values({
      id: i.id,
      organization_id: i.organizationId,
      created_by: i.createdBy,
      file_name: i.fileName,
      file_size: i.fileSize,
      status: 'mapping',
      columns: JSON.stringify(i.columns),
      preview: JSON.stringify(i.preview),
      total_rows: i.totalRows,
      mapping: null,
      tag: null,
      runner_job_id: null,
      error: null,
      created_at: i.now,
      started_at: null,
      finished_at: null,
    })
    .execute();
}

export async function insertFilePiece(q: Q, importId: string, seq: number, data: Buffer) {
  await q.insertInto('import_file_pieces').values({ import_id: importId, seq, data }).execute();
}

export async function filePiece(q: Q, importId: string, seq: number): Promise<Buffer | undefined> {
  const row = await q.selectFrom('import_file_pieces').select('data').where('import_id', '=', importId).where('seq', '=', seq).executeTakeFirst();
  return row?.data;
}

/** The size in bytes of each piece of the stored file, in order. */
export async function pieceSizes(q: Q, importId: string): Promise<number[]> {
  const rows = await q
    .selectFrom('import_file_pieces')
    .select(['seq', sql<number>`length(data)`.as('size')])
    .where('import_id', '=', importId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => Number(r.size));
}

export async function deleteFilePieces(q: Q, importId: string) {
  await q.deleteFrom('import_file_pieces').where('import_id', '=', importId).execute();
}

/** An import of the organization, or undefined (another organization's import is not found either). */
export function findImport(q: Q, organizationId: string, id: string) {
  return q.selectFrom('imports').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

/** Reads an import by id alone: for the worker, which has the id from its own job. */
export function importById(q: Q, id: string) {
  return q.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The organization's imports, newest first, with who uploaded each. */
export function importsOf(q: Q, organizationId: string, limit = 100) {
  return q
    .selectFrom('imports')
    .leftJoin('users', 'users.id', 'imports.created_by')
    .select([
      'imports.id',
      'imports.file_name',
      'imports.status',
      'imports.total_rows',
      'imports.rows_done',
      'imports.added',
      'imports.merged',
      'imports.rejected',
      'imports.created_at',
      'imports.finished_at',
      'users.email as created_by_email',
    ])
    .where('imports.organization_id', '=', organizationId)
    .orderBy('imports.created_at', 'desc')
    .orderBy('imports.id', 'desc')
    .limit(limit)
    .execute();
}

/** Records the organizer's choices and hands the import to `runnerJobId`; false unless it was waiting for them. */
export async function queueImport(
  q: Q,
  organizationId: string,
  id: string,
  c: { mapping: string[]; tag: string | null; subscribe: boolean; runnerJobId: string },
): Promise<boolean> {
  const r = await q
    .updateTable('imports')
    .set({ status: 'queued', mapping: JSON.stringify(c.mapping), tag: c.tag, subscribe: c.subscribe ? 1 : 0, runner_job_id: c.runnerJobId })
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .where('status', '=', 'mapping')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Deletes an import that was never started, with its file; false when there is none waiting. */
export async function deleteWaitingImport(q: Q, organizationId: string, id: string): Promise<boolean> {
  const r = await q.deleteFrom('imports').where('organization_id', '=', organizationId).where('id', '=', id).where('status', '=', 'mapping').executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function markRunning(q: Q, id: string, now: string) {
  await q.updateTable('imports').set({ status: 'running', started_at: now }).where('id', '=', id).where('status', '=', 'queued').execute();
}

export async function setRunner(q: Q, id: string, runnerJobId: string) {
  await q.updateTable('imports').set({ runner_job_id: runnerJobId }).where('id', '=', id).execute();
}

export interface ChunkOutcome {
  rows: number;
  added: number;
  merged: number;
  rejected: number;
  reasons: string;
}

/**
 * Adds one chunk's counts, but only if no one else moved the import on since `rowsDone` was
 * read: a second copy of the job (a lock that expired under a slow import) writes nothing.
 */
export async function advanceImport(q: Q, id: string, rowsDone: number, o: ChunkOutcome): Promise<boolean> {
  const r = await q
    .updateTable('imports')
    .set((eb) => ({
      rows_done: eb('rows_done', '+', o.rows),
      added: eb('added', '+', o.added),
      merged: eb('merged', '+', o.merged),
      rejected: eb('rejected', '+', o.rejected),
      reasons: o.reasons,
    }))
    .where('id', '=', id)
    .where('rows_done', '=', rowsDone)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Ends a queued or running import; false when it had already ended. */
export async function finishImport(q: Q, id: string, status: Extract<ImportStatus, 'done' | 'failed'>, error: string | null, now: string): Promise<boolean> {
  const r = await q
    .updateTable('imports')
    .set({ status, error, finished_at: now, runner_job_id: null })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Which of these (normalized) emails are already on the organization's list. */
export async function existingEmails(q: Q, organizationId: string, emails: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const batch of chunks(emails)) {
    const rows = await q.selectFrom('people').select('email').where('organization_id', '=', organizationId).where('email', 'in', batch).execute();
    for (const r of rows) if (r.email) found.add(r.email);
  }
  return found;
}

export interface ImportedPersonRow {
  email: string;
  givenName: string | null;
  familyName: string | null;
  postalCode: string | null;
  country: string | null;
  phoneNumber: string | null;
}

/**
 * Inserts people or refreshes the fields the file has, with the rules of `upsertPeople`: a value
 * in the file replaces the stored one, an empty cell keeps it; `subscribe` subscribes, and
 * otherwise a new person starts unsubscribed and an existing one keeps their status.
 * Returns each person's id by email.
 */
export async function upsertImportedPeople(
  q: Q,
  organizationId: string,
  people: ImportedPersonRow[],
  subscribe: boolean,
  now: string,
): Promise<Map<string, string>> {
  const ids = await upsertPeople(
    q,
    people.map((p) => ({ ...p, organizationId, language: null, subscribe, now })),
  );
  return new Map(people.map((p) => [p.email, ids.get(personKey(organizationId, p.email))!]));
}

/** The ids of tags by name, creating those the organization does not have yet. */
export async function ensureTags(q: Q, organizationId: string, names: string[], now: string): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const batch of chunks([...new Set(names)])) {
    await q
      .insertInto('tags')
      .values(batch.map((name) => ({ id: newId(), organization_id: organizationId, name, created_at: now })))
      .onConflict((oc) => oc.columns(['organization_id', 'name']).doNothing())
      .execute();
    const rows = await q.selectFrom('tags').select(['id', 'name']).where('organization_id', '=', organizationId).where('name', 'in', batch).execute();
    for (const r of rows) ids.set(r.name, r.id);
  }
  return ids;
}

export async function insertTaggings(q: Q, taggings: { tagId: string; personId: string }[], now: string) {
  for (const batch of chunks(taggings)) {
    await q
      .insertInto('taggings')
      .values(batch.map((t) => ({ id: newId(), tag_id: t.tagId, person_id: t.personId, created_at: now })))
      .onConflict((oc) => oc.columns(['tag_id', 'person_id']).doNothing())
      .execute();
  }
}

/** Keeps, for each person, the consent the organizer vouched for when importing them as subscribed. */
export async function insertImportConsents(q: Q, organizationId: string, importId: string, personIds: string[], wording: string, now: string) {
  for (const batch of chunks(personIds)) {
    await q
      .insertInto('consents')
      .values(
        batch.map((personId) => ({
          id: newId(),
          organization_id: organizationId,
          person_id: personId,
          action_type: 'import',
          action_id: importId,
          given: 1,
          wording,
          created_at: now,
        })),
      )
      .execute();
  }
}

export interface Rejection {
  line: number;
  reason: string;
  cells: string[];
}

export async function insertRejections(q: Q, importId: string, rejections: Rejection[]) {
  for (const batch of chunks(rejections)) {
    await q
      .insertInto('import_rejections')
      .values(batch.map((r) => ({ import_id: importId, line: r.line, reason: r.reason, cells: JSON.stringify(r.cells) })))
      .onConflict((oc) => oc.columns(['import_id', 'line']).doNothing())
      .execute();
  }
}

/** The rejected rows kept for an import of the organization, in file order. */
export function rejectionsOf(q: Q, organizationId: string, importId: string, limit = 1000) {
  return q
    .selectFrom('import_rejections')
    .innerJoin('imports', 'imports.id', 'import_rejections.import_id')
    .select(['import_rejections.line', 'import_rejections.reason', 'import_rejections.cells'])
    .where('imports.organization_id', '=', organizationId)
    .where('import_rejections.import_id', '=', importId)
    .where('import_rejections.reason', 'not like', DUPLICATE_PATTERN)
    .orderBy('import_rejections.line')
    .limit(limit)
    .execute();
}

/** The rows that named a person an earlier row already named, in file order (kept beside the rejections, with their own reason). */
export function duplicatesOf(q: Q, organizationId: string, importId: string, limit = 1000) {
  return q
    .selectFrom('import_rejections')
    .innerJoin('imports', 'imports.id', 'import_rejections.import_id')
    .select(['import_rejections.line', 'import_rejections.reason', 'import_rejections.cells'])
    .where('imports.organization_id', '=', organizationId)
    .where('import_rejections.import_id', '=', importId)
    .where('import_rejections.reason', 'like', DUPLICATE_PATTERN)
    .orderBy('import_rejections.line')
    .limit(limit)
    .execute();
}

/** Counts the rows noted as duplicates of an import. */
export async function countDuplicates(q: Q, importId: string): Promise<number> {
  const row = await q.selectFrom('import_rejections').select((eb) => eb.fn.countAll<number>().as('n')).where('import_id', '=', importId).where('reason', 'like', DUPLICATE_PATTERN).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Drops an import's duplicate notes (a scan run again after a crash writes them anew). */
export async function deleteDuplicateNotes(q: Q, importId: string) {
  await q.deleteFrom('import_rejections').where('import_id', '=', importId).where('reason', 'like', DUPLICATE_PATTERN).execute();
}

// Erasure (src/imports/erasure.ts): what an import keeps of the people in its file.

/** The organization's imports with their preview rows, and whether their file is still stored. */
export const importPreviewsOf = (q: Q, organizationId: string) =>
  q.selectFrom('imports').select(['id', 'status', 'preview']).where('organization_id', '=', organizationId).execute();

export async function setPreview(q: Q, id: string, preview: string[][]) {
  await q.updateTable('imports').set({ preview: JSON.stringify(preview) }).where('id', '=', id).execute();
}

/** Rejected rows of the organization's imports whose cells contain `text` (any case): candidates, to be read. */
export const rejectionsContaining = (q: Q, organizationId: string, text: string) =>
  q
    .selectFrom('import_rejections')
    .innerJoin('imports', 'imports.id', 'import_rejections.import_id')
    .select(['import_rejections.import_id', 'import_rejections.line', 'import_rejections.cells'])
    .where('imports.organization_id', '=', organizationId)
    .where(sql<boolean>`lower(import_rejections.cells) like ${`%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`} escape '!'`)
    .execute();

export async function setRejectionCells(q: Q, importId: string, line: number, cells: string[]) {
  await q.updateTable('import_rejections').set({ cells: JSON.stringify(cells) }).where('import_id', '=', importId).where('line', '=', line).execute();
}

/** The stored file of an import, whole (erasure reads it to find a person). */
export async function storedFileOf(q: Q, importId: string): Promise<Buffer> {
  const rows = await q.selectFrom('import_file_pieces').select('data').where('import_id', '=', importId).orderBy('seq').execute();
  return Buffer.concat(rows.map((r) => r.data));
}

/** Ends an import that has not finished, whatever its state (erasure of a person in its file); deletes its file. */
export async function stopImport(q: Q, id: string, error: string, now: string) {
  await q
    .updateTable('imports')
    .set({ status: 'failed', error, finished_at: now, runner_job_id: null })
    .where('id', '=', id)
    .where('status', 'in', ['mapping', 'queued', 'running'])
    .execute();
  await deleteFilePieces(q, id);
}
