import type { FastifyInstance } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Referral } from '../../actions/core.ts';
import { findPerson } from '../../actions/people/repository.ts';
import { isCleanText } from '../../actions/people/normalize.ts';
import { LIMITS } from '../../actions/people/validate.ts';
import { organizationOf } from './auth.ts';
import { ApiError, badRequest } from './errors.ts';
import type { Condition, FieldSpec } from './filter.ts';
import type { Link } from './hal.ts';
import { listMatching, type PageWindow } from './list.ts';
import { addIdentifiers, attachIdentifiers, attachIdentifiersTo, checkIdentifiers, IdentifiersBody, identifiersOf, readIdentifiers, refuseUnknownFields, resolveIdentifierFilters, withIdentifiers } from './identifiers.ts';
import { loadByIdentifier } from './load.ts';
import { loadPerson } from './people.ts';
import { readPerson, readTags, TagsBody, type PersonBody } from './person-input.ts';
import { document, presentPerson } from './presenters.ts';
import { Nullable } from './schema.ts';

// A record is what a person made on an action: a signature on a petition, an attendance at an
// event. Each is listed under its action and under its person, read one by one there, and made
// by a record helper that answers with the person embedded.

/** Whose records: the action's (`{ petitionId }`, `{ eventId }`) or the person's. */
export type RecordOwner<K extends string> = { [key in K]: string } | { personId: string };

export interface RecordSpec<K extends string, C extends string, Row extends { id: string; person_id: string }, T extends { _links: { self: Link } }, A extends { id: string } = { id: string }> {
  db: Kysely<Database>;
  baseUrl: string;
  /** The record's name in errors: `signature`. Its collection is `signatures` (rel `osdi:signatures`). */
  name: string;
  /** The actions' collection, `petitions`, and the organization's action named by a URL id (a 404 otherwise). */
  actions: string;
  loadAction(db: Kysely<Database>, organizationId: string, rawId: string): Promise<A>;
  /** The action's key in an owner: `petitionId`. */
  actionKey: K;
  filters: FieldSpec<C>;
  /**
   * Whether other systems may give these records identifiers of their own (kept under `name`):
   * then a filter on such an id finds the record it names, and each record read carries them.
   */
  otherIdentifiers?: boolean;
  /** The repository's page, count and one of the owner's records, such as `listSignatures`, `countSignatures`, `findSignatureIn`. */
  list(db: Kysely<Database>, organizationId: string, owner: RecordOwner<K>, where: Condition<C>, window: PageWindow): Promise<Row[]>;
  count(db: Kysely<Database>, organizationId: string, owner: RecordOwner<K>, where: Condition<C>): Promise<number>;
  find(db: Kysely<Database>, organizationId: string, owner: RecordOwner<K>, id: string): Promise<Row | undefined>;
  /** The presenter, such as `presentSignature`. */
  present(baseUrl: string, row: Row): T;
}

type ListParams = { Params: { id: string } };
type OneParams = { Params: { id: string; [recordId: string]: string } };

/**
 * Adds `GET /<actions>/:id/<records>[/:recordId]` and `GET /people/:id/<records>[/:recordId]`,
 * and returns what the record helper answers with.
 */
