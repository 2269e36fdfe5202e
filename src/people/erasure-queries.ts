import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { chunks } from '../util/chunks.ts';

type Q = Kysely<Database> | Transaction<Database>;

// The queries of an erasure that no capability owns: the rows found by `person_id` in a
// capability's declared tables (Capability.personalData), the queued jobs and the audit log.
// Table and column names come from the declarations, never from a request.

/** A LIKE pattern that matches `text` literally anywhere; `!` escapes the wildcards (ESCAPE '!'). */
const anywhere = (text: string) => `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;

/** The ids of one person's rows in a table whose rows name them by `person_id`. */
export async function idsOfPersonIn(q: Q, table: string, organizationId: string, personId: string): Promise<string[]> {
  const r = await sql<{ id: string }>`select id from ${sql.table(table)} where organization_id = ${organizationId} and person_id = ${personId}`.execute(q);
  return r.rows.map((row) => row.id);
}

/** Sets `columns` to null (and `stamp` to `now`) in one person's rows of a table; returns how many rows were kept so. */
export async function clearPersonColumns(
  q: Q,
  t: { table: string; columns: string[]; stamp?: string },
  organizationId: string,
  personId: string,
  now: string,
): Promise<number> {
  const sets = [...t.columns.map((c) => sql`${sql.ref(c)} = null`), ...(t.stamp ? [sql`${sql.ref(t.stamp)} = ${now}`] : [])];
  if (sets.length === 0) {
    const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(t.table)} where organization_id = ${organizationId} and person_id = ${personId}`.execute(q);
    return Number(r.rows[0]?.n ?? 0);
  }
  const r = await sql`update ${sql.table(t.table)} set ${sql.join(sets)} where organization_id = ${organizationId} and person_id = ${personId}`.execute(q);
  return Number(r.numAffectedRows ?? 0);
}

/**
 * Cancels every job whose payload names one of `ids` (as a JSON string) or contains `email`
 * (any case), and empties its payload; a job already done keeps its status and loses its payload.
 * A running job's worker finds it no longer holds it, and records nothing.
 */
export async function cancelJobsNaming(q: Q, ids: readonly string[], email: string | null, now: string): Promise<number> {
  const needles = [...ids.map((id) => ({ text: JSON.stringify(id), lower: false })), ...(email ? [{ text: JSON.stringify(email).slice(1, -1), lower: true }] : [])];
  let cancelled = 0;
  for (const batch of chunks(needles, 100)) {
    const naming = sql.join(
      batch.map((n) => (n.lower ? sql`lower(payload) like ${anywhere(n.text.toLowerCase())} escape '!'` : sql`payload like ${anywhere(n.text)} escape '!'`)),
      sql` or `,
    );
    const r = await sql`update jobs set status = 'cancelled', payload = '{}', locked_by = null, locked_until = null, finished_at = ${now},
        last_error = 'cancelled: the person was erased'
      where status <> 'done' and status <> 'cancelled' and (${naming})`.execute(q);
    cancelled += Number(r.numAffectedRows ?? 0);
    await sql`update jobs set payload = '{}' where (status = 'done' or status = 'cancelled') and payload <> '{}' and (${naming})`.execute(q);
  }
  return cancelled;
}

/** The organization's audit rows that name `email` (any case) in their subject or details. */
export const auditRowsNaming = (q: Q, organizationId: string, email: string) =>
  q
    .selectFrom('audit_events')
    .select(['id', 'subject', 'details'])
    .where('organization_id', '=', organizationId)
    .where(sql<boolean>`(lower(subject) = ${email} or lower(details) like ${anywhere(JSON.stringify(email).slice(1, -1))} escape '!')`)
    .execute();

export async function rewriteAuditRow(q: Q, id: string, subject: string | null, details: string) {
  await q.updateTable('audit_events').set({ subject, details }).where('id', '=', id).execute();
}

/** Who is being erased, as they are before their fields are cleared. */
export const personToErase = (q: Q, organizationId: string, personId: string) =>
  q.selectFrom('people').select(['id', 'email', 'given_name', 'family_name']).where('organization_id', '=', organizationId).where('id', '=', personId).executeTakeFirst();
