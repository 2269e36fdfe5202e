import type { ColumnType, Insertable, Selectable } from 'kysely';
import type { PersonalData } from '../context.ts';

// The mailings' tables (migration 013), merged into the core's `Database` below.

/** What an organization's mail needs: who it comes from, the footer's postal address, the pace. */
export interface MailingSettingsTable {
  organization_id: string;
  sender_name: string;
  reply_to: string;
  /** Printed in every mailing's footer (CAN-SPAM asks for it); a mailing cannot be sent without it. */
  postal_address: string;
  /** The pace of the SMTP provider: messages a second, and a cap per UTC day. */
  rate_per_second: number;
  daily_cap: number;
  /** 0 by default; when 1, links are counted per link and mailing, never per person. */
  click_counting: number;
  /** The organization's time zone, in which scheduled times are typed (IANA: America/Chicago). */
  timezone: ColumnType<string, string | undefined, string>;
  modified_at: string;
}

/**
 * draft → scheduled (a time) or sending → (waiting: a subject test's share is sent and the rest
 * waits for the winner) → sent; paused from sending; cancelled from any but sent.
 */
export type MailingStatus = 'draft' | 'scheduled' | 'sending' | 'waiting' | 'paused' | 'cancelled' | 'sent';

/** Who gets a mailing, beyond "subscribed", which is always required. */
export interface Audience {
  include_tags: string[];
  exclude_tags: string[];
  /** Took one of these actions (`petition:<id>`, `event:<id>`, `donation:<id>` — a fundraising page). */
  actions: string[];
  exclude_actions: string[];
  /** Two-letter US states. */
  states: string[];
  /** A five-digit ZIP and miles around it. */
  near: { zip: string; miles: number } | null;
  /** `en`, `es`; empty: any. */
  languages: string[];
}

export interface MailingTable {
  id: string;
  organization_id: string;
  title: string;
  status: MailingStatus;
  /** The English version; empty when the mailing is in Spanish only. */
  subject_en: string;
  preheader_en: string;
  body_en: string;
  subject_es: string;
  preheader_es: string;
  body_es: string;
  /** JSON array of other subjects tested against the first: `[{ en, es }]`; empty: no test. */
  test_subjects: string;
  /** Percent of the audience the test goes to, split evenly between the subjects. */
  test_share: number;
  test_wait_minutes: number;
  /** The winning subject's index (0 is the mailing's own subject), once picked. */
  test_winner: number | null;
  test_ends_at: string | null;
  /** JSON `Audience`. */
  audience: string;
  sender_name: string | null;
  reply_to: string | null;
  scheduled_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  /** The send chain's next link (src/mailings/sender.ts): a job for another number is stale. */
  next_chunk: ColumnType<number, number | undefined, number>;
  total_recipients: ColumnType<number, number | undefined, number>;
  origin_system: string;
  created_by: string | null;
  created_at: string;
  modified_at: string;
}

/**
 * One person's copy of one mailing: written for every member of the audience when sending
 * starts, so nobody is skipped, and unique per (mailing, person), so nobody gets two.
 * queued → sending (claimed by a chunk) → sent; held: waiting for a subject test's winner;
 * skipped: no longer subscribed (or bounced) at send time; failed: refused for good.
 */
export type RecipientState = 'queued' | 'held' | 'sending' | 'sent' | 'skipped' | 'failed' | 'cancelled';

export interface MailingRecipientTable {
  mailing_id: string;
  person_id: string;
  organization_id: string;
  /** Order of sending (1, 2, 3 …). */
  seq: number;
  state: RecipientState;
  /** Which subject of a test they get; null: the winner's (or the only one). */
  variant: number | null;
  /** The chunk that claimed the row (`<chunk>:<run>`), so a dead chunk's rows are known. */
  claim: string | null;
  claimed_at: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  sent_at: string | null;
  /** The run's record batch that said `sent` (src/mailings/sender.ts, the SQLite acknowledgement log). */
  sent_batch: number | null;
  /** Why it was skipped or failed (a status, an SMTP answer), never the message. */
  error: string | null;
  /** 1 when they unsubscribed through this mailing's link. */
  unsubscribed: ColumnType<number, number | undefined, number>;
}

