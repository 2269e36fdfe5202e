import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';
import type { PersonalData } from '../context.ts';

// The tables of letters to decision-makers (migration 012), merged into the core's `Database`.

type Default<T> = ColumnType<T, T | undefined, T>;
type Spanish = ColumnType<string | null, string | null | undefined, string | null>;

export type TargetMode = 'fixed' | 'matched';

export interface LetterCampaignTable {
  id: string;
  organization_id: string;
  slug: string;
  title: string;
  /** Markdown: why to write, shown above the form. */
  description: string;
  subject: string;
  /** 1 when the supporter may change the subject. */
  subject_editable: number;
  /** The letter's three parts: the opening and closing always as the organizer wrote them. */
  letter_opening: string;
  letter_body: string;
  /** 1 when the supporter may rewrite the body (within `body_max_length`). */
  body_editable: number;
  letter_closing: string;
  body_max_length: number;
  /** 1 when the form asks for a street address (it then goes to the target with the letter). */
  ask_address: number;
  /** `fixed`: every letter goes to every fixed target; `matched`: to the listed targets of the supporter's state or ZIP. */
  target_mode: TargetMode;
  /** At most this many letters an hour to each target. */
  hourly_cap: number;
  /** The sending window, `HH:MM` on the campaign's clock (`time_zone`), start included, end not. */
  window_start: string;
  window_end: string;
  time_zone: string;
  status: 'open' | 'closed';
  /** When the campaign stops taking letters by itself (ISO, UTC); null: only when closed (migration 023). */
  closes_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** Spanish versions of the campaign's words above (migration 024); null: the English one is shown to everyone (src/kits/pages/localized.ts). */
  title_es: Spanish;
  description_es: Spanish;
  subject_es: Spanish;
  letter_opening_es: Spanish;
  letter_body_es: Spanish;
  letter_closing_es: Spanish;
  outreach_count: Default<number>;
  origin_system: string;
  created_at: string;
  modified_at: string;
}

export type TargetKind = 'fixed' | 'listed' | 'fallback';
export type TargetStatus = 'active' | 'paused' | 'bounced' | 'removed';

export interface LetterTargetTable {
  id: string;
  organization_id: string;
  campaign_id: string;
  kind: TargetKind;
  name: string;
  title: string;
  /** Where the target works (a city council, a company): Action Network's `organization`. */
  target_organization: string;
  email: string;
  /** Two-letter state (matched lists). */
  state: string | null;
  /** Space-separated ZIP codes this target answers for; null: the whole state. */
  zip_codes: string | null;
  district: string | null;
  position: number;
  /** `bounced`: their address bounced and their queue is paused; `removed`: replaced by a new list. */
  status: TargetStatus;
  bounce_reason: string | null;
  bounced_at: string | null;
  /** The earliest time the next letter may go to this target (the pacer's state). */
  next_slot_at: string | null;
  /** The one pacer job that may send to this target now; null when none runs. */
  pacer_job_id: string | null;
  created_at: string;
  modified_at: string;
}

export interface OutreachTable {
  id: string;
  organization_id: string;
  campaign_id: string;
  person_id: string;
  /** The letter as the supporter sent it; null once they were erased. */
  subject: string | null;
  body: string | null;
  /** The signature added under the letter: name, city and state (and street address when asked). */
  signature: string | null;
  street_address: string | null;
  postal_code: string | null;
  state: string | null;
  source: string | null;
  referrer: string | null;
  language: string;
  /** How many targets the letter went to (0 on a partner's copy). */
  targets_matched: number;
  /** On a partner's copy: the sponsor's outreach it was copied from. */
  copied_from: string | null;
  created_at: string;
  modified_at: string;
}

export type SendStatus = 'queued' | 'sending' | 'sent' | 'bounced' | 'failed' | 'cancelled';

