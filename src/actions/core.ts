import type { PersonInput } from './people/validate.ts';
import { addTags, personKey, upsertPeople, type UpsertPerson } from './people/repository.ts';
import type { SharedStatement, UnitOfWork } from './unit-of-work.ts';
import { newId } from '../util/ids.ts';

/** Where an action came from: `?source=` on the page, the referring site. */
export interface Referral {
  source: string | null;
  referrer: string | null;
}

export interface Taker {
  organizationId: string;
  person: Partial<PersonInput> & { email: string };
  language: string | null;
  /** The opt-in box as the supporter left it; null when the form showed none (API calls). */
  optIn: boolean | null;
  /** The words of the opt-in the supporter saw, kept with the consent. */
  optInWording: string;
  tags?: string[];
}

/** The people of a batch's actions, upserted in one statement. */
const peopleUpsert: SharedStatement<UpsertPerson, string> = {
  name: 'people upsert',
  async run(uow, people) {
    const ids = await upsertPeople(uow.trx, people);
    return people.map((p) => ids.get(personKey(p.organizationId, p.email))!);
  },
};

/**
 * The part every action shares: the person, deduplicated per organization by email, and
 * their consent and tags. Each action type then writes its own record in the same unit of work.
 */
export async function recordTaker(
  uow: UnitOfWork,
  taker: Taker,
  action: { type: string; id: string },
): Promise<string> {
  const personId = await uow.ask(peopleUpsert, {
    organizationId: taker.organizationId,
    email: taker.person.email,
    givenName: taker.person.givenName || null,
    familyName: taker.person.familyName || null,
    postalCode: taker.person.postalCode || null,
    country: taker.person.country || null,
    language: taker.language,
    subscribe: taker.optIn === true,
    now: uow.now,
  });
  if (taker.optIn !== null) {
    uow.insertLater('consents', {
      id: newId(),
      organization_id: taker.organizationId,
      person_id: personId,
      action_type: action.type,
      action_id: action.id,
      given: taker.optIn ? 1 : 0,
      wording: taker.optInWording,
      created_at: uow.now,
    });
  }
  if (taker.tags && taker.tags.length > 0) await addTags(uow.trx, taker.organizationId, personId, taker.tags, uow.now);
  return personId;
}
