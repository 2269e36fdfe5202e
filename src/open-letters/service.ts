import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Counter, UnitOfWork } from '../actions/unit-of-work.ts';
import { recordTaker, type Referral } from '../actions/core.ts';
import type { PersonInput } from '../actions/people/validate.ts';
import { parseShares, sharePerson, type Share } from '../actions/partners.ts';
import { findPerson } from '../actions/people/repository.ts';
import { newId } from '../util/ids.ts';
import { insertUnderFreeSlug, slugify } from '../util/slug.ts';
import type { Logo } from './logo.ts';
import type { LetterFields, OrganizationFields } from './fields.ts';
import type { LetterSignature, OpenLetter, OpenLetterUpdate, SignatureStatus } from './tables.ts';
import * as repo from './repository.ts';

/** A letter's count of confirmed individual signatures, moved once per batch. */
const INDIVIDUAL_COUNT: Counter = { table: 'open_letters', column: 'individual_count' };

export const JOB_CONFIRMATION = 'open_letter.confirmation';

type SignableLetter = Pick<OpenLetter, 'id' | 'organization_id' | 'status' | 'deadline' | 'allow_individuals'>;

/** A closed letter (closed by the organizer, or past its deadline) takes no signatures. */
export class LetterClosedError extends Error {
  constructor(readonly letterId: string) {
    super(`open letter ${letterId} is closed and takes no more signatures`);
  }
}

/** A letter that takes organizations only was offered an individual signature. */
export class IndividualsNotAllowedError extends Error {
  constructor(readonly letterId: string) {
    super(`open letter ${letterId} takes signatures of organizations only`);
  }
}

export function isClosed(letter: Pick<OpenLetter, 'status' | 'deadline'>, now: string): boolean {
  return letter.status === 'closed' || (letter.deadline !== null && letter.deadline <= now);
}

/** Whether the names are still held back, and what releases them (N approved organizations, a time, or the first of both). */
export function holdOf(letter: Pick<OpenLetter, 'hold_until_count' | 'hold_until_date' | 'organization_count'>, now: string): { held: boolean; count: number | null; date: string | null } {
  const count = letter.hold_until_count;
  const date = letter.hold_until_date;
  if (count === null && date === null) return { held: false, count, date };
  const reached = (count !== null && letter.organization_count >= count) || (date !== null && date <= now);
  return { held: !reached, count, date };
}

export interface LetterSigning {
  person: PersonInput;
  /** Absent for a person signing as themselves. */
  organization?: OrganizationFields;
  logo?: Logo | null;
  optIn: boolean | null;
  optInWording: string;
  language: string;
  referral: Referral;
  tags?: string[];
  shareWith?: Share[];
  clientKey?: string | null;
  /** From the API: the organizer's own system vouches for the email, so there is no confirmation step. */
  confirmed?: boolean;
}

export interface LetterSignResult {
  signatureId: string;
  created: boolean;
  awaitingConfirmation: boolean;
}

/**
 * Records a signature through the action core. A repeat (the same person for the same
 * organization, or as themselves) is recorded once and answered like a first one, so the form
 * never tells whether an email has signed; an unconfirmed one gets its email again. Nothing is
 * written when the letter is closed.
 */
