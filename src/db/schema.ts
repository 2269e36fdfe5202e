import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

// Timestamps are ISO-8601 UTC strings (`toISOString()`) on both databases, so that
// comparisons and ordering behave the same on SQLite and PostgreSQL. Flags are 0/1 integers
// for the same reason. See docs/DECISIONS.md.

export interface OrganizationTable {
  id: string;
  slug: string;
  name: string;
  require_two_factor: ColumnType<number, number | undefined, number>;
  created_at: string;
}

export type Role = 'owner' | 'admin' | 'organizer' | 'viewer';

export interface UserTable {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  /** Base32 TOTP secret, encrypted with the instance key (see accounts/secrets.ts). */
  totp_secret: string | null;
  totp_enabled_at: string | null;
  /** The TOTP time step last used, so the same code never works twice. */
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
  failed_signins: ColumnType<number, number | undefined, number>;
  locked_until: string | null;
  /** Sessions created before this moment are void ("sign out everywhere", password change). */
  sessions_valid_after: string;
  created_at: string;
  modified_at: string;
}

export interface MembershipTable {
  user_id: string;
  organization_id: string;
  role: Role;
  created_at: string;
}

export interface SessionTable {
  id: string;
  token_hash: string;
  user_id: string;
  organization_id: string | null;
  csrf_token: string;
  second_factor_done: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface RecoveryCodeTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: string | null;
}

