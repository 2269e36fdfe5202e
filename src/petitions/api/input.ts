import { Type, type Static } from '@sinclair/typebox';
import type { Petition } from '../tables.ts';
import { petitionColumns, type PetitionChanges, type PetitionFields } from '../service.ts';
import {
  checkPetition,
  petitionInputOf,
  type PetitionErrorKey,
  type PetitionField,
  type PetitionFieldError,
  type PetitionFieldErrors,
  type PetitionInput,
} from '../fields.ts';
import { ApiError, badRequest } from '../../kits/api/errors.ts';
import { Nullable } from '../../kits/api/schema.ts';

// The body's shape and types; the rules for the values (lengths, clean text, the goal's range,
// the targets) are checkPetition's, the same as the console's.
// Fields both create and update accept; `null` clears an optional one on update.
const fields = {
  description: Type.Optional(Nullable(Type.String())),
  petition_text: Type.Optional(Nullable(Type.String())),
  target: Type.Optional(Nullable(Type.Array(Type.Object({ name: Type.String() })))),
  origin_system: Type.Optional(Type.String()),
  'turnout:goal': Type.Optional(Nullable(Type.Integer())),
  'turnout:confirmation_required': Type.Optional(Type.Boolean()),
  'turnout:status': Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
  'turnout:closes_at': Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  // The Spanish versions of the texts (src/kits/pages/localized.ts); null removes one.
  'turnout:title_es': Type.Optional(Nullable(Type.String())),
  'turnout:description_es': Type.Optional(Nullable(Type.String())),
  'turnout:petition_text_es': Type.Optional(Nullable(Type.String())),
};

export const PetitionCreateBody = Type.Object({ title: Type.String(), ...fields });
export type PetitionCreateBody = Static<typeof PetitionCreateBody>;

export const PetitionUpdateBody = Type.Object({ title: Type.Optional(Type.String()), ...fields });
export type PetitionUpdateBody = Static<typeof PetitionUpdateBody>;

/** Each of checkPetition's fields as an Action Network body names it. */
const API_FIELD: Record<PetitionField, string> = {
  title: 'title',
  slug: 'slug',
  description: 'description',
  petition_text: 'petition_text',
  targets: 'target',
  goal: 'turnout:goal',
  status: 'turnout:status',
  origin_system: 'origin_system',
  closes_at: 'turnout:closes_at',
  title_es: 'turnout:title_es',
  description_es: 'turnout:description_es',
  petition_text_es: 'turnout:petition_text_es',
};

type Values = NonNullable<PetitionFieldError['values']>;
const empty = (name: string) => `${name} must not be empty`;
const tooLong = (name: string, v: Values) => `${name} must be ${v.max} characters or fewer`;
const badLine = (name: string) => `${name} contains line breaks, control or invalid characters`;
const badText = (name: string) => `${name} contains control or invalid characters`;

/** What the API says for each of checkPetition's messages: the English texts its clients have always had. */
const API_TEXT: Record<PetitionErrorKey, (name: string, v: Values) => string> = {
  'petitionedit.error.title_required': empty,
  'petitionedit.error.title_too_long': tooLong,
  'petitionedit.error.title_invalid': badLine,
  'petitionedit.error.slug_required': empty,
  'petitionedit.error.slug_too_long': tooLong,
  'petitionedit.error.slug_invalid': (name) => `${name} can only contain lower-case letters, numbers and single hyphens`,
  'petitionedit.error.slug_taken': (name, v) => `${name} "${v.slug}" is already used by another petition`,
  'petitionedit.error.description_too_long': tooLong,
  'petitionedit.error.description_invalid': badText,
  'petitionedit.error.text_required': empty,
  'petitionedit.error.text_too_long': tooLong,
  'petitionedit.error.text_invalid': badText,
  'petitionedit.error.targets_too_many': (name, v) => `${name} must have ${v.max} items or fewer`,
  'petitionedit.error.target_empty': empty,
  'petitionedit.error.target_too_long': tooLong,
  'petitionedit.error.target_invalid': badLine,
  'petitionedit.error.goal_whole': (name) => `${name} must be a whole number or null`,
  'petitionedit.error.goal_min': (name) => `${name} must be 1 or more`,
  'petitionedit.error.goal_max': (name, v) => `${name} must be ${v.max} or less`,
  'petitionedit.error.status': (name) => `${name} must be "open" or "closed"`,
  'petitionedit.error.origin_required': empty,
  'petitionedit.error.origin_too_long': tooLong,
  'petitionedit.error.origin_invalid': badLine,
  'petitionedit.error.title_es_too_long': tooLong,
  'petitionedit.error.title_es_invalid': badLine,
  'petitionedit.error.description_es_too_long': tooLong,
  'petitionedit.error.description_es_invalid': badText,
  'petitionedit.error.text_es_too_long': tooLong,
  'petitionedit.error.text_es_invalid': badText,
  'petitionedit.error.closes_at': (name) => `${name} must be a date like 2026-06-30, a UTC time like 2026-06-30T17:00, an ISO 8601 time with its offset, or null`,
};