export async function signLetter(uow: UnitOfWork, letter: SignableLetter, s: LetterSigning): Promise<LetterSignResult> {
  if (isClosed(letter, uow.now)) throw new LetterClosedError(letter.id);
  if (!s.organization && letter.allow_individuals !== 1) throw new IndividualsNotAllowedError(letter.id);
  const personId = await recordTaker(
    uow,
    { organizationId: letter.organization_id, person: s.person, language: s.language, optIn: s.optIn, optInWording: s.optInWording, tags: s.tags },
    { type: 'open_letter', id: letter.id },
  );
  const org = s.organization;
  const shares = s.shareWith ?? [];
  const id = newId();
  const row = {
    id,
    open_letter_id: letter.id,
    organization_id: letter.organization_id,
    person_id: personId,
    kind: org ? ('organization' as const) : ('individual' as const),
    org_name: org?.name ?? null,
    org_key: org?.key ?? '',
    org_website: org?.website ?? null,
    org_domain: org?.domain ?? null,
    city: org?.city ?? null,
    region: org?.region ?? null,
    country: org?.country ?? null,
    signer_role: org?.role ?? null,
    show_signer: org?.showSigner ? 1 : 0,
    status: 'unconfirmed' as SignatureStatus,
    moderation_reason: null,
    moderated_at: null,
    merged_into: null,
    group_name: null,
    source: s.referral.source,
    referrer: s.referral.referrer,
    language: s.language,
    confirmed_at: null,
    shared_with: shares.length > 0 ? JSON.stringify(shares) : null,
    client_key: s.clientKey ?? null,
    created_at: uow.now,
    modified_at: uow.now,
  };
  const inserted = await uow.ask(repo.letterSignatureInsert, row);
  if (inserted) {
    if (s.logo) {
      uow.insertLater('open_letter_logos', { id: newId(), organization_id: letter.organization_id, signature_id: id, content_type: 'image/png', width: s.logo.width, height: s.logo.height, bytes: s.logo.png, created_at: uow.now });
    }
    if (s.confirmed) {
      // Submitted alone (not side by side): the confirmation reads the row back and may share it.
      await confirmLetterSignature(uow, letter.id, id);
      return { signatureId: id, created: true, awaitingConfirmation: false };
    }
    uow.enqueue(JOB_CONFIRMATION, { signatureId: id });
    return { signatureId: id, created: true, awaitingConfirmation: true };
  }
  const existing = await repo.findSignatureOf(uow.trx, letter.id, personId, row.org_key);
  if (!existing) throw new Error(`signature of person ${personId} on open letter ${letter.id} vanished`);
  const pending = existing.confirmed_at === null;
  if (pending) {
    uow.enqueue(JOB_CONFIRMATION, { signatureId: existing.id });
    if (shares.length > 0) {
      await uow.serially(async () => {
        const current = await repo.findSignature(uow.trx, existing.id);
        const merged = [...parseShares(current?.shared_with ?? null), ...shares].filter((v, i, all) => all.findIndex((x) => x.id === v.id) === i);
        await repo.setSharedWith(uow.trx, existing.id, JSON.stringify(merged));
      });
    }
  }
  return { signatureId: existing.id, created: false, awaitingConfirmation: pending };
}

/** The token in a confirmation link: an HMAC of the signature's id, so nothing secret is stored. */
export function confirmationToken(secret: Buffer, signatureId: string): string {
  return createHmac('sha256', secret).update(`open-letter-confirm:${signatureId}`).digest('base64url');
}

