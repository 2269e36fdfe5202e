import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { duplicateReason, type Import } from './tables.ts';
import { UnitOfWork } from '../actions/unit-of-work.ts';
import { audit } from '../accounts/service.ts';
import { isCleanText } from '../actions/people/normalize.ts';
import { newId, nowIso } from '../util/ids.ts';
import * as repo from './repository.ts';
import { ImportFileError, MAX_FILE_BYTES, readCsv, readPerson, scanCsv, type CsvRow, type Field, type FilePosition, type ImportedPerson } from './parse.ts';

export const JOB_IMPORT_PEOPLE = 'people.import';
/** Rows written per transaction: a chunk is written whole or not at all. */
export const CHUNK_ROWS = 1000;
/** Rejected rows kept (with their cells) for the report and the download; all are counted. */
export const REJECTIONS_KEPT = 1000;
/** A job works this long, then hands the rest to a new job, so the worker's other jobs (emails) are not held up. */
const SLICE_MS = 5000;
const PIECE_BYTES = 1024 * 1024;
const CELL_KEPT = 1000;

/** Shown next to the subscribe choice and kept as each subscribed person's consent. */
export const SUBSCRIBE_WORDING = 'Everyone in this file agreed to receive email from us: subscribe them.';

type Db = Kysely<Database>;

/**
 * Lets the event loop serve what is waiting. Inside a transaction it helps what needs no
 * database (cached petition pages); on SQLite the rest waits for the commit anyway.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Why an import cannot do what was asked (already started, or gone). */
export class ImportStateError extends Error {}

/** A file over the upload limit: refused whole. */
export class FileTooLargeError extends ImportFileError {}

/**
 * Counts the bytes that pass and lets through at most `max`: the rest is read and dropped, so
 * the whole request is consumed and the browser gets the answer, and nothing past the limit
 * reaches the disk.
 */
function capped(max: number) {
  const counter = {
    size: 0,
    stream: new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        const room = max - counter.size;
        counter.size += chunk.length;
        callback(null, room >= chunk.length ? chunk : room > 0 ? chunk.subarray(0, room) : undefined);
      },
    }),
  };
  return counter;
}

/** The uploaded file's name as the organizer will see it in the list: no folders, no control characters. */
export function displayFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop()!.trim().slice(0, 200);
  return base && isCleanText(base) ? base : 'upload.csv';
}

/**
 * Takes an uploaded file: keeps it in a temporary file while it is read through once (refusing
 * one over 50 MB, not UTF-8 text, with broken quoting, too many columns or no people), then
 * stores the import and the file, in one transaction, in the database, where any process can
 * read it. Returns the new import's id. Throws ImportFileError, with nothing stored, when refused.
 */
export async function receiveUpload(
  deps: { db: Db; dataDir: string },
  upload: { stream: Readable; fileName: string | undefined; organizationId: string; userId: string | null; truncated?: () => boolean },
): Promise<string> {
  const id = newId();
  const dir = path.join(deps.dataDir, 'imports');
  await mkdir(dir, { recursive: true });
  const temporary = path.join(dir, `${id}.upload`);
  try {
    const counted = capped(MAX_FILE_BYTES);
    await pipeline(upload.stream, counted.stream, createWriteStream(temporary));
    if (counted.size > MAX_FILE_BYTES || upload.truncated?.()) {
      throw new FileTooLargeError(`This file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB, the most turnout imports at once. Split it into smaller files and import each.`);
    }
    const scan = await scanCsv(createReadStream(temporary));
    await deps.db.transaction().execute(async (trx) => {
      await repo.insertImport(trx, {
        id,
        organizationId: upload.organizationId,
        createdBy: upload.userId,
        fileName: displayFileName(upload.fileName),
        fileSize: counted.size,
        columns: scan.header,
        preview: scan.preview,
        totalRows: scan.rows,
        now: nowIso(),
      });
      let seq = 0;
      for await (const piece of createReadStream(temporary, { highWaterMark: PIECE_BYTES })) {
        await repo.insertFilePiece(trx, id, seq++, piece as Buffer);
        await nextTurn();
      }
    });
    return id;
  } finally {
    await unlink(temporary).catch(() => {});
  }
}

/**
 * Records the organizer's mapping and queues the import's job, in the transaction of `uow`.
 * Throws ImportStateError when the import is not waiting for a mapping (already started).
 */
export async function startImport(
  uow: UnitOfWork,
  s: { organizationId: string; importId: string; mapping: Field[]; tag: string | null; subscribe: boolean },
) {
  const jobId = uow.enqueue(JOB_IMPORT_PEOPLE, { importId: s.importId }, { maxAttempts: 5 });
  const queued = await repo.queueImport(uow.trx, s.organizationId, s.importId, { mapping: s.mapping, tag: s.tag, subscribe: s.subscribe, runnerJobId: jobId });
  if (!queued) throw new ImportStateError('This import has already been started.');
}

