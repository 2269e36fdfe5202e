import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Petition, PetitionUpdate } from './tables.ts';
import type { Counter, UnitOfWork } from '../actions/unit-of-work.ts';
import { recordTaker, type Referral } from '../actions/core.ts';
import type { PersonInput } from '../actions/people/validate.ts';
import { newId } from '../util/ids.ts';
import { parseShares, type Share } from '../actions/partners.ts';
import { shareSignature } from './shares.ts';
import { findPerson } from '../actions/people/repository.ts';
import * as repo from './repository.ts';
import { insertUnderFreeSlug, slugify } from '../util/slug.ts';
import { isActionClosed } from '../actions/closing-time.ts';

/** A petition's count of confirmed signatures, moved once per batch. */
const SIGNATURE_COUNT: Counter = { table: 'petitions', column: 'signature_count' };

export const JOB_AUTORESPONSE = 'petition.autoresponse';
export const JOB_CONFIRMATION = 'petition.confirmation';

export interface Signing {
  person: PersonInput;
  comments: string | null;
  optIn: boolean | null;
  optInWording: string;
  language: string;
  referral: Referral;
  tags?: string[];
  /** false when an API client asked for no autoresponse. */
  autoresponse?: boolean;
  /** Partner organizations the signer chose to share with (already checked against accepted partners). */
  shareWith?: Share[];
  /** The signer's client key (src/kits/pages/client-key.ts `actionClientKey`); none from the API. */
  clientKey?: string | null;
}

export interface SignResult {
  signatureId: string;
  /** false for a repeat signer: they are counted once. */
  created: boolean;
  awaitingConfirmation: boolean;
}

type SignablePetition = Pick<Petition, 'id' | 'organization_id' | 'confirmation_required' | 'status'> & { closes_at?: string | null };

/** A petition is closed when its organizer closed it or its closing time has passed (checked at each request: no job needed). */
export function isPetitionClosed(petition: { status: string; closes_at?: string | null }, now = new Date().toISOString()): boolean {
  return isActionClosed(petition, now);
}

/** A closed petition takes no signatures, from the public form or the API. */
export class PetitionClosedError extends Error {
  constructor(readonly petitionId: string) {
    super(`petition ${petitionId} is closed and takes no more signatures`);
  }
}

/**
 * Records a signature through the shared action core. A repeat signer is counted once and is
 * treated exactly like a first-time signer on the page, so the form never tells whether an
 * email has signed before; if their signature still awaits confirmation, the email is sent again.
 * Throws PetitionClosedError, before writing anything, when the petition is closed.
 */
export async function signPetition(uow: UnitOfWork, petition: SignablePetition, s: Signing): Promise<SignResult> {
  if (isPetitionClosed(petition, uow.now)) throw new PetitionClosedError(petition.id);
  const personId = await recordTaker(
    uow,
    {
      organizationId: petition.organization_id,
      person: s.person,
      language: s.language,
      optIn: s.optIn,
      optInWording: s.optInWording,
      tags: s.tags,
    },
    { type: 'petition', id: petition.id },
  );
  const needsConfirmation = petition.confirmation_required === 1;
  const shares = s.shareWith ?? [];
  const id = newId();
  const signature = {
    id,
    petition_id: petition.id,
    organization_id: petition.organization_id,
    person_id: personId,
    comments: s.comments,
    source: s.referral.source,
    referrer: s.referral.referrer,
    language: s.language,
    confirmed_at: needsConfirmation ? null : uow.now,
    shared_with: needsConfirmation && shares.length > 0 ? JSON.stringify(shares) : null,
    client_key: s.clientKey ?? null,
    created_at: uow.now,
    modified_at: uow.now,
  };
  const signer = {
    email: s.person.email,
    givenName: s.person.givenName || null,
    familyName: s.person.familyName || null,
    postalCode: s.person.postalCode || null,
    country: s.person.country || null,
    language: s.language,
  };
  const inserted = await uow.ask(repo.signatureInsert, signature);
  if (inserted) {
    if (needsConfirmation) {
      uow.enqueue(JOB_CONFIRMATION, { signatureId: id });
    } else {
      uow.count(SIGNATURE_COUNT, petition.id, 1);
      uow.raise('signature', petition.organization_id, id);
      if (s.autoresponse !== false) uow.enqueue(JOB_AUTORESPONSE, { signatureId: id });
      await shareSignature(uow, petition.id, signer, signature, shares);
    }
    return { signatureId: id, created: true, awaitingConfirmation: needsConfirmation };
  }
  const existing = await repo.findSignatureOf(uow.trx, petition.id, personId);
  if (!existing) throw new Error(`signature of person ${personId} on petition ${petition.id} vanished`);
  const pending = existing.confirmed_at === null;
  if (pending) {
    uow.enqueue(JOB_CONFIRMATION, { signatureId: existing.id });
    // Boxes ticked on a second try join those of the first, until the signature is confirmed.
    // Read again and written in one step: another signing of this batch may be merging too.
    if (shares.length > 0) {
      await uow.serially(async () => {
        const current = await repo.findSignature(uow.trx, existing.id);
        const merged = [...parseShares(current?.shared_with ?? null), ...shares].filter((v, i, all) => all.findIndex((x) => x.id === v.id) === i);
        await repo.setSharedWith(uow.trx, existing.id, JSON.stringify(merged));
      });
    }
  } else if (shares.length > 0) {
    await shareSignature(uow, petition.id, signer, existing, shares);
  }
  return { signatureId: existing.id, created: false, awaitingConfirmation: pending };
}

/** The token in a confirmation link: an HMAC of the signature's id, so nothing secret is stored. */
export function confirmationToken(secret: Buffer, signatureId: string): string {
  return createHmac('sha256', secret).update(`petition-confirm:${signatureId}`).digest('base64url');
}

