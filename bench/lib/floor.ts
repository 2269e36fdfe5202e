// SQLite's floor for a signature: the four rows turnout writes for one (the person, the
// signature, the consent, the thank-you job), with the same unique keys and indexes, by
// statements prepared once. `bench/write-path.ts` measures it without HTTP; the durable floor
// route of `bench/baseline-server.ts` puts it behind the form route with a group commit and
// the same fsync turnout makes (WalSync), to show what any durable sign route could reach here.
import SQLite from 'better-sqlite3';
import { newId } from '../../src/util/ids.ts';

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
  db.exec(`
    create table if not exists people (id text primary key, organization_id text not null, email text, given_name text, family_name text, postal_code text, country text, language text, email_status text not null, created_at text not null, modified_at text not null, unique (organization_id, email));
    create index if not exists people_org_created on people (organization_id, created_at);
    create table if not exists signatures (id text primary key, petition_id text not null, organization_id text not null, person_id text not null, comments text, source text, referrer text, language text not null, confirmed_at text, created_at text not null, modified_at text not null, client_key text, unique (petition_id, person_id));
    create index if not exists signatures_petition_created on signatures (petition_id, created_at);
    create index if not exists signatures_person on signatures (person_id);
    create table if not exists consents (id text primary key, organization_id text not null, person_id text not null, action_type text not null, action_id text not null, given integer not null, wording text not null, created_at text not null);
    create index if not exists consents_person on consents (person_id);
    create table if not exists jobs (id text primary key, kind text not null, payload text not null, status text not null, run_at text not null, created_at text not null);
    create index if not exists jobs_claim on jobs (status, run_at);
  `);
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