/** One letter to one target: its place in the target's queue and how it went. */
export interface LetterSendTable {
  id: string;
  organization_id: string;
  campaign_id: string;
  outreach_id: string;
  target_id: string;
  status: SendStatus;
  /** When the pacer gave it its slot and sent it. */
  slot_at: string | null;
  /** While `sending`: after this the send is taken to have died with its worker, and is tried again. */
  locked_until: string | null;
  attempts: Default<number>;
  sent_at: string | null;
  error: string | null;
  created_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    letter_campaigns: LetterCampaignTable;
    letter_targets: LetterTargetTable;
    outreaches: OutreachTable;
    letter_sends: LetterSendTable;
  }
}

export type LetterCampaign = Selectable<LetterCampaignTable>;
export type NewLetterCampaign = Insertable<LetterCampaignTable>;
export type LetterCampaignUpdate = Updateable<LetterCampaignTable>;
export type LetterTarget = Selectable<LetterTargetTable>;
export type NewLetterTarget = Insertable<LetterTargetTable>;
export type Outreach = Selectable<OutreachTable>;
export type NewOutreach = Insertable<OutreachTable>;
export type LetterSend = Selectable<LetterSendTable>;
export type NewLetterSend = Insertable<LetterSendTable>;

const plain = (...columns: string[]) => Object.fromEntries(columns.map((c) => [c, 'plain' as const]));
const TARGET = 'a decision-maker\u2019s public office address the organizer entered, not a supporter';

/** What each column holds, for erasure (Capability.personalData). An outreach stays, and stays counted; what the supporter wrote goes. */
export const LETTERS_PERSONAL_DATA: PersonalData = {
  letter_campaigns: {
    rows: 'none',
    columns: plain(
      'id', 'organization_id', 'slug', 'title', 'description', 'subject', 'subject_editable', 'letter_opening', 'letter_body', 'body_editable',
      'letter_closing', 'body_max_length', 'ask_address', 'target_mode', 'hourly_cap', 'window_start', 'window_end', 'time_zone', 'status',
      'closes_at', 'outreach_count', 'origin_system', 'created_at', 'modified_at',
      'title_es', 'description_es', 'subject_es', 'letter_opening_es', 'letter_body_es', 'letter_closing_es',
    ),
  },
  letter_targets: {
    rows: 'none',
    columns: {
      ...plain('id', 'organization_id', 'campaign_id', 'kind', 'title', 'target_organization', 'state', 'zip_codes', 'district', 'position', 'status',
        'bounce_reason', 'bounced_at', 'next_slot_at', 'pacer_job_id', 'created_at', 'modified_at'),
      name: { erase: 'keep', why: TARGET },
      email: { erase: 'keep', why: TARGET },
    },
  },
  outreaches: {
    rows: 'person_id',
    stamp: 'modified_at',
    columns: {
      ...plain('id', 'organization_id', 'campaign_id', 'targets_matched', 'copied_from', 'created_at', 'modified_at'),
      person_id: { erase: 'keep', why: 'links the kept outreach to the erased person, whose row stays empty, so the count stays' },
      subject: { erase: 'clear', why: 'the supporter may have rewritten it' },
      body: { erase: 'clear', why: 'what the supporter wrote' },
      signature: { erase: 'clear', why: 'their name, city and state (and street address)' },
      street_address: { erase: 'clear' },
      postal_code: { erase: 'clear' },
      state: { erase: 'clear' },
      source: { erase: 'clear', why: 'the link they came through can tell who sent it to them' },
      referrer: { erase: 'clear' },
      language: { erase: 'keep', why: 'not null, one of the site\u2019s languages: says nothing about who wrote' },
    },
  },
  // Letters still queued for an erased person are cancelled by the capability's `erase`.
  letter_sends: {
    rows: 'erase',
    columns: plain('id', 'organization_id', 'campaign_id', 'outreach_id', 'target_id', 'status', 'slot_at', 'locked_until', 'attempts', 'sent_at', 'error', 'created_at'),
  },
};
