import { Type, type Static } from '@sinclair/typebox';
import type { PetitionUpdate } from '../tables.ts';
import { PETITION_LIMITS, type PetitionFields } from '../service.ts';
import { isCleanText } from '../../actions/people/normalize.ts';
import { badRequest } from '../../kits/api/errors.ts';
import { Nullable } from '../../kits/api/schema.ts';

const LIMITS = { ...PETITION_LIMITS, originSystem: 100 };

// Fields both create and update accept; `null` clears an optional one on update.
const fields = {
  description: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.text }))),
  petition_text: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.text }))),
  target: Type.Optional(
    Nullable(Type.Array(Type.Object({ name: Type.String({ maxLength: LIMITS.targetName }) }), { maxItems: LIMITS.targets })),
  ),
  origin_system: Type.Optional(Type.String({ maxLength: LIMITS.originSystem })),
  'turnout:goal': Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: LIMITS.goal }))),
  'turnout:confirmation_required': Type.Optional(Type.Boolean()),
  'turnout:status': Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
};

export const PetitionCreateBody = Type.Object({ title: Type.String({ maxLength: LIMITS.title }), ...fields });
export type PetitionCreateBody = Static<typeof PetitionCreateBody>;

export const PetitionUpdateBody = Type.Object({ title: Type.Optional(Type.String({ maxLength: LIMITS.title })), ...fields });
export type PetitionUpdateBody = Static<typeof PetitionUpdateBody>;

/** What a new petition is made of; read-only fields such as `total_signatures` are ignored. */
export function petitionFields(body: PetitionCreateBody): PetitionFields {
  return {
    title: line('title', body.title),
    description: text('description', body.description),
    petition_text: text('petition_text', body.petition_text),
    targets: targets(body.target),
    goal: body['turnout:goal'] ?? null,
    confirmation_required: body['turnout:confirmation_required'] ?? false,
    status: body['turnout:status'] ?? 'open',
    origin_system: body.origin_system === undefined ? undefined : line('origin_system', body.origin_system),
  };
}

/** The columns a PUT changes: only fields present in the body; `null` clears an optional one. */
export function petitionChanges(body: PetitionUpdateBody): Omit<PetitionUpdate, 'modified_at'> {
  const changes: Omit<PetitionUpdate, 'modified_at'> = {};
  if (body.title !== undefined) changes.title = line('title', body.title);
  if (body.description !== undefined) changes.description = text('description', body.description);
  if (body.petition_text !== undefined) changes.petition_text = text('petition_text', body.petition_text);
  if (body.target !== undefined) changes.targets = JSON.stringify(targets(body.target));
  if (body.origin_system !== undefined) changes.origin_system = line('origin_system', body.origin_system);
  if (body['turnout:goal'] !== undefined) changes.goal = body['turnout:goal'];
  if (body['turnout:confirmation_required'] !== undefined) {
    changes.confirmation_required = body['turnout:confirmation_required'] ? 1 : 0;
  }
  if (body['turnout:status'] !== undefined) changes.status = body['turnout:status'];
  return changes;
}

/** A required one-line field, trimmed. */
function line(field: string, raw: string): string {
  const v = raw.trim();
  if (!v) throw badRequest(`${field} must not be empty`);
  if (!isCleanText(v)) throw badRequest(`${field} contains line breaks, control or invalid characters`);
  return v;
}

/** An optional text that may run over several lines; absent or null is empty. */
function text(field: string, raw: string | null | undefined): string {
  const v = (raw ?? '').trim();
  if (!isCleanText(v, true)) throw badRequest(`${field} contains control or invalid characters`);
  return v;
}

function targets(raw: { name: string }[] | null | undefined): { name: string }[] {
  return (raw ?? []).map((t, i) => ({ name: line(`target[${i}].name`, t.name) }));
}
