import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { PersonalData } from '../context.ts';
import type { SharedStatement, UnitOfWork } from '../actions/unit-of-work.ts';
import { chunks } from '../util/chunks.ts';

// A person's custom fields, as Action Network keeps them (`custom_fields` on a person): per
// organization and person, a free-text name and a text value. Forms write their answers here,
// the API reads and writes them, and an organization's field names are the API's custom field
// metadata. Erasing the person deletes them (`eraseCustomFields`).

export interface PersonCustomFieldTable {
  organization_id: string;
  person_id: string;
  name: string;
  value: string;
  created_at: string;
  modified_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    person_custom_fields: PersonCustomFieldTable;
  }
}

export type PersonCustomField = Selectable<PersonCustomFieldTable>;

const DELETED = { erase: 'clear', why: 'the row is deleted' } as const;

/** Every column holds what the person answered or was given; their erasure deletes the rows. */
export const CUSTOM_FIELDS_PERSONAL_DATA: PersonalData = {
  person_custom_fields: {
    rows: 'erase',
    columns: { organization_id: 'plain', created_at: 'plain', modified_at: 'plain', person_id: DELETED, name: DELETED, value: DELETED },
  },
};

/** Longest name and value, and most fields set in one call. */
export const CUSTOM_FIELD_LIMITS = { name: 255, value: 10_000, perCall: 200 } as const;

/** Why a name or value is refused, for a surface to say in its own words. */
export type CustomFieldProblem = 'name_empty' | 'name_long' | 'name_control' | 'value_long' | 'value_control' | 'too_many';

// A name is one line of printable text; a value may hold line breaks and tabs (a long answer),
// never NUL (PostgreSQL refuses it) nor other control characters.
// eslint-disable-next-line no-control-regex
const NAME_CONTROL = /[\p{Cc}\u2028\u2029]/u;
// eslint-disable-next-line no-control-regex
const VALUE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** What is wrong with a custom field name (already trimmed), or null when it may be stored. */
export function checkCustomFieldName(name: string): CustomFieldProblem | null {
  if (name.length === 0) return 'name_empty';
  if (name.length > CUSTOM_FIELD_LIMITS.name) return 'name_long';
  if (NAME_CONTROL.test(name)) return 'name_control';
  return null;
}

/** What is wrong with a custom field value, or null when it may be stored. */
export function checkCustomFieldValue(value: string): CustomFieldProblem | null {
  if (value.length > CUSTOM_FIELD_LIMITS.value) return 'value_long';
  if (VALUE_CONTROL.test(value)) return 'value_control';
  return null;
}

/** A name or value that should have been checked (`checkCustomFieldName`) before it was set. */
export class CustomFieldError extends Error {
  constructor(
    readonly field: string,
    readonly problem: CustomFieldProblem,
  ) {
    super(`custom field ${JSON.stringify(field.slice(0, 80))}: ${problem}`);
    this.name = 'CustomFieldError';
  }
}

/** Names to values; a null value deletes the field (as `null` does in an Action Network PUT). */
export type CustomFieldChanges = Record<string, string | null>;

/** Throws `CustomFieldError` on the first name or value that may not be stored. */
export function assertCustomFields(fields: CustomFieldChanges): void {
  const entries = Object.entries(fields);
  if (entries.length > CUSTOM_FIELD_LIMITS.perCall) throw new CustomFieldError('', 'too_many');
  for (const [name, value] of entries) {
    const problem = checkCustomFieldName(name) ?? (value === null ? null : checkCustomFieldValue(value));
    if (problem) throw new CustomFieldError(name, problem);
  }
}

type Q = Kysely<Database> | Transaction<Database>;

interface Change {
  organizationId: string;
  personId: string;
  name: string;
  value: string | null;
}

/** Writes changes in order (a later change of the same field wins), in one statement per 500 rows. */
async function writeChanges(q: Q, changes: readonly Change[], now: string): Promise<void> {
  const last = new Map<string, Change>();
  for (const c of changes) last.set(`${c.organizationId}\u0000${c.personId}\u0000${c.name}`, c);
  // Key order, so two transactions writing the same people's fields lock rows in the same order.
  const ordered = [...last.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
  const upserts = ordered.filter((c) => c.value !== null);
  for (const chunk of chunks(upserts)) {
    await q
      .insertInto('person_custom_fields')
      .values(chunk.map((c) => ({ organization_id: c.organizationId, person_id: c.personId, name: c.name, value: c.value!, created_at: now, modified_at: now })))
      .onConflict((oc) => oc.columns(['organization_id', 'person_id', 'name']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), modified_at: eb.ref('excluded.modified_at') })))
      .execute();
  }
  for (const c of ordered.filter((d) => d.value === null)) {
    await q.deleteFrom('person_custom_fields').where('organization_id', '=', c.organizationId).where('person_id', '=', c.personId).where('name', '=', c.name).execute();
  }
}