export interface AccountLinkTable {
  id: string;
  kind: 'invitation' | 'password_reset' | 'sign_in';
  token_hash: string;
  email: string;
  user_id: string | null;
  organization_id: string | null;
  role: Role | null;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface AuditEventTable {
  id: string;
  organization_id: string;
  user_id: string | null;
  action: string;
  subject: string | null;
  /** JSON object. */
  details: string;
  created_at: string;
}

export interface ApiTokenTable {
  id: string;
  organization_id: string;
  token_hash: string;
  label: string;
  created_at: string;
  last_used_at: string | null;
}

export interface PersonTable {
  id: string;
  organization_id: string;
  email: string | null; // null once erased
  given_name: string | null;
  family_name: string | null;
  postal_code: string | null;
  country: string | null;
  language: string | null;
  email_status: 'subscribed' | 'unsubscribed';
  created_at: string;
  modified_at: string;
}

export interface TagTable {
  id: string;
  organization_id: string;
  name: string;
  created_at: string;
}

export interface TaggingTable {
  tag_id: string;
  person_id: string;
  created_at: string;
}

export interface ConsentTable {
  id: string;
  organization_id: string;
  person_id: string;
  action_type: string;
  action_id: string;
  /** 1 when the box was ticked, 0 when it was shown and left unticked. */
  given: number;
  wording: string;
  created_at: string;
}

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

export interface ActionPartnerTable {
  id: string;
  /** The action's type, as its capability names it (`petition`, `event` …). */
  action_type: string;
  action_id: string;
  sponsor_organization_id: string;
  partner_organization_id: string;
  status: 'invited' | 'accepted' | 'declined';
  /** The `?source=` code of the partner's link, to count what came through it. */
  source_code: string;
  invited_by: string | null;
  created_at: string;
  responded_at: string | null;
}

export interface JobTable {
  id: string;
  kind: string;
  payload: string;
  status: 'pending' | 'running' | 'done' | 'failed';
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: number;
  run_at: string;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface Database {
  organizations: OrganizationTable;
  api_tokens: ApiTokenTable;
  people: PersonTable;
  tags: TagTable;
  taggings: TaggingTable;
  consents: ConsentTable;
  petitions: PetitionTable;
  signatures: SignatureTable;
  jobs: JobTable;
  users: UserTable;
  memberships: MembershipTable;
  sessions: SessionTable;
  recovery_codes: RecoveryCodeTable;
  account_links: AccountLinkTable;
  audit_events: AuditEventTable;
  action_partners: ActionPartnerTable;
}

export type Organization = Selectable<OrganizationTable>;
export type Person = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;
export type PersonUpdate = Updateable<PersonTable>;
export type Petition = Selectable<PetitionTable>;
export type NewPetition = Insertable<PetitionTable>;
export type PetitionUpdate = Updateable<PetitionTable>;
export type Signature = Selectable<SignatureTable>;
export type NewSignature = Insertable<SignatureTable>;
export type Job = Selectable<JobTable>;
export type NewJob = Insertable<JobTable>;
export type User = Selectable<UserTable>;
export type Session = Selectable<SessionTable>;

// Events and event campaigns (migration 005), merged into `Database` like the blocks above.

export type EventStatus = 'pending' | 'confirmed' | 'rejected' | 'cancelled';
export type AttendanceStatus = 'accepted' | 'waitlisted' | 'cancelled';

export interface EventCampaignTable {
  id: string;
  organization_id: string;
  slug: string;
  title: string;
  description: string;
  status: 'open' | 'closed';
  origin_system: string;
  created_at: string;
  modified_at: string;
}

export interface EventTable {
  id: string;
  organization_id: string;
  campaign_id: string | null;
  slug: string;
  title: string;
  description: string;
  /** What attendees need to know; shown only to people who RSVP'd, like the address. */
  instructions: string;
  /** UTC instants (ISO-8601); the wall-clock time is shown in `timezone`. */
  start_at: string;
  end_at: string;
  /** IANA zone, e.g. America/Chicago. */
  timezone: string;
  online: number;
  /** Revealed only to attendees. */
  join_url: string | null;
  venue: string | null;
  /** JSON array of street lines; revealed only to attendees. */
  address_lines: string;
  locality: string | null;
  region: string | null;
  postal_code: string | null;
  country: string;
  latitude: number | null;
  longitude: number | null;
  capacity: number | null;
  visibility: 'public' | 'unlisted';
  status: EventStatus;
  /** JSON array of minutes before the start at which attendees are reminded. */
  reminders: string;
  host_name: string | null;
  host_email: string | null;
  host_email_confirmed_at: string | null;
  /** Bumped to revoke every host link issued before. */
  host_link_version: ColumnType<number, number | undefined, number>;
  accepted_count: ColumnType<number, number | undefined, number>;
  waitlist_count: ColumnType<number, number | undefined, number>;
  attended_count: ColumnType<number, number | undefined, number>;
  origin_system: string;
  created_at: string;
  modified_at: string;
}

export interface AttendanceTable {
  id: string;
  event_id: string;
  organization_id: string;
  person_id: string;
  status: AttendanceStatus;
  attended: ColumnType<number, number | undefined, number>;
  /** Order on the waitlist (smaller first); null when not waitlisted. */
  waitlist_position: number | null;
  phone: string | null;
  comment: string | null;
  source: string | null;
  referrer: string | null;
  language: string;
  shared_with: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
  modified_at: string;
  cancelled_at: string | null;
}

export interface TrustedHostTable {
  organization_id: string;
  email: string;
  created_at: string;
}

export interface Database {
  event_campaigns: EventCampaignTable;
  events: EventTable;
  attendances: AttendanceTable;
  trusted_hosts: TrustedHostTable;
}

export type EventRow = Selectable<EventTable>;
export type NewEvent = Insertable<EventTable>;
export type Attendance = Selectable<AttendanceTable>;
export type EventCampaign = Selectable<EventCampaignTable>;

// CSV imports of people (migration 003). Declared here and merged into `Database` below, so
// capabilities written side by side each append their own tables.

export type ImportStatus = 'mapping' | 'queued' | 'running' | 'done' | 'failed';

export interface ImportTable {
  id: string;
  organization_id: string;
  created_by: string | null;
  file_name: string;
  file_size: number;
  /** mapping: waiting for the organizer to say what each column is; then queued, running, done or failed. */
  status: ImportStatus;
  /** JSON array of the header row's cells. */
  columns: string;
  /** JSON array of the first rows, as read. */
  preview: string;
  total_rows: number;
  /** JSON array: the field each column goes to (`ignore`, `email`, `given_name` …). */
  mapping: string | null;
  tag: string | null;
  /** 1 when the organizer said everyone in the file agreed to be emailed. */
  subscribe: ColumnType<number, number | undefined, number>;
  rows_done: ColumnType<number, number | undefined, number>;
  added: ColumnType<number, number | undefined, number>;
  merged: ColumnType<number, number | undefined, number>;
  rejected: ColumnType<number, number | undefined, number>;
  /** JSON object: how many rows were rejected for each reason (all of them, not only the rows kept). */
  reasons: ColumnType<string, string | undefined, string>;
  /** The job allowed to work on the import; an older copy of it (after a crash) stands down. */
  runner_job_id: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface ImportFilePieceTable {
  import_id: string;
  seq: number;
  data: Buffer;
}

export interface ImportRejectionTable {
  import_id: string;
  /** The line of the file the row starts on (the header is line 1). */
  line: number;
  reason: string;
  /** JSON array: the row's cells as they were in the file. */
  cells: string;
}

export interface Database {
  imports: ImportTable;
  import_file_pieces: ImportFilePieceTable;
  import_rejections: ImportRejectionTable;
}

export type Import = Selectable<ImportTable>;
