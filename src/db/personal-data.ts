import type { PersonalData } from '../context.ts';

// What each column of the core's tables holds, for erasure: the core's part of what every
// capability declares in Capability.personalData. test/privacy-erasure.test.ts fails on a
// column of the migrated database that neither declares.

const plain = (...columns: string[]) => Object.fromEntries(columns.map((c) => [c, 'plain' as const]));
const ACCOUNT = 'an organizer\u2019s account, not a supporter: it ends when the member is removed (src/accounts), not by erasing a person';

export const CORE_PERSONAL_DATA: PersonalData = {
  organizations: { rows: 'none', columns: plain('id', 'slug', 'name', 'require_two_factor', 'created_at', 'accent_color', 'logo_version') },
  organization_logos: { rows: 'none', columns: plain('organization_id', 'content_type', 'width', 'height', 'bytes', 'created_at') },
  // Keys another system gave a record through the API (src/kits/api/identifiers.ts). Those of a person
  // and of their records (signatures, attendances …) are deleted with the person: they tie the record to them.
  api_identifiers: {
    rows: 'erase',
    columns: {
      ...plain('organization_id', 'resource_type', 'created_at'),
      identifier: { erase: 'clear', why: 'the row is deleted when it names the person or one of their records' },
      resource_id: { erase: 'clear', why: 'the row is deleted when it names the person or one of their records' },
    },
  },
  api_tokens: { rows: 'none', columns: plain('id', 'organization_id', 'token_hash', 'label', 'created_at', 'last_used_at') },
  // The person's own row: erasePerson (src/people/service.ts) clears it and keeps it, so counts stay.
  people: {
    rows: 'erase',
    columns: {
      ...plain('id', 'organization_id', 'email_status', 'created_at', 'modified_at'),
      email: { erase: 'clear' },
      given_name: { erase: 'clear' },
      family_name: { erase: 'clear' },
      postal_code: { erase: 'clear' },
      country: { erase: 'clear' },
      language: { erase: 'clear' },
      address_lines: { erase: 'clear' },
      locality: { erase: 'clear' },
      region: { erase: 'clear' },
      phone_number: { erase: 'clear' },
    },
  },
  tags: { rows: 'none', columns: plain('id', 'organization_id', 'name', 'created_at') },
  // Deleted with the person's erasure: a tag on a person says something about them.
  taggings: { rows: 'erase', columns: { ...plain('id', 'tag_id', 'created_at'), person_id: { erase: 'clear', why: 'the row is deleted' } } },
  consents: {
    rows: 'erase',
    columns: {
      ...plain('id', 'organization_id', 'action_type', 'action_id', 'given', 'wording', 'created_at'),
      person_id: { erase: 'clear', why: 'the row is deleted' },
    },
  },
  // A job naming the person or one of their records is cancelled and its payload emptied.
  jobs: {
    rows: 'erase',
    columns: {
      ...plain('id', 'kind', 'status', 'attempts', 'max_attempts', 'run_at', 'locked_by', 'locked_until', 'last_error', 'created_at', 'finished_at'),
      payload: { erase: 'clear', why: 'emptied (and the job cancelled) when it names the person, one of their records or their email' },
    },
  },
  users: {
    rows: 'none',
    columns: {
      ...plain('id', 'password_hash', 'totp_secret', 'totp_enabled_at', 'totp_last_step', 'failed_signins', 'locked_until', 'sessions_valid_after', 'language', 'created_at', 'modified_at'),
      email: { erase: 'keep', why: ACCOUNT },
      name: { erase: 'keep', why: ACCOUNT },
    },
  },
  memberships: { rows: 'none', columns: plain('user_id', 'organization_id', 'role', 'created_at') },
  sessions: { rows: 'none', columns: plain('id', 'token_hash', 'user_id', 'organization_id', 'csrf_token', 'second_factor_done', 'created_at', 'last_seen_at', 'expires_at') },
  recovery_codes: { rows: 'none', columns: plain('id', 'user_id', 'code_hash', 'used_at') },
  account_links: {
    rows: 'none',
    columns: {
      ...plain('id', 'kind', 'token_hash', 'user_id', 'organization_id', 'role', 'created_by', 'created_at', 'expires_at', 'used_at'),
      email: { erase: 'keep', why: 'an invitation or a reset link sent to an organizer; it expires within 7 days' },
    },
  },
  // Rows naming the person's email (a host trusted, a moderated event) lose it; the rest stays.
  audit_events: {
    rows: 'erase',
    columns: {
      ...plain('id', 'organization_id', 'user_id', 'action', 'created_at'),
      subject: { erase: 'clear', why: 'an id, or an email (a trusted host, an invited member): the erased person\u2019s email is cleared' },
      details: { erase: 'clear', why: 'counts and ids, sometimes an email: the erased person\u2019s email is taken out' },
    },
  },
  // Sign-in failures and rate-limit hits: keyed hashes of an email with a client, never the email or the address.
  signin_failures: { rows: 'none', columns: plain('key', 'failures', 'locked_until', 'last_failure_at') },
  rate_limit_hits: { rows: 'none', columns: plain('key', 'hits', 'resets_at') },
  // Kysely's record of the migrations run.
  kysely_migration: { rows: 'none', columns: plain('name', 'timestamp') },
  kysely_migration_lock: { rows: 'none', columns: plain('id', 'is_locked') },
};
