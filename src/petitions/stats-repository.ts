import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

// The queries of a petition's charts: counted signatures (confirmed, not invalidated) per day,
// per source code and per ZIP of the signer. Kysely only; the charts page turns ZIPs into states.

type Q = Kysely<Database> | Transaction<Database>;

const counted = (q: Q, organizationId: string, petitionId: string) =>
  q
    .selectFrom('signatures')
    .where('signatures.organization_id', '=', organizationId)
    .where('signatures.petition_id', '=', petitionId)
    .where('signatures.confirmed_at', 'is not', null)
    .where('signatures.invalidated_at', 'is', null);

/** Counted signatures per UTC day since `since` (YYYY-MM-DD…). */
export const signaturesPerDay = (q: Q, organizationId: string, petitionId: string, since: string) =>
  counted(q, organizationId, petitionId)
    .select([sql<string>`substr(signatures.created_at, 1, 10)`.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('signatures.created_at', '>=', since)
    .groupBy(sql`substr(signatures.created_at, 1, 10)`)
    .execute();

/** Counted signatures per `?source=` code (null: none). */
export const signaturesPerSource = (q: Q, organizationId: string, petitionId: string) =>
  counted(q, organizationId, petitionId)
    .select(['signatures.source', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('signatures.source')
    .execute();

/** Counted signatures per signer's ZIP and country (an erased signer has neither). */
export const signaturesPerZip = (q: Q, organizationId: string, petitionId: string) =>
  counted(q, organizationId, petitionId)
    .innerJoin('people', 'people.id', 'signatures.person_id')
    .select(['people.postal_code', 'people.country', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['people.postal_code', 'people.country'])
    .execute();
