import { Type, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, ValueErrorType, type ValueError } from '@sinclair/typebox/compiler';
import type { FastifySchemaCompiler } from 'fastify';
import { ApiError } from './errors.ts';

/** A field that may be sent as `null` to clear it (Action Network's PUT semantics). */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * Validates request bodies with TypeBox and nothing else: no type coercion (a number sent for
 * a title is an error, not the string "123") and no removed properties. Unknown properties are
 * allowed, because Action Network clients send whole resources back, `_links` and all.
 */
export const typeboxCompiler: FastifySchemaCompiler<TSchema> = ({ schema }) => {
  const check = TypeCompiler.Compile(schema);
  return (value) => (check.Check(value) ? { value } : { error: new ApiError(400, describeErrors(check.Errors(value))) });
};

/** One sentence per wrong field (the first problem of each, at most five), naming the field as the client sent it. */
export function describeErrors(errors: Iterable<ValueError>): string {
  const byField = new Map<string, string>();
  for (const error of errors) {
    const e = innermost(error);
    const field = fieldName(e.path);
    if (!byField.has(field)) byField.set(field, describeError(field, e));
    if (byField.size === 5) break;
  }
  return [...byField.values()].join('; ');
}

/**
 * A value that matched no member of a union (`string or null`, `array or null`) is explained by
 * the member it came closest to: `target[0].name must be a string`, not `target must be an array or null`.
 */
function innermost(e: ValueError): ValueError {
  if (e.type !== ValueErrorType.Union) return e;
  let best = e;
  for (const member of e.errors) {
    const first = member.First();
    if (first && closeness(first) > closeness(best)) best = first;
  }
  return best === e ? e : innermost(best);
}

const KIND_ERRORS = new Set([
  ValueErrorType.Union,
  ValueErrorType.String,
  ValueErrorType.Number,
  ValueErrorType.Integer,
  ValueErrorType.Boolean,
  ValueErrorType.Null,
  ValueErrorType.Object,
  ValueErrorType.Array,
  ValueErrorType.Literal,
]);

// Deeper is closer; at the same depth, a value of the right kind that broke a limit is closer than a wrong kind.
const closeness = (e: ValueError) => e.path.length * 2 + (KIND_ERRORS.has(e.type) ? 0 : 1);

/** `/person/email_addresses/0/address` → `person.email_addresses[0].address`; the whole body is `body`. */
export function fieldName(path: string): string {
  if (path === '') return 'body';
  return path
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}

function describeError(field: string, e: ValueError): string {
  const s = e.schema as Record<string, unknown>;
  switch (e.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return `${field} is required`;
    case ValueErrorType.StringMaxLength:
      return `${field} must be ${s.maxLength} characters or fewer`;
    case ValueErrorType.StringMinLength:
      return `${field} must not be empty`;
    case ValueErrorType.ArrayMaxItems:
      return `${field} must have ${s.maxItems} items or fewer`;
    case ValueErrorType.ArrayMinItems:
      return `${field} must have at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`;
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return `${field} must be ${s.minimum} or more`;
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return `${field} must be ${s.maximum} or less`;
    default:
      return `${field} must be ${describeSchema(e.schema)}`;
  }
}

function describeSchema(schema: TSchema): string {
  const s = schema as Record<string, unknown>;
  if (Array.isArray(s.anyOf)) return (s.anyOf as TSchema[]).map(describeSchema).join(' or ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  switch (s.type) {
    case 'string':
      return 'a string';
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'an array';
    case 'object':
      return 'a JSON object';
    case 'null':
      return 'null';
    default:
      return 'a valid value';
  }
}