/** A delivery report applied: a hard bounce stops mail to the person, a complaint unsubscribes. */
export interface MailBounceTable {
  id: string;
  organization_id: string;
  person_id: string;
  mailing_id: string | null;
  kind: 'hard' | 'soft' | 'complaint';
  /** Where it came from: `dsn`, `ses`, `postmark`. */
  source: string;
  /** The status code and diagnostic the report gave (5.1.1 …), cut to 500 characters. */
  detail: string | null;
  created_at: string;
}

/** Clicks counted per link and mailing (and subject variant), never per person. */
export interface MailingLinkTable {
  mailing_id: string;
  link: number;
  variant: number;
  url: string;
  clicks: ColumnType<number, number | undefined, number>;
}

/** Messages sent by an organization per UTC day, for the daily cap. */
export interface MailingDayTable {
  organization_id: string;
  day: string;
  sent: ColumnType<number, number | undefined, number>;
}

declare module '../db/schema.ts' {
  interface Database {
    mailing_settings: MailingSettingsTable;
    mailings: MailingTable;
    mailing_recipients: MailingRecipientTable;
    mail_bounces: MailBounceTable;
    mailing_links: MailingLinkTable;
    mailing_days: MailingDayTable;
  }
}

export type Mailing = Selectable<MailingTable>;
export type NewMailing = Insertable<MailingTable>;
export type MailingSettings = Selectable<MailingSettingsTable>;
export type Recipient = Selectable<MailingRecipientTable>;

const plain = (...columns: string[]) => Object.fromEntries(columns.map((c) => [c, 'plain' as const]));

/** What each column holds, for erasure (src/context.ts, `PersonalData`). */
export const MAILINGS_PERSONAL_DATA: PersonalData = {
  // The organization's own settings and its mailings' text: an organizer's words, nobody's data.
  mailing_settings: { rows: 'none', columns: plain('organization_id', 'sender_name', 'reply_to', 'postal_address', 'rate_per_second', 'daily_cap', 'click_counting', 'timezone', 'modified_at') },
  mailings: {
    rows: 'none',
    columns: plain(
      'id', 'organization_id', 'title', 'status', 'subject_en', 'preheader_en', 'body_en', 'subject_es', 'preheader_es', 'body_es', 'test_subjects', 'test_share',
      'test_wait_minutes', 'test_winner', 'test_ends_at', 'audience', 'sender_name', 'reply_to', 'scheduled_at', 'started_at', 'finished_at', 'next_chunk',
      'total_recipients', 'origin_system', 'created_by', 'created_at', 'modified_at',
    ),
  },
  mailing_recipients: {
    rows: 'person_id',
    columns: {
      ...plain('mailing_id', 'organization_id', 'seq', 'state', 'variant', 'claim', 'claimed_at', 'attempts', 'sent_at', 'sent_batch', 'unsubscribed'),
      person_id: { erase: 'keep', why: 'links the kept copy to the erased person, whose row stays empty, so the mailing\u2019s counts stay' },
      error: { erase: 'clear', why: 'an SMTP answer can quote the address' },
    },
  },
  mail_bounces: {
    rows: 'person_id',
    columns: {
      ...plain('id', 'organization_id', 'mailing_id', 'kind', 'source', 'created_at'),
      person_id: { erase: 'keep', why: 'links the kept report to the erased person; it says only that mail to them bounced' },
      detail: { erase: 'clear', why: 'a receiving server\u2019s diagnostic can quote the address' },
    },
  },
  mailing_links: { rows: 'none', columns: plain('mailing_id', 'link', 'variant', 'url', 'clicks') },
  mailing_days: { rows: 'none', columns: plain('organization_id', 'day', 'sent') },
};