export function recordRoutes<K extends string, C extends string, Row extends { id: string; person_id: string }, T extends { _links: { self: Link } }, A extends { id: string } = { id: string }>(
  app: FastifyInstance,
  spec: RecordSpec<K, C, Row, T, A>,
) {
  const { db, baseUrl, name } = spec;
  const plural = `${name}s`;
  const param = `${name}Id`;
  const actionOwner = (actionId: string) => ({ [spec.actionKey]: actionId }) as RecordOwner<K>;
  const queries: Pick<typeof spec, 'list' | 'count' | 'find'> = spec.otherIdentifiers
    ? {
        list: async (q, organizationId, owner, where, window) =>
          attachIdentifiers(q, organizationId, name, await spec.list(q, organizationId, owner, await resolveIdentifierFilters(q, organizationId, name, where), window)),
        count: async (q, organizationId, owner, where) => spec.count(q, organizationId, owner, await resolveIdentifierFilters(q, organizationId, name, where)),
        find: async (q, organizationId, owner, id) => attachIdentifiersTo(q, organizationId, name, await spec.find(q, organizationId, owner, id)),
      }
    : spec;

  // Under the action and under the person: the same two routes, each with its own owner.
  const owners = [
    { at: spec.actions, load: spec.loadAction, ownerOf: actionOwner },
    { at: 'people', load: loadPerson, ownerOf: (personId: string): RecordOwner<K> => ({ personId }) },
  ];
  for (const { at, load, ownerOf } of owners) {
    app.get<ListParams>(`/${at}/:id/${plural}`, async (request) => {
      const org = organizationOf(request);
      const { id } = await load(db, org.id, request.params.id);
      const owner = ownerOf(id);
      return listMatching({
        query: request.query,
        baseUrl,
        path: `/${at}/${id}/${plural}`,
        rel: `osdi:${plural}`,
        filters: spec.filters,
        list: (where, window) => queries.list(db, org.id, owner, where, window),
        count: (where) => queries.count(db, org.id, owner, where),
        present: (row) => spec.present(baseUrl, row),
      });
    });

    app.get<OneParams>(`/${at}/:id/${plural}/:${param}`, async (request) => {
      const org = organizationOf(request);
      const owner = ownerOf((await load(db, org.id, request.params.id)).id);
      const record = await loadByIdentifier(name, request.params[param]!, (id) => queries.find(db, org.id, owner, id));
      return document(baseUrl, spec.present(baseUrl, record));
    });
  }

  return {
    /**
     * `PUT /<actions>/:id/<records>/:recordId`, merging as Action Network's does: the record is
     * found (a 404 otherwise), a field it does not have is a 400 naming it (`fields` are the
     * resource's, read-only ones too, so a client may send back what it read), the client's
     * identifiers are checked, then `write` changes what was sent (checking its own fields first
     * and throwing before anything is written), and the answer is the record as it now is.
     */
    update<B extends RecordUpdateBody>(o: { schema: TSchema; what: string; fields: readonly string[]; write(w: RecordWrite<A, Row, B>): Promise<void> }) {
      app.put<OneParams>(`/${spec.actions}/:id/${plural}/:${param}`, { schema: { body: o.schema } }, async (request) => {
        // The schema is B's (TypeBox): the body has been checked against it.
        const body = request.body as B;
        const org = organizationOf(request);
        const action = await spec.loadAction(db, org.id, request.params.id);
        const owner = actionOwner(action.id);
        const record = await loadByIdentifier(name, request.params[param]!, (id) => queries.find(db, org.id, owner, id));
        refuseUnknownFields(body, o.what, o.fields);
        const others = readIdentifiers(body.identifiers);
        await checkIdentifiers(db, org.id, name, record.id, others);
        await o.write({
          organizationId: org.id,
          action,
          record,
          body,
          addIdentifiers: (q, now) => addIdentifiers(q, org.id, name, record.id, others, now),
        });
        return document(baseUrl, spec.present(baseUrl, (await queries.find(db, org.id, owner, record.id))!));
      });
    },

    /** The record helper's answer: the record just made on the action, with its person embedded. */
    async recorded(organizationId: string, actionId: string, id: string) {
      const record = await queries.find(db, organizationId, actionOwner(actionId), id);
      const person = record && (await findPerson(db, organizationId, record.person_id));
      if (!record || !person) throw new Error(`${name} ${id} was recorded but cannot be read back`);
      const others = (await identifiersOf(db, organizationId, 'person', [person.id])).get(person.id);
      return { ...document(baseUrl, spec.present(baseUrl, record)), _embedded: { 'osdi:person': withIdentifiers(presentPerson(baseUrl, person), others) } };
    },
  };
}

/** What a record's `write` gets: the action, the record as it was, the body, and the client's identifiers to add in its transaction. */
export interface RecordWrite<A, Row, B> {
  organizationId: string;
  action: A;
  record: Row;
  body: B;
  addIdentifiers(q: Kysely<Database>, now: string): Promise<void>;
}

