import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { audit } from '../accounts/service.ts';
import { nowIso } from '../util/ids.ts';
import type { Capability } from '../context.ts';
import * as queries from './console-queries.ts';
import * as erasure from './erasure-queries.ts';

/** What erasing a person changed: per record type, how many records were kept (and stay counted), as `signatures_kept`. */
export type Erasure = Record<string, number>;

/**
 * Erases one of an organization's people, in one transaction: every personal field becomes
 * null (the email too, so they no longer match a search or a dedupe, and get no more mail),
 * their tags and consents are deleted, and each capability's records of them are cleared as its
 * `personalData` declares: rows that name them by `person_id` (a signature, an RSVP) lose their
 * `clear` columns here and stay, so every count is unchanged; the capability's `erase` clears
 * the rest (a host's name on an event, an import's rows). Jobs that name them, one of those
 * records or their email are cancelled and emptied; audit rows lose their email. The audit row
 * written with it names the person's id and counts only. Returns null when the organization has
 * no such person.
 */
export async function erasePerson(
  db: Kysely<Database>,
  organizationId: string,
  personId: string,
  capabilities: readonly Capability[],
  by: { userId: string | null } = { userId: null },
): Promise<Erasure | null> {
  return db.transaction().execute(async (trx) => {
    const now = nowIso();
    const person = await erasure.personToErase(trx, organizationId, personId);
    if (!person) return null;
    const erased = { ...person, email: person.email?.trim().toLowerCase() || null };
    await queries.clearPersonFields(trx, organizationId, personId, now);
    await queries.deleteTagsAndConsentsOf(trx, organizationId, personId);
    const kept: Erasure = {};
    const recordIds: string[] = [personId];
    for (const c of capabilities) {
      for (const [table, t] of Object.entries(c.personalData ?? {})) {
        if (t.rows !== 'person_id') continue;
        if (t.columns.id) recordIds.push(...(await erasure.idsOfPersonIn(trx, table, organizationId, personId)));
        const columns = Object.entries(t.columns).flatMap(([column, d]) => (d !== 'plain' && d.erase === 'clear' ? [column] : []));
        kept[`${table}_kept`] = await erasure.clearPersonColumns(trx, { table, columns, stamp: t.stamp }, organizationId, personId, now);
      }
    }
    for (const c of capabilities) if (c.erase) Object.assign(kept, await c.erase(trx, organizationId, personId, now, erased));
    // Another system's key for the person or one of their records (`mycrm:42`) would tie the record back to them.
    const identifiers = await queries.deleteIdentifiersOf(trx, organizationId, recordIds);
    if (identifiers > 0) kept.identifiers_deleted = identifiers;
    const cancelled = await erasure.cancelJobsNaming(trx, recordIds, erased.email, now);
    if (cancelled > 0) kept.jobs_cancelled = cancelled;
    if (erased.email) await forgetInAuditLog(trx, organizationId, erased.email);
    await audit(trx, { organizationId, userId: by.userId, action: 'person.erased', subject: personId, details: kept });
    return kept;
  });
}

/** The audit log keeps what happened, not to whom: the erased person's email goes from its rows. */
async function forgetInAuditLog(trx: Transaction<Database>, organizationId: string, email: string) {
  const isEmail = (v: unknown) => typeof v === 'string' && v.trim().toLowerCase() === email;
  const scrub = (v: unknown): unknown =>
    isEmail(v) ? null : Array.isArray(v) ? v.map(scrub) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)])) : v;
  for (const row of await erasure.auditRowsNaming(trx, organizationId, email)) {
    await erasure.rewriteAuditRow(trx, row.id, isEmail(row.subject) ? null : row.subject, JSON.stringify(scrub(JSON.parse(row.details))));
  }
}
