import { sql, type Kysely, type Transaction } from 'kysely';
import type { AccountLinkTable, Database, Role } from '../db/schema.ts';
import type { Insertable, Updateable } from 'kysely';
import { newId } from '../util/ids.ts';

type Q = Kysely<Database> | Transaction<Database>;

export const findUserByEmail = (q: Q, email: string) => q.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
export const findUser = (q: Q, id: string) => q.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

export async function insertUser(q: Q, user: { id: string; email: string; name: string; password_hash: string | null; now: string }) {
  await q
    .insertInto('users')
    .values({
      id: user.id,
      email: user.email,
      name: user.name,
      password_hash: user.password_hash,
      totp_secret: null,
      totp_enabled_at: null,
      locked_until: null,
      sessions_valid_after: user.now,
      created_at: user.now,
      modified_at: user.now,
    })
    .execute();
}

export async function updateUser(q: Q, id: string, changes: Updateable<Database['users']>) {
  await q.updateTable('users').set(changes).where('id', '=', id).execute();
}

export async function upsertMembership(q: Q, m: { userId: string; organizationId: string; role: Role; now: string }) {
  await q
    .insertInto('memberships')
    .values({ user_id: m.userId, organization_id: m.organizationId, role: m.role, created_at: m.now })
    .onConflict((oc) => oc.columns(['user_id', 'organization_id']).doUpdateSet({ role: m.role }))
    .execute();
}

export const removeMembership = (q: Q, userId: string, organizationId: string) =>
  q.deleteFrom('memberships').where('user_id', '=', userId).where('organization_id', '=', organizationId).execute();

export const findMembership = (q: Q, userId: string, organizationId: string) =>
  q
    .selectFrom('memberships')
    .innerJoin('organizations', 'organizations.id', 'memberships.organization_id')
    .select(['memberships.role', 'organizations.id', 'organizations.slug', 'organizations.name', 'organizations.require_two_factor'])
    .where('memberships.user_id', '=', userId)
    .where('memberships.organization_id', '=', organizationId)
    .executeTakeFirst();

export const membershipsOf = (q: Q, userId: string) =>
  q
    .selectFrom('memberships')
    .innerJoin('organizations', 'organizations.id', 'memberships.organization_id')
    .select(['memberships.role', 'organizations.id', 'organizations.slug', 'organizations.name', 'organizations.require_two_factor'])
    .where('memberships.user_id', '=', userId)
    .orderBy('organizations.name')
    .execute();

export const membersOf = (q: Q, organizationId: string) =>
  q
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.email', 'users.name', 'users.totp_enabled_at', 'memberships.role', 'memberships.created_at'])
    .where('memberships.organization_id', '=', organizationId)
    .orderBy('users.name')
    .execute();

export const countOwners = async (q: Q, organizationId: string) =>
  Number(
    (
      await q
        .selectFrom('memberships')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organization_id', '=', organizationId)
        .where('role', '=', 'owner')
        .executeTakeFirstOrThrow()
    ).n,
  );

export async function insertSession(q: Q, s: Insertable<Database['sessions']>) {
  await q.insertInto('sessions').values(s).execute();
}

export const findSessionByTokenHash = (q: Q, tokenHash: string) =>
  q
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.user_id',
      'sessions.organization_id',
      'sessions.csrf_token',
      'sessions.second_factor_done',
      'sessions.created_at',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'users.email',
      'users.name',
      'users.totp_enabled_at',
      'users.sessions_valid_after',
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();

export const updateSession = (q: Q, id: string, changes: Updateable<Database['sessions']>) =>
  q.updateTable('sessions').set(changes).where('id', '=', id).execute();

export const deleteSession = (q: Q, id: string) => q.deleteFrom('sessions').where('id', '=', id).execute();
export const deleteSessionsOf = (q: Q, userId: string) => q.deleteFrom('sessions').where('user_id', '=', userId).execute();

export async function replaceRecoveryCodes(q: Q, userId: string, hashes: string[]) {
  await q.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (hashes.length) {
    await q
      .insertInto('recovery_codes')
      .values(hashes.map((code_hash) => ({ id: newId(), user_id: userId, code_hash, used_at: null })))
      .execute();
  }
}

