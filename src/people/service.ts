import type { UnitOfWork } from '../actions/unit-of-work.ts';
import { recordTaker, type Taker } from '../actions/core.ts';

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
