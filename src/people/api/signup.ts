import type { Updateable } from 'kysely';
import type { PersonTable } from '../../db/schema.ts';
import type { UnitOfWork } from '../../actions/unit-of-work.ts';
import type { PersonInput } from '../../actions/people/validate.ts';
import { recordTaker } from '../../actions/core.ts';
import { findPersonByEmail } from '../../actions/people/repository.ts';
import { setCustomFieldsInWork } from '../custom-fields.ts';
import { addIdentifiers, checkIdentifiers } from '../../kits/api/identifiers.ts';
import type { PersonDetails } from './person-details.ts';
import * as queries from './queries.ts';

/** The API token a request came with, as a consent names it: its id and label, never the secret. */
export interface ApiToken {
  id: string;
  label: string;
}

/** What a consent given or withdrawn through the API says: that the token's organization vouched for it. */
export const apiWording = (token: ApiToken, given: boolean) =>
  `${given ? 'Subscribed' : 'Unsubscribed'} through the API with the token "${token.label}" (${token.id}); the organization vouches for the person's consent`;

export interface ApiSignup {
  organizationId: string;
  person: PersonInput;
  language: string | null;
  /** The email status sent: true subscribed, false unsubscribed, null none. */
  optIn: boolean | null;
  details: PersonDetails;
  tags: string[];
  token: ApiToken;
  /** Identifiers of other systems (`mycrm:42`), read by readIdentifiers. */
  identifiers: string[];
}

/** The fields of the details that were sent with a value (the signup helper keeps what is stored otherwise). */
function detailColumns(d: PersonDetails): Updateable<PersonTable> {
  const set: Updateable<PersonTable> = {};
  if (d.addressLines) set.address_lines = d.addressLines;
  if (d.locality) set.locality = d.locality;
  if (d.region) set.region = d.region;
  if (d.phone) set.phone_number = d.phone;
  return set;
}

/**
 * The person signup helper, as Action Network documents it: a new person is subscribed unless
 * the status says `unsubscribed` (the organization calling vouches for their consent); someone
 * on the list keeps their status unless `subscribed` or `unsubscribed` is sent, which changes it.
 * Each change of status is a consent row naming the token. Identifiers of other systems are
 * kept; one that names another record is a 409, and the unit of work (the person too) is not
 * written. Returns the person's id.
 */
export async function signUpThroughApi(uow: UnitOfWork, s: ApiSignup): Promise<string> {
  const known = s.optIn === null ? await findPersonByEmail(uow.trx, s.organizationId, s.person.email) : undefined;
  const optIn = s.optIn ?? (known ? null : true);
  const personId = await recordTaker(
    uow,
    {
      organizationId: s.organizationId,
      person: s.person,
      language: s.language,
      optIn,
      optInWording: optIn === null ? '' : apiWording(s.token, optIn),
      tags: s.tags,
    },
    { type: 'person_signup', id: s.token.id },
  );
  // The person is known only now (new, or matched by email). Checked after adding, so that of two
  // signups in one batch giving the same identifier the second finds the first's: nothing is committed then.
  await addIdentifiers(uow.trx, s.organizationId, 'person', personId, s.identifiers, uow.now);
  await checkIdentifiers(uow.trx, s.organizationId, 'person', personId, s.identifiers);
  const set = detailColumns(s.details);
  // The action core never unsubscribes (a petition signed without the box ticked); this helper does.
  if (optIn === false) set.email_status = 'unsubscribed';
  if (Object.keys(set).length > 0) await queries.updatePerson(uow.trx, s.organizationId, personId, set);
  await setCustomFieldsInWork(uow, s.organizationId, personId, s.details.customFields);
  // Webhooks that want person changes hear of it (src/webhooks/).
  uow.raise('person', s.organizationId, personId);
  return personId;
}