/** The stored file from a byte offset on, piece by piece. */
async function* storedFile(db: Db, importId: string, offset: number): AsyncGenerator<Buffer> {
  const sizes = await repo.pieceSizes(db, importId);
  let start = 0;
  for (let seq = 0; seq < sizes.length; seq++) {
    const size = sizes[seq]!;
    if (start + size > offset) {
      const piece = await repo.filePiece(db, importId, seq);
      if (!piece) return;
      yield offset > start ? piece.subarray(offset - start) : piece;
    }
    start += size;
  }
}

/** Another copy of the job moved the import on: this one stops without writing. */
class StandDown extends Error {}


interface Progress {
  rowsDone: number;
  /** Rejections stored so far (at most REJECTIONS_KEPT). */
  kept: number;
  reasons: Record<string, number>;
  added: number;
  merged: number;
  rejected: number;
}

/**
 * Writes one chunk of rows in one transaction: validates each row, merges rows of the same
 * email, adds or updates the people, tags them, keeps the first rejections, and moves the
 * import's counts on. `then` runs in the same transaction (hand over to a new job, or finish).
 */
async function writeChunk(db: Db, imp: Import, rows: CsvRow[], p: Progress, then: (trx: Transaction<Database>, p: Progress) => Promise<void>): Promise<Progress> {
  const mapping = JSON.parse(imp.mapping!) as Field[];
  const now = nowIso();
  return db.transaction().execute(async (trx) => {
    // Claim the rows first: a second copy of the job waits here, then finds them taken.
    if (!(await repo.advanceImport(trx, imp.id, p.rowsDone, { rows: rows.length, added: 0, merged: 0, rejected: 0, reasons: JSON.stringify(p.reasons) }))) {
      throw new StandDown();
    }
    const next: Progress = { ...p, reasons: { ...p.reasons }, rowsDone: p.rowsDone + rows.length };
    const people = new Map<string, ImportedPerson>();
    const rejections: repo.Rejection[] = [];
    let accepted = 0;
    for (const row of rows) {
      const read = readPerson(row.cells, mapping);
      if ('reason' in read) {
        next.rejected++;
        next.reasons[read.reason] = (next.reasons[read.reason] ?? 0) + 1;
        if (next.kept < REJECTIONS_KEPT) {
          next.kept++;
          rejections.push({ line: row.line, reason: read.reason, cells: row.cells.map((c) => c.slice(0, CELL_KEPT)) });
        }
        continue;
      }
      accepted++;
      const person = read.person;
      const earlier = people.get(person.email);
      if (!earlier) people.set(person.email, person);
      else {
        // The same person twice in the file: what the later row says wins, tags add up.
        earlier.givenName = person.givenName ?? earlier.givenName;
        earlier.familyName = person.familyName ?? earlier.familyName;
        earlier.postalCode = person.postalCode ?? earlier.postalCode;
        earlier.country = person.country ?? earlier.country;
        earlier.phoneNumber = person.phoneNumber ?? earlier.phoneNumber;
        earlier.tags.push(...person.tags);
      }
    }
    const existing = await repo.existingEmails(trx, imp.organization_id, [...people.keys()]);
    const added = [...people.keys()].filter((email) => !existing.has(email)).length;
    next.added += added;
    next.merged += accepted - added;
    await nextTurn();
    const ids = await repo.upsertImportedPeople(trx, imp.organization_id, [...people.values()], imp.subscribe === 1, now);
    await nextTurn();
    const tagNames = [...new Set([...(imp.tag ? [imp.tag] : []), ...[...people.values()].flatMap((person) => person.tags)])];
    if (tagNames.length > 0) {
      const tagIds = await repo.ensureTags(trx, imp.organization_id, tagNames, now);
      const taggings: { tagId: string; personId: string }[] = [];
      for (const person of people.values()) {
        const personId = ids.get(person.email)!;
        for (const name of new Set([...(imp.tag ? [imp.tag] : []), ...person.tags])) taggings.push({ tagId: tagIds.get(name)!, personId });
      }
      await repo.insertTaggings(trx, taggings, now);
    }
    if (imp.subscribe === 1) await repo.insertImportConsents(trx, imp.organization_id, imp.id, [...ids.values()], SUBSCRIBE_WORDING, now);
    await repo.insertRejections(trx, imp.id, rejections);
    await repo.advanceImport(trx, imp.id, next.rowsDone, {
      rows: 0,
      added: next.added - p.added,
      merged: next.merged - p.merged,
      rejected: next.rejected - p.rejected,
      reasons: JSON.stringify(next.reasons),
    });
    await then(trx, next);
    return next;
  });
}

async function finish(trx: Transaction<Database>, imp: Import, p: Progress) {
  if (!(await repo.finishImport(trx, imp.id, 'done', null, nowIso()))) throw new StandDown();
  await repo.deleteFilePieces(trx, imp.id);
  await audit(trx, {
    organizationId: imp.organization_id,
    userId: imp.created_by,
    action: 'people.imported',
    subject: imp.id,
    details: { file: imp.file_name, rows: p.rowsDone, added: p.added, merged: p.merged, rejected: p.rejected, tag: imp.tag, subscribed: imp.subscribe === 1 },
  });
}

