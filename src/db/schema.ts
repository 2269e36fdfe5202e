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
  /** `#rrggbb` for buttons and links, kept only when it reads at 4.5:1 on white (migration 018). */
  accent_color: ColumnType<string | null, string | null | undefined, string | null>;
  /** Changes with each new logo (null: none); the logo's address carries it. */
  logo_version: ColumnType<string | null, string | null | undefined, string | null>;
}

/** An organization's logo, re-encoded on upload (src/orgs/logo.ts). */
export interface OrganizationLogoTable {
  organization_id: string;
  content_type: string;
  width: number;
  height: number;
  bytes: Buffer;
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
  /** No longer used: failures are counted in `signin_failures`, by account and client. */
  failed_signins: ColumnType<number, number | undefined, number>;
  /** No longer used (see `failed_signins`). */
  locked_until: string | null;
  /** Sessions created before this moment are void ("sign out everywhere", password change). */
  sessions_valid_after: string;
  /** `en` or `es`: the language of turnout's emails to them (the review digest); null: English. */
  language: ColumnType<string | null, string | null | undefined, string | null>;
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
  /** The street address's lines, a JSON array of strings (migration 016). */
  address_lines: ColumnType<string | null, string | null | undefined, string | null>;
  locality: ColumnType<string | null, string | null | undefined, string | null>;
  region: ColumnType<string | null, string | null | undefined, string | null>;
  /** Digits, with the `+` of an international number (src/kits/api/person-input.ts `normalizePhone`). */
  phone_number: ColumnType<string | null, string | null | undefined, string | null>;
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
  /** The tagging's own identifier (the API's `/tags/:id/taggings/:id`; migration 016). */
  id: string;
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
  /** cancelled: the person it was for was erased (src/people/service.ts), so it never runs. */
  status: 'pending' | 'running' | 'done' | 'failed' | 'cancelled';
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: number;
  run_at: string;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

/** Failed sign-ins under one key: an account and a client, or an account (src/accounts/signin-throttle.ts). */
export interface SigninFailureTable {
  /** A keyed hash: no email, no address. */
  key: string;
  failures: number;
  locked_until: string | null;
  last_failure_at: string;
}

/** Hits of one rate limit by one client, when several processes share them (src/app/rate-limits.ts). */
export interface RateLimitHitTable {
  key: string;
  hits: number;
  /** Milliseconds since 1970 when the window ends. */
  resets_at: number;
}

/**
 * The core's tables. Each capability declares its own in its `tables.ts` and merges them in
 * here by module augmentation (`declare module '../db/schema.ts' { interface Database { … } }`),
 * so adding a capability never edits this file. A table the core queries belongs here.
 */
export interface Database {
  organizations: OrganizationTable;
  organization_logos: OrganizationLogoTable;
  api_tokens: ApiTokenTable;
  people: PersonTable;
  tags: TagTable;
  taggings: TaggingTable;
  consents: ConsentTable;
  jobs: JobTable;
  users: UserTable;
  memberships: MembershipTable;
  sessions: SessionTable;
  recovery_codes: RecoveryCodeTable;
  account_links: AccountLinkTable;
  audit_events: AuditEventTable;
  action_partners: ActionPartnerTable;
  signin_failures: SigninFailureTable;
  rate_limit_hits: RateLimitHitTable;
}

export type Organization = Selectable<OrganizationTable>;
export type Person = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;
export type PersonUpdate = Updateable<PersonTable>;
export type Job = Selectable<JobTable>;
export type NewJob = Insertable<JobTable>;
export type User = Selectable<UserTable>;
export type Session = Selectable<SessionTable>;
