import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';
import type { PersonalData } from '../context.ts';

// The open letters' tables (migration 010), merged into the core's `Database` below.

/** How the public list is ordered: by name, or by signing time (featured ones first when `featured_first`). */
export type ListOrder = 'alphabetical' | 'signed';

export interface OpenLetterTable {
  id: string;
  organization_id: string;
  slug: string;
  title: string;
  description: string;
  /** Markdown, rendered safely. */
  letter_text: string;
  /** Spanish versions of the three texts above (migration 024); null: the English one is shown to everyone (src/kits/pages/localized.ts). */
  title_es: ColumnType<string | null, string | null | undefined, string | null>;
  description_es: ColumnType<string | null, string | null | undefined, string | null>;
  letter_text_es: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON array of `{ name }`: whom the letter is addressed to. */
  targets: string;
  status: 'open' | 'closed';
  /** ISO time after which the letter takes no signatures; null for none. */
  deadline: string | null;
  /** 1 when people may sign as themselves besides organizations. */
  allow_individuals: number;
  /** Names stay hidden until this many organizations are on the list (approved); null for no such hold. */
  hold_until_count: number | null;
  /** Names stay hidden until this time; null for no such hold. */
  hold_until_date: string | null;
  list_order: ListOrder;
  featured_first: number;
  /** JSON array of group names in their order (national, state, local …); '[]' for one list. */
  groups: string;
  /** JSON array of the same groups' Spanish names, in the same order (migration 024); null for none. */
  groups_es: ColumnType<string | null, string | null | undefined, string | null>;
  /** Approved organizations (merged ones not counted), kept by the rules in the same transaction. */
  organization_count: ColumnType<number, number | undefined, number>;
  /** Confirmed individual signatures, moved once per batch. */
  individual_count: ColumnType<number, number | undefined, number>;
  origin_system: string;
  created_at: string;
  modified_at: string;
}

/** unconfirmed: the email link not yet used; pending: awaiting the organizer; merged: a duplicate folded into another. */
export type SignatureStatus = 'unconfirmed' | 'pending' | 'approved' | 'rejected' | 'merged';

export interface OpenLetterSignatureTable {
  id: string;
  open_letter_id: string;
  organization_id: string;
  person_id: string;
  kind: 'organization' | 'individual';
  /** The organization as typed; null for an individual. */
  org_name: string | null;
  /** The name normalized for duplicates (names.ts); '' for an individual, so a person signs once as themselves. */
  org_key: string;
  org_website: string | null;
  /** The website's host without `www.`, for duplicates. */
  org_domain: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  signer_role: string | null;
  /** 1 when the signer chose to show their name and role on the public list. */
  show_signer: number;
  status: SignatureStatus;
  /** Why the organizer approved, rejected or merged it (kept; the audit log keeps each change). */
  moderation_reason: string | null;
  moderated_at: string | null;
  /** The signature this one was merged into. */
  merged_into: string | null;
  /** One of the letter's groups, or null. */
  group_name: string | null;
  featured: ColumnType<number, number | undefined, number>;
  /** 1 when it went live at once because its organization is trusted. */
  trusted: ColumnType<number, number | undefined, number>;
  source: string | null;
  referrer: string | null;
  language: string;
  confirmed_at: string | null;
  /** JSON array of `{ id, wording }`: partners the signer chose, copied once confirmed. */
  shared_with: string | null;
  client_key: string | null;
  created_at: string;
  modified_at: string;
}

/** An uploaded logo, re-encoded to PNG (logo.ts): only pixels are kept. */
export interface OpenLetterLogoTable {
  id: string;
  organization_id: string;
  signature_id: string;
  content_type: 'image/png';
  width: number;
  height: number;
  bytes: Buffer;
  created_at: string;
}

/** An organization an organizer trusts: its next signatures on the sponsor's letters go live at once. */
export interface TrustedOrganizationTable {
  id: string;
  organization_id: string;
  name: string;
  org_key: string;
  org_domain: string | null;
  created_by: string | null;
  created_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    open_letters: OpenLetterTable;
    open_letter_signatures: OpenLetterSignatureTable;
    open_letter_logos: OpenLetterLogoTable;
    open_letter_trusted: TrustedOrganizationTable;
  }
}

export type OpenLetter = Selectable<OpenLetterTable>;
export type NewOpenLetter = Insertable<OpenLetterTable>;
export type OpenLetterUpdate = Updateable<OpenLetterTable>;
export type LetterSignature = Selectable<OpenLetterSignatureTable>;
export type NewLetterSignature = Insertable<OpenLetterSignatureTable>;

const ORGANIZATION = 'names an organization, not a person: the public record of who signed the letter';

/** What each column holds, for erasure (Capability.personalData). */
export const OPEN_LETTERS_PERSONAL_DATA: PersonalData = {
  open_letters: {
    rows: 'none',
    columns: Object.fromEntries(
      ['id', 'organization_id', 'slug', 'title', 'description', 'letter_text', 'targets', 'status', 'deadline', 'allow_individuals', 'hold_until_count',
        'hold_until_date', 'list_order', 'featured_first', 'groups', 'organization_count', 'individual_count', 'origin_system', 'created_at', 'modified_at', 'title_es', 'description_es', 'letter_text_es', 'groups_es'].map((c) => [c, 'plain' as const]),
    ),
  },
  open_letter_signatures: {
    rows: 'person_id',
    stamp: 'modified_at',
    columns: {
      id: 'plain', open_letter_id: 'plain', organization_id: 'plain',
      person_id: { erase: 'keep', why: 'links the kept signature to the erased person, whose row stays empty, so the counts stay' },
      kind: 'plain',
      org_name: { erase: 'keep', why: ORGANIZATION },
      org_key: { erase: 'keep', why: ORGANIZATION },
      org_website: { erase: 'keep', why: ORGANIZATION },
      org_domain: { erase: 'keep', why: ORGANIZATION },
      city: { erase: 'keep', why: `the organization's place (individuals give none): ${ORGANIZATION}` },
      region: { erase: 'keep', why: `the organization's place: ${ORGANIZATION}` },
      country: { erase: 'keep', why: `the organization's place: ${ORGANIZATION}` },
      signer_role: { erase: 'clear', why: 'the signer\u2019s own job title' },
      show_signer: { erase: 'keep', why: 'a 0/1 choice; with the name gone there is nothing left to show' },
      status: 'plain', moderation_reason: 'plain', moderated_at: 'plain', merged_into: 'plain', group_name: 'plain', featured: 'plain', trusted: 'plain',
      source: { erase: 'clear', why: 'the link they came through can tell who sent it to them' },
      referrer: { erase: 'clear' },
      language: { erase: 'keep', why: 'not null, one of the site\u2019s languages: says nothing about who signed' },
      confirmed_at: 'plain',
      shared_with: { erase: 'clear', why: 'the partners they chose, with shares awaiting confirmation' },
      client_key: { erase: 'clear', why: 'a keyed hash of the connection they signed from' },
      created_at: 'plain', modified_at: 'plain',
    },
  },
  // An organization's logo, re-encoded to pixels only: no metadata about who uploaded it.
  open_letter_logos: {
    rows: 'none',
    columns: Object.fromEntries(['id', 'organization_id', 'signature_id', 'content_type', 'width', 'height', 'bytes', 'created_at'].map((c) => [c, 'plain' as const])),
  },
  open_letter_trusted: {
    rows: 'none',
    columns: Object.fromEntries(['id', 'organization_id', 'name', 'org_key', 'org_domain', 'created_by', 'created_at'].map((c) => [c, 'plain' as const])),
  },
};
