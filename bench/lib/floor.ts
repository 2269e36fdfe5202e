// SQLite's floor for a signature: the four rows turnout writes for one (the person, the
// signature, the consent, the thank-you job), with the same unique keys and indexes, by
// statements prepared once. `bench/write-path.ts` measures it without HTTP; the durable floor
// route of `bench/baseline-server.ts` puts it behind the form route with a group commit and
// the same fsync turnout makes (WalSync), to show what any durable sign route could reach here.
import SQLite from 'better-sqlite3';
import { newId } from '../../src/util/ids.ts';

/** The tables of the floor, with turnout's unique keys and indexes for these rows (valid on both databases). */
const FLOOR_SCHEMA = `
    create table if not exists people (id text primary key, organization_id text not null, email text, given_name text, family_name text, postal_code text, country text, language text, email_status text not null, created_at text not null, modified_at text not null, unique (organization_id, email));
    create index if not exists people_org_created on people (organization_id, created_at);
    create table if not exists signatures (id text primary key, petition_id text not null, organization_id text not null, person_id text not null, comments text, source text, referrer text, language text not null, confirmed_at text, created_at text not null, modified_at text not null, client_key text, unique (petition_id, person_id));
    create index if not exists signatures_petition_created on signatures (petition_id, created_at);
    create index if not exists signatures_person on signatures (person_id);
    create table if not exists consents (id text primary key, organization_id text not null, person_id text not null, action_type text not null, action_id text not null, given integer not null, wording text not null, created_at text not null);
    create index if not exists consents_person on consents (person_id);
    create table if not exists jobs (id text primary key, kind text not null, payload text not null, status text not null, run_at text not null, created_at text not null);
    create index if not exists jobs_claim on jobs (status, run_at);
`;

export interface FloorSigner {
  email: string;
  givenName: string;
  familyName: string;
  postalCode: string;
}

export interface Floor {
  db: SQLite.Database;
  /** Writes the signers' rows in one transaction (no fsync: the caller makes it durable). */
  write(signers: readonly FloorSigner[]): void;
}

export function openFloor(file: string): Floor {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(FLOOR_SCHEMA);
  const person = db.prepare(`insert into people values (?, ?, ?, ?, ?, ?, 'US', 'en', 'subscribed', ?, ?) on conflict (organization_id, email) do update set modified_at = excluded.modified_at returning id`);
  const signature = db.prepare(`insert into signatures values (?, ?, ?, ?, null, 'bench', null, 'en', ?, ?, ?, 'k') on conflict do nothing`);
  const consent = db.prepare(`insert into consents values (?, ?, ?, 'petition', ?, 1, 'Yes, keep me informed', ?)`);
  const job = db.prepare(`insert into jobs values (?, 'petition.autoresponse', ?, 'pending', ?, ?)`);
  const org = newId();
  const petition = newId();
  const write = db.transaction((signers: readonly FloorSigner[]) => {
    const now = new Date().toISOString();
    for (const s of signers) {
      const { id } = person.get(newId(), org, s.email, s.givenName, s.familyName, s.postalCode, now, now) as { id: string };
      const sid = newId();
      signature.run(sid, petition, org, id, now, now, now);
      consent.run(newId(), org, id, petition, now);
      job.run(newId(), JSON.stringify({ signatureId: sid }), now, now);
    }
  });
  return { db, write: (signers) => void write(signers) };
}

/**
 * PostgreSQL's floor for the same rows: one statement a table for a whole batch, each a fixed
 * text over arrays (`unnest`) prepared once on each connection, in one transaction; commits are
 * durable as PostgreSQL makes them (synchronous_commit on). `write` takes a connection of its own
 * from a pool of `connections`, as turnout's committer runs two batches at once.
 */
export async function openPostgresFloor(url: string, connections = 2) {
  const { default: pg } = await import('pg');
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? 'public';
  parsed.searchParams.delete('schema');
  const pool = new pg.Pool({ connectionString: parsed.toString(), max: connections, options: `-c search_path=${schema}` });
  await pool.query(FLOOR_SCHEMA);
  const org = newId();
  const petition = newId();
  const people = {
    name: 'floor_people',
    text: `insert into people select p.id, $1, p.email, p.given, p.family, p.postal, 'US', 'en', 'subscribed', $2, $2 from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) as p(id, email, given, family, postal)
           on conflict (organization_id, email) do update set modified_at = excluded.modified_at returning id, email`,
  };
  const signatures = {
    name: 'floor_signatures',
    text: `insert into signatures select s.id, $1, $2, s.person, null, 'bench', null, 'en', $3, $3, $3, 'k' from unnest($4::text[], $5::text[]) as s(id, person) on conflict do nothing`,
  };
  const consents = { name: 'floor_consents', text: `insert into consents select c.id, $1, c.person, 'petition', $2, 1, 'Yes, keep me informed', $3 from unnest($4::text[], $5::text[]) as c(id, person)` };
  const jobs = { name: 'floor_jobs', text: `insert into jobs select j.id, 'petition.autoresponse', j.payload, 'pending', $1, $1 from unnest($2::text[], $3::text[]) as j(id, payload)` };
  return {
    async write(signers: readonly FloorSigner[]): Promise<void> {
      const client = await pool.connect();
      try {
        const now = new Date().toISOString();
        await client.query('begin');
        const found = await client.query<{ id: string; email: string }>({
          ...people,
          values: [org, now, signers.map(() => newId()), signers.map((s) => s.email), signers.map((s) => s.givenName), signers.map((s) => s.familyName), signers.map((s) => s.postalCode)],
        });
        const personIds = found.rows.map((r) => r.id);
        const signatureIds = personIds.map(() => newId());
        await client.query({ ...signatures, values: [petition, org, now, signatureIds, personIds] });
        await client.query({ ...consents, values: [org, petition, now, personIds.map(() => newId()), personIds] });
        await client.query({ ...jobs, values: [now, signatureIds.map(() => newId()), signatureIds.map((id) => JSON.stringify({ signatureId: id }))] });
        await client.query('commit');
      } catch (e) {
        await client.query('rollback').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