/** checkPetition's errors as one 400, a sentence per field (`target[2].name` for one target). */
function apiErrors(errors: PetitionFieldErrors): ApiError {
  const messages = (Object.entries(errors) as [PetitionField, PetitionFieldError | undefined][]).flatMap(([field, e]) => {
    if (!e) return [];
    const values = e.values ?? {};
    const name = field === 'targets' && typeof values.index === 'number' ? `target[${values.index}].name` : API_FIELD[field];
    return [API_TEXT[e.key](name, values)];
  });
  return badRequest(messages.join('; '));
}

const BLANK: PetitionInput = { title: '', description: '', petitionText: '', targets: [], goal: null, confirmationRequired: false, status: 'open' };

/** A body over a petition's input: on create over blanks, on update over the petition as it is (PUT merges; null clears). */
function applyBody(base: PetitionInput, body: PetitionUpdateBody): PetitionInput {
  const next: PetitionInput = { ...base, targets: [...base.targets] };
  delete next.slug; // an API client does not choose the web address
  if (body.title !== undefined) next.title = body.title;
  if (body.description !== undefined) next.description = body.description ?? '';
  if (body.petition_text !== undefined) next.petitionText = body.petition_text ?? '';
  if (body.target !== undefined) next.targets = (body.target ?? []).map((t) => t.name);
  if (body['turnout:goal'] !== undefined) next.goal = body['turnout:goal'];
  if (body['turnout:confirmation_required'] !== undefined) next.confirmationRequired = body['turnout:confirmation_required'];
  if (body['turnout:status'] !== undefined) next.status = body['turnout:status'];
  if (body.origin_system !== undefined) next.originSystem = body.origin_system;
  if (body['turnout:closes_at'] !== undefined) next.closesAt = body['turnout:closes_at'];
  if (body['turnout:title_es'] !== undefined) next.titleEs = body['turnout:title_es'];
  if (body['turnout:description_es'] !== undefined) next.descriptionEs = body['turnout:description_es'];
  if (body['turnout:petition_text_es'] !== undefined) next.petitionTextEs = body['turnout:petition_text_es'];
  return next;
}

/** checkPetition as the API asks it: a petition may come without a text (imports); any problem is a 400. */
function checked(input: PetitionInput): PetitionFields {
  const { errors, fields } = checkPetition(input, { textOptional: true });
  if (!fields) throw apiErrors(errors);
  return fields;
}

/** What a new petition is made of; read-only fields such as `total_signatures` are ignored. */
export function petitionFields(body: PetitionCreateBody): PetitionFields {
  return checked(applyBody(BLANK, body));
}

/**
 * The columns a PUT changes: only fields present in the body; `null` clears an optional one.
 * The petition as it would become is checked whole, as on create.
 */
export function petitionChanges(petition: Petition, body: PetitionUpdateBody): PetitionChanges {
  const f = checked(applyBody(petitionInputOf(petition), body));
  const columns = petitionColumns(f);
  const changes: PetitionChanges = {};
  if (body.title !== undefined) changes.title = columns.title;
  if (body.description !== undefined) changes.description = columns.description;
  if (body.petition_text !== undefined) changes.petition_text = columns.petition_text;
  if (body.target !== undefined) changes.targets = columns.targets;
  if (body.origin_system !== undefined) changes.origin_system = f.origin_system;
  if (body['turnout:goal'] !== undefined) changes.goal = columns.goal;
  if (body['turnout:confirmation_required'] !== undefined) changes.confirmation_required = columns.confirmation_required;
  if (body['turnout:status'] !== undefined) changes.status = columns.status;
  if (body['turnout:closes_at'] !== undefined) changes.closes_at = columns.closes_at ?? null;
  if (body['turnout:title_es'] !== undefined) changes.title_es = columns.title_es ?? null;
  if (body['turnout:description_es'] !== undefined) changes.description_es = columns.description_es ?? null;
  if (body['turnout:petition_text_es'] !== undefined) changes.petition_text_es = columns.petition_text_es ?? null;
  return changes;
}
