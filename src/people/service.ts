import type { UnitOfWork } from '../actions/unit-of-work.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { recordTaker, type Taker } from '../actions/core.ts';
import { audit } from '../accounts/service.ts';
import { nowIso } from '../util/ids.ts';
import type { Capability } from '../context.ts';
import * as queries from './console-queries.ts';

export interface Signup {
  organizationId: string;
  person: Taker['person'];
  language: string | null;
  /** true: subscribe them; false: they declined (recorded, status unchanged); null: not asked. */
  optIn: boolean | null;
  optInWording: string;
  tags: string[];
  /** What signed them up, kept with their consent: the API token's id. */
  sourceId: string;
}

/**
 * Adds a person to an organization's list or refreshes the one with the same email, through
 * the same core as every action: dedupe by email, consent, tags. Returns the person's id.
 */
export async function signUpPerson(uow: UnitOfWork, s: Signup): Promise<string> {
  return recordTaker(
    uow,
    {
      organizationId: s.organizationId,
      person: s.person,
      language: s.language,
      optIn: s.optIn,
      optInWording: s.optInWording,
      tags: s.tags,
    },
    { type: 'person_signup', id: s.sourceId },
  );
}

/** What erasing a person changed: per record type, how many records were kept (and stay counted), as `signatures_kept`. */
export type Erasure = Record<string, number>;

/** One capability's part of an erasure (Capability.erase). */
export type Eraser = NonNullable<Capability['erase']>;

/**
 * Erases one of an organization's people, in one transaction: every personal field becomes
 * null (the email too, so they no longer match a search or a dedupe, and get no more mail),
 * their tags and consents are deleted, and each capability clears what it keeps of them
 * (`erasers`, from Capability.erase: a signature loses its comment, source code, referring site
 * and any partner share awaiting confirmation, but stays, so every count is unchanged). The
 * audit row written with it names the person's id only. Returns null when the organization has
 * no such person.
 */
export async function erasePerson(
  db: Kysely<Database>,
  organizationId: string,
  personId: string,
  erasers: readonly Eraser[],
  by: { userId: string | null } = { userId: null },
): Promise<Erasure | null> {
  return db.transaction().execute(async (trx) => {
    const now = nowIso();
    if (!(await queries.clearPersonFields(trx, organizationId, personId, now))) return null;
    await queries.deleteTagsAndConsentsOf(trx, organizationId, personId);
    const kept: Erasure = {};
    for (const erase of erasers) Object.assign(kept, await erase(trx, organizationId, personId, now));
    await audit(trx, { organizationId, userId: by.userId, action: 'person.erased', subject: personId, details: kept });
    return kept;
  });
}