const toChanges = (organizationId: string, personId: string, fields: CustomFieldChanges): Change[] =>
  Object.entries(fields).map(([name, value]) => ({ organizationId, personId, name, value }));

/**
 * Sets many of one person's custom fields at once, inside the caller's transaction: a value
 * replaces the stored one, null deletes it, fields not named stay. Throws `CustomFieldError`
 * on a name or value that was not checked.
 */
export async function setCustomFields(q: Q, organizationId: string, personId: string, fields: CustomFieldChanges, now: string): Promise<void> {
  assertCustomFields(fields);
  await writeChanges(q, toChanges(organizationId, personId, fields), now);
}

/** The custom fields of a batch's actions, written in one statement. */
const customFieldsUpsert: SharedStatement<Change[], void> = {
  name: 'custom fields upsert',
  async run(uow, inputs) {
    await writeChanges(uow.trx, inputs.flat(), uow.now);
    return inputs.map(() => undefined);
  },
};

/**
 * `setCustomFields` for an action in a unit of work (after `recordTaker` gave the person's id):
 * the fields of every action of the batch are written together.
 */
export async function setCustomFieldsInWork(uow: UnitOfWork, organizationId: string, personId: string, fields: CustomFieldChanges): Promise<void> {
  assertCustomFields(fields);
  const changes = toChanges(organizationId, personId, fields);
  if (changes.length > 0) await uow.ask(customFieldsUpsert, changes);
}

/** One person's custom fields, name to value, names in order. */
export async function customFieldsOf(q: Q, organizationId: string, personId: string): Promise<Record<string, string>> {
  return (await customFieldsOfPeople(q, organizationId, [personId])).get(personId) ?? {};
}

/** The custom fields of many of an organization's people (a page of the API's people), by person id. */
export async function customFieldsOfPeople(q: Q, organizationId: string, personIds: readonly string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for (const ids of chunks([...new Set(personIds)])) {
    const rows = await q
      .selectFrom('person_custom_fields')
      .select(['person_id', 'name', 'value'])
      .where('organization_id', '=', organizationId)
      .where('person_id', 'in', ids)
      .orderBy('person_id')
      .orderBy('name')
      .execute();
    for (const r of rows) {
      let fields = out.get(r.person_id);
      if (!fields) out.set(r.person_id, (fields = {}));
      fields[r.name] = r.value;
    }
  }
  return out;
}

/** One person's custom field rows, with their times (their data export). */
export const customFieldRowsOf = (q: Q, organizationId: string, personId: string) =>
  q
    .selectFrom('person_custom_fields')
    .select(['name', 'value', 'created_at', 'modified_at'])
    .where('organization_id', '=', organizationId)
    .where('person_id', '=', personId)
    .orderBy('name')
    .execute();

export interface CustomFieldName {
  name: string;
  /** When the first person got it, and when anyone's last changed. */
  created_at: string;
  modified_at: string;
  /** How many people have it. */
  people: number;
}

/** The names of an organization's custom fields, in order (Action Network's custom field metadata). */
export async function customFieldNames(q: Q, organizationId: string): Promise<CustomFieldName[]> {
  const rows = await q
    .selectFrom('person_custom_fields')
    .select((eb) => ['name', eb.fn.min('created_at').as('created_at'), eb.fn.max('modified_at').as('modified_at'), eb.fn.countAll().as('people')])
    .where('organization_id', '=', organizationId)
    .groupBy('name')
    .orderBy('name')
    .execute();
  return rows.map((r) => ({ name: r.name, created_at: String(r.created_at), modified_at: String(r.modified_at), people: Number(r.people) }));
}

/** Deletes one person's custom fields (their erasure); returns how many there were. */
export async function eraseCustomFields(trx: Q, organizationId: string, personId: string): Promise<number> {
  const r = await trx.deleteFrom('person_custom_fields').where('organization_id', '=', organizationId).where('person_id', '=', personId).executeTakeFirst();
  return Number(r.numDeletedRows ?? 0);
}
