import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';
import type { PersonalData } from '../context.ts';

// The petitions' tables (migration 001), merged into the core's `Database` below: the core
// never names them (conventions in src/db/schema.ts).

export interface PetitionTable {
  id: string;
  organization_id: string;
  slug: string;
  title: string;
  description: string;
  petition_text: string;
  /** Spanish versions of the three texts above (migration 021); null: the English one is shown to everyone (src/kits/pages/localized.ts). */
  title_es: ColumnType<string | null, string | null | undefined, string | null>;
  description_es: ColumnType<string | null, string | null | undefined, string | null>;
  petition_text_es: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON array of `{ name }`. */
  targets: string;
  goal: number | null;
  confirmation_required: number;
  status: 'open' | 'closed';
  signature_count: ColumnType<number, number | undefined, number>;
  origin_system: string;
  /** The proof-of-work challenge on its form (migration 008): off, automatic (a surge that looks automated) or always. */
  challenge: ColumnType<'off' | 'automatic' | 'always', 'off' | 'automatic' | 'always' | undefined, 'off' | 'automatic' | 'always'>;
  /** When the petition closes by itself (migration 018); null: open until the organizer closes it. */
  closes_at: ColumnType<string | null, string | null | undefined, string | null>;
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
  /** A keyed hash of the signer's address, per organization, rotated every 30 days (src/kits/pages/client-key.ts); null from the API. */
  client_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** Set when an organizer invalidated it: out of the count, exports and partner counts, kept in the database. */
  invalidated_at: ColumnType<string | null, string | null | undefined, string | null>;
  invalidation_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
  modified_at: string;
}

/** One bulk invalidation of a petition's signatures: what was chosen, why, by whom; undone when `undone_at` is set. */
export interface SignatureInvalidationTable {
  id: string;
  organization_id: string;
  petition_id: string;
  /** JSON: `{ from, before, source, email_domain, client_key }`, each optional. */
  criteria: string;
  reason: string;
  /** Signatures it invalidated, and how many of them were counted (confirmed). */
  signatures: number;
  counted: number;
  created_by: string | null;
  created_at: string;
  undone_at: string | null;
  undone_by: string | null;
}

declare module '../db/schema.ts' {
  interface Database {
    petitions: PetitionTable;
    signatures: SignatureTable;
    signature_invalidations: SignatureInvalidationTable;
  }
}

export type Petition = Selectable<PetitionTable>;
export type NewPetition = Insertable<PetitionTable>;
export type PetitionUpdate = Updateable<PetitionTable>;
export type Signature = Selectable<SignatureTable>;
export type NewSignature = Insertable<SignatureTable>;
export type SignatureInvalidation = Selectable<SignatureInvalidationTable>;

/**
 * What each column holds, for erasure (Capability.personalData). A signature stays when its
 * signer is erased, so every count stays; what they typed or chose goes.
 */
export const PETITIONS_PERSONAL_DATA: PersonalData = {
  petitions: {
    rows: 'none',
    columns: {
      id: 'plain', organization_id: 'plain', slug: 'plain', title: 'plain', description: 'plain', petition_text: 'plain',
      targets: 'plain', goal: 'plain', confirmation_required: 'plain', status: 'plain', signature_count: 'plain',
      origin_system: 'plain', challenge: 'plain', closes_at: 'plain', created_at: 'plain', modified_at: 'plain',
      title_es: 'plain', description_es: 'plain', petition_text_es: 'plain',
    },
  },
  signatures: {
    rows: 'person_id',
    stamp: 'modified_at',
    columns: {
      id: 'plain', petition_id: 'plain', organization_id: 'plain',
      person_id: { erase: 'keep', why: 'links the kept signature to the erased person, whose row stays empty, so the count stays' },
      comments: { erase: 'clear' },
      source: { erase: 'clear', why: 'the link they came through can tell who sent it to them' },
      referrer: { erase: 'clear' },
      language: { erase: 'keep', why: 'not null, one of the site\u2019s languages: says nothing about who signed' },
      confirmed_at: 'plain',
      shared_with: { erase: 'clear', why: 'the partners they chose, with shares awaiting confirmation' },
      client_key: { erase: 'clear', why: 'a keyed hash of the connection they signed from' },
      invalidated_at: 'plain', invalidation_id: 'plain',
      created_at: 'plain', modified_at: 'plain',
    },
  },
  signature_invalidations: {
    rows: 'none',
    columns: {
      id: 'plain', organization_id: 'plain', petition_id: 'plain',
      // What the organizer chose (a time window, a source code, a domain, a client key): a group, not one person.
      criteria: 'plain',
      reason: 'plain', signatures: 'plain', counted: 'plain', created_by: 'plain', created_at: 'plain', undone_at: 'plain', undone_by: 'plain',
    },
  },
};
