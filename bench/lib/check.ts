import { sql } from 'kysely';
import { connect } from '../../src/db/connect.ts';

export interface StoredCheck {
  /** Signatures on the petition in the database. */
  stored: number;
  /** The petition's counter, which the group commit moves once per batch. */
  counter: number;
  /** Emails answered 303 that have no signature on the petition. */
  lost: number;
  lostExamples: string[];
  /** People with more than one signature on the petition, or emails on the list twice. */
  duplicated: number;
}

/**
 * Compares what the server promised (the emails it answered 303) with what the database holds:
 * every promised signature stored, none stored twice, and the counter equal to the rows.
 */
export async function checkStored(databaseUrl: string, slug: string, accepted: Iterable<string>): Promise<StoredCheck> {
  const { db, close } = connect(databaseUrl);
  try {
    const petition = await db.selectFrom('petitions').select(['id', 'organization_id', 'signature_count']).where('slug', '=', slug).executeTakeFirstOrThrow();
    const emails = new Set<string>();
    const rows = db
      .selectFrom('signatures')
      .innerJoin('people', 'people.id', 'signatures.person_id')
      .select('people.email')
      .where('signatures.petition_id', '=', petition.id)
      .stream(5000);
    let stored = 0;
    for await (const r of rows) {
      stored++;
      if (r.email) emails.add(r.email);
    }
    const lostExamples: string[] = [];
    let lost = 0;
    for (const email of accepted) {
      if (!emails.has(email)) {
        lost++;
        if (lostExamples.length < 5) lostExamples.push(email);
      }
    }
    const twice = await sql<{ n: number }>`
      SELECT count(*) AS n FROM (
        SELECT person_id FROM signatures WHERE petition_id = ${petition.id} GROUP BY person_id HAVING count(*) > 1
      ) AS d`.execute(db);
    const sameEmail = await sql<{ n: number }>`
      SELECT count(*) AS n FROM (
        SELECT email FROM people WHERE organization_id = ${petition.organization_id} GROUP BY email HAVING count(*) > 1
      ) AS d`.execute(db);
    return {
      stored,
      counter: Number(petition.signature_count),
      lost,
      lostExamples,
      duplicated: Number(twice.rows[0]?.n ?? 0) + Number(sameEmail.rows[0]?.n ?? 0),
    };
  } finally {
    await close();
  }
}

/** The petition's signature rows right now (what a page would show with no cache at all). */
export async function signatureRows(databaseUrl: string, slug: string) {
  const { db, close } = connect(databaseUrl);
  const petition = await db.selectFrom('petitions').select('id').where('slug', '=', slug).executeTakeFirstOrThrow();
  return {
    async count(): Promise<number> {
      const r = await db
        .selectFrom('signatures')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('petition_id', '=', petition.id)
        .where('confirmed_at', 'is not', null)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    close,
  };
}

/** Jobs not yet done (the surge's queued emails, say), read from the side while the server runs. */
export async function pendingJobs(databaseUrl: string): Promise<number> {
  const { db, close } = connect(databaseUrl);
  try {
    const row = await db.selectFrom('jobs').select(sql<number>`count(*)`.as('n')).where('status', 'in', ['pending', 'running']).executeTakeFirstOrThrow();
    return Number(row.n);
  } finally {
    await close();
  }
}
