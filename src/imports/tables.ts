import type { ColumnType, Selectable } from 'kysely';
import type { PersonalData } from '../context.ts';

// CSV imports of people (migration 003), merged into the core's `Database` below.

export type ImportStatus = 'mapping' | 'queued' | 'running' | 'done' | 'failed';

export interface ImportTable {
  id: string;
  organization_id: string;
  created_by: string | null;
  file_name: string;
  file_size: number;
  /** mapping: waiting for the organizer to say what each column is; then queued, running, done or failed. */
  status: ImportStatus;
  /** JSON array of the header row's cells. */
  columns: string;
  /** JSON array of the first rows, as read. */
  preview: string;
  total_rows: number;
  /** JSON array: the field each column goes to (`ignore`, `email`, `given_name` …). */
  mapping: string | null;
  tag: string | null;
  /** 1 when the organizer said everyone in the file agreed to be emailed. */
  subscribe: ColumnType<number, number | undefined, number>;
  rows_done: ColumnType<number, number | undefined, number>;
  added: ColumnType<number, number | undefined, number>;
  merged: ColumnType<number, number | undefined, number>;
  rejected: ColumnType<number, number | undefined, number>;
  /** JSON object: how many rows were rejected for each reason (all of them, not only the rows kept). */
  reasons: ColumnType<string, string | undefined, string>;
  /** The job allowed to work on the import; an older copy of it (after a crash) stands down. */
  runner_job_id: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface ImportFilePieceTable {
  import_id: string;
  seq: number;
  data: Buffer;
}

export interface ImportRejectionTable {
  import_id: string;
  /** The line of the file the row starts on (the header is line 1). */
  line: number;
  reason: string;
  /** JSON array: the row's cells as they were in the file. */
  cells: string;
}

declare module '../db/schema.ts' {
  interface Database {
    imports: ImportTable;
    import_file_pieces: ImportFilePieceTable;
    import_rejections: ImportRejectionTable;
  }
}

export type Import = Selectable<ImportTable>;

/**
 * The reason kept, beside the rejections, with a row whose person an earlier row of the file
 * already named (the rows are merged, the later values winning), so the report can list them.
 */
export const duplicateReason = (firstLine: number) => `Same email as line ${firstLine}: merged into one person`;
/** How those notes are told apart from rejections (a LIKE pattern). */
export const DUPLICATE_PATTERN = 'Same email as line %';

const plain = (...columns: string[]) => Object.fromEntries(columns.map((c) => [c, 'plain' as const]));

/**
 * What each column holds, for erasure (Capability.personalData). An import's rows are found by
 * the erased person's email in their cells (src/imports/erasure.ts); the counts stay.
 */
export const IMPORTS_PERSONAL_DATA: PersonalData = {
  imports: {
    rows: 'erase',
    columns: {
      ...plain('id', 'organization_id', 'created_by', 'file_size', 'status', 'total_rows', 'mapping', 'tag', 'subscribe'),
      ...plain('rows_done', 'added', 'merged', 'rejected', 'reasons', 'runner_job_id', 'error', 'created_at', 'started_at', 'finished_at'),
      file_name: { erase: 'keep', why: 'the name the organizer gave their file, not a supporter\u2019s' },
      columns: { erase: 'keep', why: 'the header row: the names of the file\u2019s columns' },
      preview: { erase: 'clear', why: 'the first rows of the file: the erased person\u2019s rows are taken out' },
    },
  },
  import_file_pieces: {
    rows: 'erase',
    columns: {
      ...plain('import_id', 'seq'),
      data: { erase: 'clear', why: 'the file while it waits or runs: an import whose file holds the person is stopped and its file deleted' },
    },
  },
  import_rejections: {
    rows: 'erase',
    columns: {
      ...plain('import_id', 'line', 'reason'),
      cells: { erase: 'clear', why: 'a rejected row as it was in the file: emptied when it is the person\u2019s; the rejection is still counted' },
    },
  },
};
