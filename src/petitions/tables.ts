import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

// The petitions' tables (migration 001), merged into the core's `Database` below: the core
// never names them (conventions in src/db/schema.ts).

export interface PetitionTable {
  id: string;
  organization_id: string;
  slug: string;
  title: string;
  description: string;
  petition_text: string;
  /** JSON array of `{ name }`. */
  targets: string;
  goal: number | null;
  confirmation_required: number;
  status: 'open' | 'closed';
  signature_count: ColumnType<number, number | undefined, number>;
  origin_system: string;
  created_at: string;
  modified_at: string;
}

export interface SignatureTable {
  id: string;
  petition_id: string;
  organization_id: string;
  person_id: string;
  comments: string | null;
  source: string | null;
  referrer: string | null;
  language: string;
  /** null while an email confirmation is pending. */
  confirmed_at: string | null;
  /** JSON array of `{ id, wording }`: partner organizations the signer chose to share with. */
  shared_with: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
  modified_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    petitions: PetitionTable;
    signatures: SignatureTable;
  }
}

export type Petition = Selectable<PetitionTable>;
export type NewPetition = Insertable<PetitionTable>;
export type PetitionUpdate = Updateable<PetitionTable>;
export type Signature = Selectable<SignatureTable>;
export type NewSignature = Insertable<SignatureTable>;
