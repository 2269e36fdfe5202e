import { isCleanText } from '../../actions/people/normalize.ts';
import { badRequest } from '../../kits/api/errors.ts';
import { normalizePhone, primaryOf, type PersonUpdateBody } from '../../kits/api/person-input.ts';
import { checkCustomFieldName, checkCustomFieldValue, CUSTOM_FIELD_LIMITS, type CustomFieldChanges, type CustomFieldProblem } from '../custom-fields.ts';

/**
 * What a person in a request says beyond the fields every action keeps (src/kits/api/person-input.ts):
 * street address lines, city, region, phone number and custom fields. `undefined`: not sent;
 * `null`: sent empty (a PUT clears it, the signup helper keeps what is stored).
 */
export interface PersonDetails {
  /** JSON of the lines. */
  addressLines?: string | null;
  locality?: string | null;
  region?: string | null;
  phone?: string | null;
  customFields: CustomFieldChanges;
}

type DetailsBody = Pick<PersonUpdateBody, 'postal_addresses' | 'phone_numbers' | 'custom_fields'>;

const at = (prefix: string, field: string) => (prefix ? `${prefix}.${field}` : field);

function cleanLine(raw: string | null | undefined, field: string): string | null | undefined {
  if (raw === undefined) return undefined;
  const v = raw?.trim() ?? '';
  if (!v) return null;
  if (!isCleanText(v)) throw badRequest(`${field} contains control or invalid characters`);
  return v;
}

const PROBLEMS: Record<CustomFieldProblem, string> = {
  name_empty: 'a custom field name must not be empty',
  name_long: `a custom field name must be ${CUSTOM_FIELD_LIMITS.name} characters or fewer`,
  name_control: 'a custom field name must be one line without control characters',
  value_long: `must be ${CUSTOM_FIELD_LIMITS.value} characters or fewer`,
  value_control: 'contains control or invalid characters',
  too_many: `at most ${CUSTOM_FIELD_LIMITS.perCall} custom fields may be sent at once`,
};

/** The details of a person body, checked; a 400 names the field (`person.phone_numbers[0].number`). */
export function readDetails(body: DetailsBody, prefix: string): PersonDetails {
  const details: PersonDetails = { customFields: {} };
  if (body.postal_addresses === null) {
    Object.assign(details, { addressLines: null, locality: null, region: null });
  } else if (body.postal_addresses) {
    const postal = primaryOf(body.postal_addresses);
    const i = postal ? body.postal_addresses.indexOf(postal) : 0;
    const field = at(prefix, `postal_addresses[${i}]`);
    if (postal?.address_lines !== undefined) {
      const lines = (postal.address_lines ?? []).map((l, n) => cleanLine(l, `${field}.address_lines[${n}]`)).filter((l): l is string => !!l);
      details.addressLines = lines.length > 0 ? JSON.stringify(lines) : null;
    }
    details.locality = cleanLine(postal?.locality, `${field}.locality`);
    details.region = cleanLine(postal?.region, `${field}.region`);
  }
  if (body.phone_numbers === null) details.phone = null;
  else if (body.phone_numbers) {
    const phone = primaryOf(body.phone_numbers);
    const i = phone ? body.phone_numbers.indexOf(phone) : 0;
    const raw = phone?.number;
    if (raw === null || (raw !== undefined && raw.trim() === '')) details.phone = null;
    else if (raw !== undefined) {
      const number = normalizePhone(raw);
      if (!number) throw badRequest(`${at(prefix, `phone_numbers[${i}].number`)} must be a phone number with 7 to 15 digits`);
      details.phone = number;
    }
  }
  const fields = Object.entries(body.custom_fields ?? {});
  if (fields.length > CUSTOM_FIELD_LIMITS.perCall) throw badRequest(`${at(prefix, 'custom_fields')}: ${PROBLEMS.too_many}`);
  for (const [rawName, value] of fields) {
    const name = rawName.trim();
    const field = `${at(prefix, 'custom_fields')}[${JSON.stringify(rawName.slice(0, 80))}]`;
    const problem = checkCustomFieldName(name) ?? (value === null ? null : checkCustomFieldValue(value));
    if (problem) throw badRequest(`${field}: ${PROBLEMS[problem]}`);
    details.customFields[name] = value;
  }
  return details;
}
