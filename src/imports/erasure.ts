import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import * as repo from './repository.ts';

/** What the organizer reads on an import stopped because a person in its file was erased. */
export const STOPPED_BY_ERASURE = 'A person in this file was erased, so it was not imported. Upload the file again without them.';

/** Whether a row of cells is this person's: one cell is their email (as typed, any case). */
const holds = (cells: unknown, email: string) => Array.isArray(cells) && cells.some((c) => typeof c === 'string' && c.trim().toLowerCase() === email);

/**
 * An erased person's rows in the organization's imports: gone from previews, emptied in the
 * rejected rows kept (the rejection and its reason stay, so the counts do), and an import whose
 * file holds them and has not finished is stopped and its file deleted, so it cannot bring them
 * back. A row is theirs when one cell is their email; other people's rows stay.
 */
export async function eraseFromImports(trx: Transaction<Database>, organizationId: string, email: string, now: string): Promise<Record<string, number>> {
  let stopped = 0;
  for (const imp of await repo.importPreviewsOf(trx, organizationId)) {
    const preview = JSON.parse(imp.preview) as string[][];
    const kept = preview.filter((cells) => !holds(cells, email));
    if (kept.length !== preview.length) await repo.setPreview(trx, imp.id, kept);
    if (imp.status === 'mapping' || imp.status === 'queued' || imp.status === 'running') {
      const file = (await repo.storedFileOf(trx, imp.id)).toString('utf8').toLowerCase();
      if (file.includes(email)) {
        await repo.stopImport(trx, imp.id, STOPPED_BY_ERASURE, now);
        stopped++;
      }
    }
  }
  // The JSON text of the email, as it is stored in the cells (quotes and backslashes escaped).
  for (const r of await repo.rejectionsContaining(trx, organizationId, JSON.stringify(email).slice(1, -1))) {
    if (holds(JSON.parse(r.cells), email)) await repo.setRejectionCells(trx, r.import_id, r.line, []);
  }
  return stopped > 0 ? { imports_stopped: stopped } : {};
}