const ReferrerData = Type.Object({
  source: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  referrer: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
});

/** What every record's PUT takes beside its own fields: the referral codes and the client's identifiers. */
export const RecordUpdateFields = {
  'action_network:referrer_data': Type.Optional(ReferrerData),
  referrer_data: Type.Optional(ReferrerData),
  identifiers: Type.Optional(IdentifiersBody),
};

type RecordUpdateBody = { 'action_network:referrer_data'?: ReferrerData; referrer_data?: ReferrerData; identifiers?: string[] };

/** The referral columns a PUT changes: only the codes sent; `null` clears one. */
export function referralChanges(body: RecordUpdateBody): { source?: string | null; referrer?: string | null } {
  const raw = body['action_network:referrer_data'] ?? body.referrer_data;
  if (!raw) return {};
  const read = readReferral({ 'action_network:referrer_data': raw });
  return { ...(raw.source !== undefined ? { source: read.source } : {}), ...(raw.referrer !== undefined ? { referrer: read.referrer } : {}) };
}

/** What every record helper's body takes after the person and the comment, as Action Network has it. */
export const RecordBodyFields = {
  add_tags: Type.Optional(TagsBody),
  triggers: Type.Optional(Type.Object({ autoresponse: Type.Optional(Type.Object({ enabled: Type.Optional(Type.Boolean()) })) })),
  'action_network:referrer_data': Type.Optional(ReferrerData),
  referrer_data: Type.Optional(ReferrerData),
};

type ReferrerData = { source?: string | null; referrer?: string | null };

/** The referral codes of a record helper's body (`action_network:referrer_data`, or `referrer_data`). */
export function readReferral(body: { 'action_network:referrer_data'?: ReferrerData; referrer_data?: ReferrerData }): Referral {
  const raw = body['action_network:referrer_data'] ?? body.referrer_data;
  const code = (field: 'source' | 'referrer') => {
    const v = raw?.[field]?.trim();
    if (!v) return null;
    if (!isCleanText(v)) throw badRequest(`action_network:referrer_data.${field} contains line breaks, control or invalid characters`);
    return v;
  };
  return { source: code('source'), referrer: code('referrer') };
}

type RecordHelperBody = {
  person: PersonBody;
  add_tags?: string[];
  triggers?: { autoresponse?: { enabled?: boolean } };
  'action_network:referrer_data'?: ReferrerData;
  referrer_data?: ReferrerData;
};

/**
 * What the action core takes from every record helper's body: the person with their consent
 * (worded `API`) and language (English unless given), the tags and the referral codes; and
 * whether to send the autoresponse, which, as at Action Network, goes only when the client asks.
 * The action's own fields (`own`) are read between the tags and the referral codes, so a body
 * with several wrong fields gets the 400 it always got.
 */
export function readRecordHelper<O = undefined>(body: RecordHelperBody, own: () => O = () => undefined as O) {
  const { person, optIn, language } = readPerson(body.person);
  const tags = readTags(body.add_tags);
  const fields = own();
  const referral = readReferral(body);
  return {
    fields,
    taker: { person, optIn, optInWording: 'API', language: language ?? 'en', referral, tags },
    autoresponse: body.triggers?.autoresponse?.enabled === true,
  };
}

/** A record helper's `.catch`: the action's `closed` error is a 409 saying `message`; any other is thrown on. */
export function closedAs(closed: abstract new (...args: never[]) => Error, message: string) {
  return (error: unknown): never => {
    if (error instanceof closed) throw new ApiError(409, message);
    throw error;
  };
}

/** A record's comment, named `field` in errors (`comments` on a signature): trimmed, null when blank. */
export function readComment(field: string, raw: string | null | undefined): string | null {
  const comment = (raw ?? '').trim();
  if (!comment) return null;
  if (!isCleanText(comment, true)) throw badRequest(`${field} contains control or invalid characters`);
  if (comment.length > LIMITS.comments) throw badRequest(`${field} must be ${LIMITS.comments} characters or fewer`);
  return comment;
}
