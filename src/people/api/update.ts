import type { Kysely, Updateable } from 'kysely';
import type { Database, PersonTable } from '../../db/schema.ts';
import { validatePerson } from '../../actions/people/validate.ts';
import { findPerson } from '../../actions/people/repository.ts';
import { ApiError, badRequest } from '../../kits/api/errors.ts';
import { apiField, english, languageOf, optInOf, primaryOf, type PersonUpdateBody } from '../../kits/api/person-input.ts';
import { nowIso } from '../../util/ids.ts';
import { raiseIn } from '../../actions/unit-of-work.ts';
import { addIdentifiers, checkIdentifiers, readIdentifiers } from '../../kits/api/identifiers.ts';
import { setCustomFields } from '../custom-fields.ts';
import { readDetails } from './person-details.ts';
import { apiWording, type ApiToken } from './signup.ts';
import * as queries from './queries.ts';

/** A person's resource type in api_identifiers. */
export const PERSON = 'person';

const isSent = <T>(v: T | undefined): v is T => v !== undefined;

/**
 * `PUT /people/:id`, merged as Action Network does: a field sent replaces the stored one, `null`
 * (or an empty string) clears it, a field left out stays. `subscribed` or `unsubscribed` on the
 * primary email changes the status and records the consent, naming the token. Identifiers of
 * other systems are added (a clash with another record's is a 409, before anything is written).
 * Returns false when the organization has no such person.
 */
export async function updatePersonThroughApi(db: Kysely<Database>, organizationId: string, personId: string, body: PersonUpdateBody, token: ApiToken): Promise<boolean> {
  const details = readDetails(body, '');
  const others = readIdentifiers(body.identifiers);
  return db.transaction().execute(async (trx) => {
    const stored = await findPerson(trx, organizationId, personId);
    if (!stored) return false;
    const email = primaryOf(body.email_addresses);
    const postal = body.postal_addresses === null ? null : primaryOf(body.postal_addresses);
    // Which of the fields every action keeps were sent, and what each would become.
    const sent = {
      given_name: isSent(body.given_name),
      family_name: isSent(body.family_name),
      email: isSent(email?.address),
      postal_code: body.postal_addresses === null || isSent(postal?.postal_code),
      country: body.postal_addresses === null || isSent(postal?.country),
    };
    const pick = (was: string | null, now: string | null | undefined, given: boolean) => (given ? (now ?? '') : (was ?? ''));
    const input = {
      given_name: pick(stored.given_name, body.given_name, sent.given_name),
      family_name: pick(stored.family_name, body.family_name, sent.family_name),
      email: pick(stored.email, email?.address, sent.email),
      postal_code: pick(stored.postal_code, postal?.postal_code, sent.postal_code),
      country: pick(stored.country, postal?.country, sent.country),
    };
    const { person, errors } = validatePerson(input);
    const messages = Object.entries(errors)
      .filter(([field, error]) => sent[field as keyof typeof sent] && !(error!.key === 'form.error.required' && field !== 'email'))
      .map(([field, error]) => `${apiField(field, '')}: ${english(error!)}`);
    if (messages.length > 0) throw badRequest(`Invalid person: ${messages.join('; ')}`);
    await checkIdentifiers(trx, organizationId, PERSON, personId, others);

    const now = nowIso();
    const set: Updateable<PersonTable> = { modified_at: now };
    if (sent.given_name) set.given_name = person.givenName || null;
    if (sent.family_name) set.family_name = person.familyName || null;
    if (sent.postal_code) set.postal_code = input.postal_code.trim() ? person.postalCode : null;
    if (sent.country || (sent.postal_code && input.postal_code.trim())) set.country = input.country.trim() ? person.country : null;
    if (sent.email && person.email !== stored.email) {
      if (stored.email === null) throw new ApiError(409, 'this person was erased; their record cannot be given an email address again');
      const other = await queries.personWithEmail(trx, organizationId, person.email);
      if (other) throw new ApiError(409, `another person in this organization has the email address ${person.email}`);
      set.email = person.email;
    }
    if (body.languages_spoken !== undefined) {
      const language = languageOf(body.languages_spoken);
      if (language || !body.languages_spoken?.length) set.language = language;
    }
    if (details.addressLines !== undefined) set.address_lines = details.addressLines;
    if (details.locality !== undefined) set.locality = details.locality;
    if (details.region !== undefined) set.region = details.region;
    if (details.phone !== undefined) set.phone_number = details.phone;

    const optIn = optInOf(email?.status);
    const status = optIn === true ? 'subscribed' : optIn === false ? 'unsubscribed' : stored.email_status;
    if (status !== stored.email_status && stored.email !== null) {
      set.email_status = status;
      await queries.insertConsent(trx, { organizationId, personId, actionType: 'person_update', actionId: token.id, given: optIn === true, wording: apiWording(token, optIn === true), now });
    }
    await queries.updatePerson(trx, organizationId, personId, set);
    await setCustomFields(trx, organizationId, personId, details.customFields, now);
    await addIdentifiers(trx, organizationId, PERSON, personId, others, now);
    // Webhooks that want person changes hear of it (src/webhooks/).
    await raiseIn(db, trx, [{ event: 'person', organizationId, id: personId }]);
    return true;
  });
}