/** What a job hands to the next: where in the file the rows it wrote end, so the next reads on from there. */
export interface ImportJobPayload {
  importId: string;
  resume?: FilePosition & { rowsDone: number };
}

/**
 * The import job: reads the stored file as a stream and writes it CHUNK_ROWS rows per
 * transaction, letting other work run between chunks. After SLICE_MS it hands the rest to a new
 * job (queued in the same transaction as its last chunk, with the byte offset to read on from)
 * and returns. Safe to repeat: an import resumes after the last chunk written (reading the file
 * again from the start when the offset it was given is not that chunk's), and a copy of the job
 * that is not the import's current one does nothing.
 */
export async function runImport(db: Db, payload: ImportJobPayload, jobId: string, opts: { sliceMs?: number } = {}): Promise<void> {
  const { importId } = payload;
  let imp = await repo.importById(db, importId);
  if (!imp || imp.runner_job_id !== jobId || (imp.status !== 'queued' && imp.status !== 'running')) return;
  if (imp.status === 'queued') {
    try {
      await noteDuplicates(db, imp);
    } catch (e) {
      if (!(e instanceof ImportFileError)) throw e;
      await repo.finishImport(db, importId, 'failed', e.message, nowIso());
      return;
    }
    await repo.markRunning(db, importId, nowIso());
    imp = (await repo.importById(db, importId))!;
  }
  const started = Date.now();
  let p: Progress = {
    rowsDone: imp.rows_done,
    kept: Math.min(imp.rejected, REJECTIONS_KEPT),
    reasons: JSON.parse(imp.reasons) as Record<string, number>,
    added: imp.added,
    merged: imp.merged,
    rejected: imp.rejected,
  };
  const current = imp;
  const handOver = async (trx: Transaction<Database>, done: Progress, end: FilePosition) => {
    const uow = new UnitOfWork(trx, nowIso());
    const next: ImportJobPayload = { importId, resume: { ...end, rowsDone: done.rowsDone } };
    await repo.setRunner(trx, importId, uow.enqueue(JOB_IMPORT_PEOPLE, next, { maxAttempts: 5 }));
    await uow.flush();
  };
  const resume = payload.resume?.rowsDone === p.rowsDone ? payload.resume : undefined;
  try {
    // From the start, the header and the rows already written are skipped.
    let skip = resume ? 0 : p.rowsDone + 1;
    let chunk: CsvRow[] = [];
    for await (const batch of readCsv(storedFile(db, importId, resume?.offset ?? 0), resume)) {
      for (const row of batch) {
        if (skip > 0) {
          skip--;
          continue;
        }
        chunk.push(row);
        if (chunk.length < CHUNK_ROWS) continue;
        const last = Date.now() - started >= (opts.sliceMs ?? SLICE_MS);
        const end = row.end;
        p = await writeChunk(db, current, chunk, p, async (trx, done) => (last ? handOver(trx, done, end) : undefined));
        chunk = [];
        if (last) return;
        await nextTurn();
      }
    }
    if (chunk.length > 0) await writeChunk(db, current, chunk, p, (trx, done) => finish(trx, current, done));
    else await db.transaction().execute((trx) => finish(trx, current, p));
  } catch (e) {
    if (e instanceof StandDown) return;
    if (e instanceof ImportFileError) {
      await repo.finishImport(db, importId, 'failed', e.message, nowIso());
      return;
    }
    throw e;
  }
}

/**
 * Before the first chunk, one read through the file finds the rows whose person (their email) an
 * earlier row already named, and keeps each with the line it repeats (at most REJECTIONS_KEPT),
 * for the report. Only rows the import takes count; a crash and a second run write them anew.
 */
async function noteDuplicates(db: Db, imp: Import) {
  const mapping = JSON.parse(imp.mapping!) as Field[];
  const first = new Map<string, number>();
  const notes: repo.Rejection[] = [];
  let header = true;
  for await (const batch of readCsv(storedFile(db, imp.id, 0))) {
    for (const row of batch) {
      if (header) {
        header = false;
        continue;
      }
      const read = readPerson(row.cells, mapping);
      if ('reason' in read) continue;
      const seen = first.get(read.person.email);
      if (seen === undefined) first.set(read.person.email, row.line);
      else if (notes.length < REJECTIONS_KEPT) notes.push({ line: row.line, reason: duplicateReason(seen), cells: row.cells.map((c) => c.slice(0, CELL_KEPT)) });
    }
  }
  await db.transaction().execute(async (trx) => {
    await repo.deleteDuplicateNotes(trx, imp.id);
    await repo.insertRejections(trx, imp.id, notes);
  });
}

/** Marks an import failed for good, with a message for the organizer (the job gave up on it). */
export async function failImport(db: Db, importId: string, error: string) {
  await repo.finishImport(db, importId, 'failed', error, nowIso());
}
