// A worker thread that writes one read-only SQLite query's rows as CSV into a file, a thousand
// rows at a time. The export of a large petition runs its second half here while the main
// thread writes the first half (see petitions/export.ts): reading the rows and writing them
// as CSV each take about half of an export's time, and a machine has more than one core.
import { parentPort, workerData } from 'node:worker_threads';
import { closeSync, openSync, writeSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { csvText } from '../util/csv.ts';

export interface CsvFileJob {
  database: string;
  sql: string;
  parameters: unknown[];
  output: string;
}

export type CsvFileOutcome = { rows: number } | { error: string };

const CHUNK = 1000;

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
}

export function writeCsvFile(job: CsvFileJob): number {
  const database = new SQLite(job.database, { readonly: true, fileMustExist: true });
  const fd = openSync(job.output, 'w');
  let count = 0;
  try {
    let chunk: unknown[][] = [];
    for (const row of database.prepare(job.sql).raw(true).iterate(...job.parameters) as IterableIterator<unknown[]>) {
      chunk.push(row);
      if (chunk.length === CHUNK) {
        writeAll(fd, csvText(chunk));
        count += chunk.length;
        chunk = [];
      }
    }
    if (chunk.length > 0) writeAll(fd, csvText(chunk));
    return count + chunk.length;
  } finally {
    closeSync(fd);
    database.close();
  }
}

if (parentPort && workerData) {
  let outcome: CsvFileOutcome;
  try {
    outcome = { rows: writeCsvFile(workerData as CsvFileJob) };
  } catch (e) {
    outcome = { error: e instanceof Error ? e.message : String(e) };
  }
  parentPort.postMessage(outcome);
}
