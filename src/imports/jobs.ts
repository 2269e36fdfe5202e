import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { failImport, JOB_IMPORT_PEOPLE, runImport, type ImportJobPayload } from './service.ts';

/**
 * The import job. It throws to be retried (a database that went away); on its last attempt it
 * first marks the import failed, so the organizer's page says so instead of waiting forever.
 */
export function importJobHandlers(deps: { db: Kysely<Database> }): Record<string, JobHandler> {
  return {
    [JOB_IMPORT_PEOPLE]: async (payload: ImportJobPayload, job) => {
      const { importId } = payload;
      try {
        await runImport(deps.db, payload, job.id);
      } catch (e) {
        if (job.attempts >= job.max_attempts) {
          await failImport(deps.db, importId, 'The import stopped on an error. The rows counted as done are imported; upload the file again to import the rest (people already added are merged, not doubled).');
        }
        throw e;
      }
    },
  };
}