export function isValidConfirmationToken(secret: Buffer, signatureId: string, token: string): boolean {
  const expected = Buffer.from(confirmationToken(secret, signatureId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const emailDomain = (email: string | null) => (email?.split('@')[1] ?? '').toLowerCase();

/**
 * Whether a confirmed organization's signature may go live at once: its organization is trusted
 * by the sponsor (same name), and the signer proves a link to it: an address at the website's
 * domain, or an earlier approved signature for it from the same person.
 */
async function isTrusted(q: Kysely<Database> | Transaction<Database>, s: LetterSignature, email: string | null): Promise<boolean> {
  const trusted = await repo.findTrusted(q, s.organization_id, s.org_key);
  if (!trusted) return false;
  if (trusted.org_domain && s.org_domain && trusted.org_domain !== s.org_domain) return false;
  const domain = emailDomain(email);
  const site = s.org_domain ?? trusted.org_domain;
  if (site && !site.includes('/') && domain && (domain === site || domain.endsWith(`.${site}`))) return true;
  return repo.approvedBefore(q, s.organization_id, s.person_id, s.org_key);
}

export type ConfirmOutcome = 'review' | 'live' | 'person' | 'already' | 'invalid';

/**
 * Confirms a signature from its email link. A person signing as themselves then counts; an
 * organization awaits the organizer, unless it is trusted (then it is on the list at once).
 * Partners the signer chose get them now.
 */
export async function confirmLetterSignature(uow: UnitOfWork, letterId: string, signatureId: string): Promise<ConfirmOutcome> {
  const s = await repo.findSignature(uow.trx, signatureId);
  if (!s || s.open_letter_id !== letterId) return 'invalid';
  if (s.confirmed_at !== null) return 'already';
  const person = await findPerson(uow.trx, s.organization_id, s.person_id);
  let outcome: ConfirmOutcome;
  if (s.kind === 'individual') {
    if (!(await repo.confirmSignature(uow.trx, s.id, 'approved', uow.now, false))) return 'already';
    uow.count(INDIVIDUAL_COUNT, letterId, 1);
    outcome = 'person';
  } else {
    const trusted = await isTrusted(uow.trx, s, person?.email ?? null);
    if (!(await repo.confirmSignature(uow.trx, s.id, trusted ? 'approved' : 'pending', uow.now, trusted))) return 'already';
    if (trusted) await repo.recountOrganizations(uow.trx, letterId);
    outcome = trusted ? 'live' : 'review';
  }
  const shares = parseShares(s.shared_with);
  if (person?.email && shares.length > 0) {
    const signer = { email: person.email, givenName: person.given_name, familyName: person.family_name, postalCode: person.postal_code, country: person.country, language: s.language };
    for (const share of shares) await sharePerson(uow, { type: 'open_letter', id: letterId }, signer, share);
  }
  return outcome;
}

/** What an organizer may decide about an organization's signature. */
export type Decision = 'approved' | 'rejected' | 'pending';

export class ModerationError extends Error {}

/** Approves, rejects or puts back a confirmed organization's signature, with the reason kept; the count follows. */
export async function moderateSignature(db: Kysely<Database>, letter: Pick<OpenLetter, 'id' | 'organization_id'>, signatureId: string, decision: Decision, reason: string | null, now: string) {
  return db.transaction().execute(async (trx) => {
    const s = await repo.findSignatureIn(trx, letter.organization_id, letter.id, signatureId);
    if (!s || s.kind !== 'organization') throw new ModerationError('There is no such organization on this letter.');
    if (s.status === 'unconfirmed') throw new ModerationError('This signature is not confirmed yet: its signer has not used the link in the email.');
    if (s.status === 'merged') throw new ModerationError('This signature was merged into another: moderate that one.');
    await repo.setModeration(trx, s.id, { status: decision, reason }, now);
    await repo.recountOrganizations(trx, letter.id);
    return s;
  });
}

/**
 * Merges a duplicate into the signature kept: the duplicate is hidden (status merged, kept on
 * record with its signer), and the kept one is approved if either was.
 */
export async function mergeSignatures(db: Kysely<Database>, letter: Pick<OpenLetter, 'id' | 'organization_id'>, duplicateId: string, keptId: string, now: string) {
  if (duplicateId === keptId) throw new ModerationError('Choose two different organizations to merge.');
  return db.transaction().execute(async (trx) => {
    const duplicate = await repo.findSignatureIn(trx, letter.organization_id, letter.id, duplicateId);
    const kept = await repo.findSignatureIn(trx, letter.organization_id, letter.id, keptId);
    if (!duplicate || !kept || duplicate.kind !== 'organization' || kept.kind !== 'organization') throw new ModerationError('There is no such organization on this letter.');
    if (duplicate.status === 'merged' || kept.status === 'merged') throw new ModerationError('One of them was merged already.');
    await repo.setModeration(trx, duplicate.id, { status: 'merged', reason: `merged into ${kept.org_name}`, mergedInto: kept.id }, now);
    if (duplicate.status === 'approved' && kept.status !== 'approved') await repo.setModeration(trx, kept.id, { status: 'approved', reason: `approved as ${duplicate.org_name} was` }, now);
    await repo.recountOrganizations(trx, letter.id);
    return { duplicate, kept };
  });
}

/** Trusts an approved organization on the sponsor's later letters. */
export async function trustOrganization(db: Kysely<Database>, letter: Pick<OpenLetter, 'id' | 'organization_id'>, signatureId: string, byUserId: string | null, now: string) {
  const s = await repo.findSignatureIn(db, letter.organization_id, letter.id, signatureId);
  if (!s || s.kind !== 'organization' || s.status !== 'approved') throw new ModerationError('Only an approved organization can be trusted.');
  await repo.insertTrusted(db, { id: newId(), organization_id: letter.organization_id, name: s.org_name ?? '', org_key: s.org_key, org_domain: s.org_domain, created_by: byUserId, created_at: now });
  return s;
}

/** Puts an organization in one of the letter's groups (or none) and features it or not. */
export async function placeSignature(db: Kysely<Database>, letter: OpenLetter, signatureId: string, group: string | null, featured: boolean, now: string) {
  const s = await repo.findSignatureIn(db, letter.organization_id, letter.id, signatureId);
  if (!s || s.kind !== 'organization') throw new ModerationError('There is no such organization on this letter.');
  if (group !== null && !groupsOf(letter).includes(group)) throw new ModerationError('Choose one of the letter’s groups.');
  await repo.setPlacement(db, s.id, { group_name: group, featured: featured ? 1 : 0 }, now);
  return s;
}

export function groupsOf(letter: Pick<OpenLetter, 'groups'>): string[] {
  try {
    const v: unknown = JSON.parse(letter.groups);
    return Array.isArray(v) ? v.filter((g): g is string => typeof g === 'string') : [];
  } catch {
    return [];
  }
}

/** The groups' Spanish names in the order of `groupsOf`, or null when the letter has none. */
export function spanishGroupsOf(letter: Pick<OpenLetter, 'groups_es'>): string[] | null {
  if (letter.groups_es === null) return null;
  try {
    const v: unknown = JSON.parse(letter.groups_es);
    return Array.isArray(v) ? v.map((g) => (typeof g === 'string' ? g : '')) : null;
  } catch {
    return null;
  }
}

export function targetsOf(letter: Pick<OpenLetter, 'targets'>): { name: string }[] {
  try {
    const v: unknown = JSON.parse(letter.targets);
    return Array.isArray(v) ? v.filter((t): t is { name: string } => typeof t?.name === 'string') : [];
  } catch {
    return [];
  }
}

export interface ListedOrganization {
  id: string;
  org_name: string | null;
  group_name: string | null;
  featured: number;
  created_at: string;
}

/** The approved organizations in the letter's groups (in the organizer's order, then the ungrouped) and in its order within each. */
export function arrangeList<S extends ListedOrganization>(letter: Pick<OpenLetter, 'groups' | 'list_order' | 'featured_first'>, rows: S[]): { group: string | null; organizations: S[] }[] {
  const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
  const sorted = [...rows].sort((a, b) => {
    if (letter.featured_first === 1 && a.featured !== b.featured) return b.featured - a.featured;
    if (letter.list_order === 'signed') return a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id);
    return collator.compare(a.org_name ?? '', b.org_name ?? '') || a.id.localeCompare(b.id);
  });
  const groups = groupsOf(letter);
  const sections = groups.map((group) => ({ group: group as string | null, organizations: sorted.filter((r) => r.group_name === group) }));
  const rest = sorted.filter((r) => r.group_name === null || !groups.includes(r.group_name));
  return [...sections, { group: null, organizations: rest }].filter((s) => s.organizations.length > 0);
}

function columnsOf(f: LetterFields): Omit<OpenLetterUpdate, 'id' | 'organization_id' | 'created_at' | 'modified_at'> {
  return {
    ...(f.slug ? { slug: f.slug } : {}),
    title: f.title,
    description: f.description,
    letter_text: f.letter_text,
    targets: JSON.stringify(f.targets),
    status: f.status,
    deadline: f.deadline,
    allow_individuals: f.allow_individuals,
    hold_until_count: f.hold_until_count,
    hold_until_date: f.hold_until_date,
    list_order: f.list_order,
    featured_first: f.featured_first,
    groups: JSON.stringify(f.groups),
    // Absent: the stored Spanish version stays (an API client that does not send it).
    ...(f.title_es === undefined ? {} : { title_es: f.title_es }),
    ...(f.description_es === undefined ? {} : { description_es: f.description_es }),
    ...(f.letter_text_es === undefined ? {} : { letter_text_es: f.letter_text_es }),
    ...(f.groups_es === undefined ? {} : { groups_es: f.groups_es === null ? null : JSON.stringify(f.groups_es) }),
  };
}

/** Creates a letter under a free web address: its slug, or its title's, numbered when taken. */
export async function createLetter(db: Kysely<Database>, organizationId: string, f: LetterFields, now: string, originSystem = 'turnout') {
  const id = newId();
  const base = f.slug ? slugify(f.slug, 'open-letter') : slugify(f.title, 'open-letter');
  const columns = columnsOf(f);
  await insertUnderFreeSlug(base, (slug) => repo.slugExists(db, slug), (slug) =>
    repo.insertLetterUnlessSlugTaken(db, {
      id,
      organization_id: organizationId,
      title: f.title,
      description: f.description,
      letter_text: f.letter_text,
      title_es: f.title_es ?? null,
      description_es: f.description_es ?? null,
      letter_text_es: f.letter_text_es ?? null,
      groups_es: columns.groups_es ?? null,
      targets: JSON.stringify(f.targets),
      status: f.status,
      deadline: f.deadline,
      allow_individuals: f.allow_individuals,
      hold_until_count: f.hold_until_count,
      hold_until_date: f.hold_until_date,
      list_order: f.list_order,
      featured_first: f.featured_first,
      groups: columns.groups!,
      slug,
      origin_system: originSystem,
      created_at: now,
      modified_at: now,
    }),
  );
  return (await repo.findLetter(db, organizationId, id))!;
}

/** Writes what differs and says which columns; the caller drops the cached page under the old and new slug. */
export async function updateLetter(db: Kysely<Database>, letter: OpenLetter, f: LetterFields, now: string) {
  const changes = columnsOf(f);
  const differing: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(changes)) if (value !== undefined && value !== (letter as Record<string, unknown>)[column]) differing[column] = value;
  const changed = Object.keys(differing);
  if (changed.length > 0) await repo.updateLetter(db, letter.organization_id, letter.id, { ...(differing as OpenLetterUpdate), modified_at: now });
  return { letter: changed.length > 0 ? (await repo.findLetter(db, letter.organization_id, letter.id))! : letter, changed };
}

/** Opens or closes a letter. */
export async function setLetterStatus(db: Kysely<Database>, letter: OpenLetter, status: 'open' | 'closed', now: string) {
  if (letter.status !== status) await repo.updateLetter(db, letter.organization_id, letter.id, { status, modified_at: now });
}
