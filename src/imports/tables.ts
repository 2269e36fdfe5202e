import type { ColumnType, Selectable } from 'kysely';

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
