import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Compilable, Db } from '../db/connect.ts';
import type { CsvFileJob, CsvFileOutcome } from '../db/csv-file-thread.ts';
import { csvText } from '../util/csv.ts';
import { signaturesForExport, signingTimeAt } from './repository.ts';

/** Column names follow Action Network's exports where it has one, so organizers' sheets and tools read them. */
export const SIGNATURE_COLUMNS = [
  'uuid',
  'first_name',
  'last_name',
  'email',
  'zip_code',
  'can2_country',
  'can2_subscription_status',
  'comments',
  'source',
  'referrer',
  'language',
  'created_at',
  'confirmed_at',
] as const;

/** From this many signatures on, an export from SQLite is written in two halves at once. */
export const EXPORT_SPLIT_FROM = 50_000;

/**
 * Streams a petition's signatures as CSV, oldest first, a thousand rows at a time: read in
 * chunks, turned into CSV and written with the output's backpressure, so memory stays flat
 * however many there are.
 *
 * On SQLite a large export is written in two halves at once: a worker thread writes the
 * second half (by signing time) into a temporary file while this thread writes the first half
 * to the output, which then gets the file. Reading and CSV take one core each half; the
 * million-signature export takes about half as long.
 */
export async function exportSignaturesCsv(
  database: Db,
  organizationId: string,
  petitionId: string,
  out: Writable,
  opts: { splitFrom?: number } = {},
) {
  await write(out, csvText([], SIGNATURE_COLUMNS));
  const file = database.sqliteFile;
  const middle = file ? await signingTimeAt(database.db, petitionId, 0.5) : null;
  if (!file || !middle || middle.total < (opts.splitFrom ?? EXPORT_SPLIT_FROM) || middle.at === null) {
    await writeRows(database, signaturesForExport(database.db, organizationId, petitionId), out);
    return;
  }
  // Beside the database, which holds the same data: a file left by a crash is no new exposure.
  const dir = await mkdtemp(path.join(path.dirname(path.resolve(file)), '.export-'));
  const secondHalf = path.join(dir, 'second-half.csv');
  const { sql: text, parameters } = signaturesForExport(database.db, organizationId, petitionId, { from: middle.at }).compile();
  const thread = startCsvFileThread({ database: file, sql: text, parameters: [...parameters], output: secondHalf });
  try {
    await writeRows(database, signaturesForExport(database.db, organizationId, petitionId, { before: middle.at }), out);
    await thread.done;
    for await (const bytes of createReadStream(secondHalf)) await write(out, bytes as Buffer);
  } finally {
    await thread.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeRows(database: Db, query: Compilable, out: Writable) {
  for await (const rows of database.readChunks(query, CHUNK)) await write(out, csvText(rows));
}

// `once` rejects if the output fails, so an error never leaves the export waiting for 'drain'.
async function write(out: Writable, data: string | Buffer) {
  if (!out.write(data)) await once(out, 'drain');
}

function startCsvFileThread(job: CsvFileJob) {
  const thread = new Worker(new URL('../db/csv-file-thread.js', import.meta.url), { workerData: job });
  const done = new Promise<void>((resolve, reject) => {
    thread.once('message', (outcome: CsvFileOutcome) => ('error' in outcome ? reject(new Error(outcome.error)) : resolve()));
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`the export's second half stopped (exit code ${code})`)));
  });
  // Whoever awaits `done` sees its failure; until then it must not count as unhandled.
  done.catch(() => {});
  return { done, stop: () => thread.terminate() };
}

const CHUNK = 1000;