/** Marks a recovery code used; true only for the call that used it. */
export async function useRecoveryCode(q: Q, userId: string, codeHash: string, now: string): Promise<boolean> {
  const r = await q
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export const unusedRecoveryCodes = async (q: Q, userId: string) =>
  Number(
    (
      await q
        .selectFrom('recovery_codes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow()
    ).n,
  );

export async function insertAccountLink(q: Q, link: Insertable<AccountLinkTable>) {
  await q.insertInto('account_links').values(link).execute();
}

export const findAccountLink = (q: Q, tokenHash: string) =>
  q.selectFrom('account_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();

/** Uses a link once; true only for the call that used it. */
export async function useAccountLink(q: Q, id: string, now: string): Promise<boolean> {
  const r = await q.updateTable('account_links').set({ used_at: now }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertAuditEvent(
  q: Q,
  e: { organizationId: string; userId: string | null; action: string; subject: string | null; details: Record<string, unknown>; now: string },
) {
  await q
    .insertInto('audit_events')
    .values({
      id: newId(),
      organization_id: e.organizationId,
      user_id: e.userId,
      action: e.action,
      subject: e.subject,
      details: JSON.stringify(e.details),
      created_at: e.now,
    })
    .execute();
}

export const auditEvents = (q: Q, organizationId: string, limit = 200) =>
  q
    .selectFrom('audit_events')
    .leftJoin('users', 'users.id', 'audit_events.user_id')
    .select(['audit_events.id', 'audit_events.action', 'audit_events.subject', 'audit_events.details', 'audit_events.created_at', 'audit_events.user_id', 'users.email as user_email', 'users.name as user_name'])
    .where('audit_events.organization_id', '=', organizationId)
    .orderBy('audit_events.created_at', 'desc')
    .orderBy('audit_events.id', 'desc')
    .limit(limit)
    .execute();

/** The names the audit log writes for the ids its entries hold: users, the organization's people, organizations by id or slug. */
export async function auditNameRows(q: Q, organizationId: string, ids: readonly string[], slugs: readonly string[]) {
  const none = Promise.resolve([] as { id: string; name: string | null; email: string | null }[]);
  const [users, people, orgs] = await Promise.all([
    ids.length ? q.selectFrom('users').select(['id', 'name', 'email']).where('id', 'in', ids).execute() : none,
    ids.length
      ? q.selectFrom('people').select(['id', 'given_name', 'family_name', 'email']).where('organization_id', '=', organizationId).where('id', 'in', ids).execute()
      : Promise.resolve([] as { id: string; given_name: string | null; family_name: string | null; email: string | null }[]),
    ids.length || slugs.length
      ? q
          .selectFrom('organizations')
          .select(['id', 'slug', 'name'])
          .where((w) => w.or([...(ids.length ? [w('id', 'in', ids)] : []), ...(slugs.length ? [w('slug', 'in', slugs)] : [])]))
          .execute()
      : Promise.resolve([] as { id: string; slug: string; name: string }[]),
  ]);
  return { users, people, orgs };
}

/** Records a used TOTP step; true only when it is newer than the last one (a code works once). */
export async function useTotpStep(q: Q, userId: string, step: number): Promise<boolean> {
  const r = await q
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// Sign-in failures by key (src/accounts/signin-throttle.ts).

export const signinFailures = (q: Q, keys: string[]) =>
  q.selectFrom('signin_failures').select(['key', 'failures', 'locked_until']).where('key', 'in', keys).execute();

/** Counts one more failure under `key` (starting again from 1 after `forgetBefore`); returns the count. */
export async function addSigninFailure(q: Q, key: string, now: string, forgetBefore: string): Promise<number> {
  const row = await q
    .insertInto('signin_failures')
    .values({ key, failures: 1, locked_until: null, last_failure_at: now })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql<number>`CASE WHEN signin_failures.last_failure_at < ${forgetBefore} THEN 1 ELSE signin_failures.failures + 1 END`,
        last_failure_at: now,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

export const lockSignins = (q: Q, key: string, until: string) => q.updateTable('signin_failures').set({ locked_until: until }).where('key', '=', key).execute();

export const clearSigninFailures = (q: Q, keys: string[]) => q.deleteFrom('signin_failures').where('key', 'in', keys).execute();

/** Drops failures last seen before `before` whose lock is over. */
export const pruneSigninFailures = (q: Q, before: string) =>
  q
    .deleteFrom('signin_failures')
    .where('last_failure_at', '<', before)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', before)]))
    .execute();