export function isValidConfirmationToken(secret: Buffer, signatureId: string, token: string): boolean {
  const expected = Buffer.from(confirmationToken(secret, signatureId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export type ConfirmOutcome = 'confirmed' | 'already' | 'invalid';

/** Confirms a signature from its email link; it then counts and gets its autoresponse. */
export async function confirmPetitionSignature(
  uow: UnitOfWork,
  petitionId: string,
  signatureId: string,
): Promise<ConfirmOutcome> {
  const signature = await repo.findSignature(uow.trx, signatureId);
  if (!signature || signature.petition_id !== petitionId) return 'invalid';
  if (!(await repo.confirmSignature(uow.trx, signatureId, uow.now))) return 'already';
  uow.count(SIGNATURE_COUNT, petitionId, 1);
  uow.raise('signature', signature.organization_id, signatureId);
  uow.enqueue(JOB_AUTORESPONSE, { signatureId });
  // Partners get the signer only once the signature counts.
  const shares = parseShares(signature.shared_with);
  const person = shares.length > 0 ? await findPerson(uow.trx, signature.organization_id, signature.person_id) : undefined;
  if (person?.email) {
    const signer = { email: person.email, givenName: person.given_name, familyName: person.family_name, postalCode: person.postal_code, country: person.country, language: signature.language };
    await shareSignature(uow, petitionId, signer, signature, shares);
  }
  return 'confirmed';
}

export interface PetitionFields {
  title: string;
  description: string;
  petition_text: string;
  targets: { name: string }[];
  goal: number | null;
  confirmation_required: boolean;
  status: 'open' | 'closed';
  slug?: string;
  origin_system?: string;
  /** When the petition closes by itself; absent keeps it as it is. */
  closes_at?: string | null;
  /** The Spanish versions (null: none); absent keeps them as they are. */
  title_es?: string | null;
  description_es?: string | null;
  petition_text_es?: string | null;
}

/** Creates a petition under a free web address: its slug, or its title's, numbered when taken. */
export async function createPetition(db: Kysely<Database>, organizationId: string, f: PetitionFields, now: string) {
  const id = newId();
  const base = f.slug ? slugify(f.slug) : slugify(f.title);
  await insertUnderFreeSlug(base, (slug) => repo.slugExists(db, slug), (slug) => repo.insertPetitionUnlessSlugTaken(db, {
    id,
    organization_id: organizationId,
    slug,
    title: f.title,
    description: f.description,
    petition_text: f.petition_text,
    targets: JSON.stringify(f.targets),
    goal: f.goal,
    confirmation_required: f.confirmation_required ? 1 : 0,
    status: f.status,
    origin_system: f.origin_system ?? 'turnout',
    closes_at: f.closes_at ?? null,
    title_es: f.title_es ?? null,
    description_es: f.description_es ?? null,
    petition_text_es: f.petition_text_es ?? null,
    created_at: now,
    modified_at: now,
  }));
  return (await repo.findPetition(db, organizationId, id))!;
}

export function targetsOf(petition: Pick<Petition, 'targets'>): { name: string }[] {
  try {
    const parsed: unknown = JSON.parse(petition.targets);
    return Array.isArray(parsed) ? parsed.filter((t): t is { name: string } => typeof t?.name === 'string') : [];
  } catch {
    return [];
  }
}

/** Bounds on a petition's fields, the same for the console and the API. */
export const PETITION_LIMITS = { title: 200, text: 20_000, targets: 50, targetName: 200, goal: 1_000_000_000, slug: 60 } as const;

/** A web address chosen by an organizer: lower-case letters and digits in words joined by single hyphens. */
export function isValidSlug(slug: string): boolean {
  return slug.length <= PETITION_LIMITS.slug && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug);
}

/** The columns of a petition an organizer or an API client may change. */
export type PetitionChanges = Omit<PetitionUpdate, 'id' | 'organization_id' | 'signature_count' | 'created_at' | 'modified_at'>;

/** A petition's editable fields as the columns that store them. */
export function petitionColumns(f: PetitionFields): PetitionChanges {
  return {
    ...(f.slug === undefined ? {} : { slug: f.slug }),
    title: f.title,
    description: f.description,
    petition_text: f.petition_text,
    targets: JSON.stringify(f.targets),
    goal: f.goal,
    confirmation_required: f.confirmation_required ? 1 : 0,
    status: f.status,
    ...(f.closes_at === undefined ? {} : { closes_at: f.closes_at }),
    ...(f.title_es === undefined ? {} : { title_es: f.title_es }),
    ...(f.description_es === undefined ? {} : { description_es: f.description_es }),
    ...(f.petition_text_es === undefined ? {} : { petition_text_es: f.petition_text_es }),
  };
}

/**
 * Writes the changes that differ from the petition as it is and says which columns they were;
 * when nothing differs nothing is written and `modified_at` stays. The caller drops the
 * petition's cached page (under its old and new slug).
 */
export async function updatePetition(db: Kysely<Database>, petition: Petition, changes: PetitionChanges, now: string) {
  const differing: PetitionChanges = {};
  for (const [column, value] of Object.entries(changes) as [keyof PetitionChanges, unknown][]) {
    if (value !== undefined && value !== petition[column]) (differing as Record<string, unknown>)[column] = value;
  }
  const changed = Object.keys(differing) as (keyof PetitionChanges)[];
  if (changed.length > 0) await repo.updatePetition(db, petition.organization_id, petition.id, { ...differing, modified_at: now });
  const updated = changed.length > 0 ? (await repo.findPetition(db, petition.organization_id, petition.id))! : petition;
  return { petition: updated, changed };
}
