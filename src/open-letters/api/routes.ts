import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { Context } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import { translator, type MessageKey } from '../../i18n/index.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { nowIso } from '../../util/ids.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { ApiError, badRequest } from '../../kits/api/errors.ts';
import type { FieldSpec } from '../../kits/api/filter.ts';
import { collectionRoute, COMMON_FILTERS, listMatching } from '../../kits/api/list.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { document, presentPerson } from '../../kits/api/presenters.ts';
import { PersonBody, readPerson, readTags } from '../../kits/api/person-input.ts';
import { readReferral, RecordBodyFields } from '../../kits/api/records.ts';
import { Nullable } from '../../kits/api/schema.ts';
import { findPerson } from '../../actions/people/repository.ts';
import { checkLetter, checkOrganizationFields, type OrganizationFields } from '../fields.ts';
import { letterCache } from '../public-cache.ts';
import * as repo from '../repository.ts';
import { createLetter, groupsOf, IndividualsNotAllowedError, LetterClosedError, signLetter, spanishGroupsOf, targetsOf, updateLetter } from '../service.ts';
import type { OpenLetter } from '../tables.ts';
import { presentLetter, presentLetterSignature } from './presenters.ts';

const LetterCreateBody = Type.Object({
  title: Type.String(),
  description: Type.Optional(Nullable(Type.String())),
  'turnout:letter_text': Type.String(),
  target: Type.Optional(Nullable(Type.Array(Type.Object({ name: Type.String() }), { maxItems: 100 }))),
  origin_system: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  'turnout:status': Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
  'turnout:deadline': Type.Optional(Nullable(Type.String())),
  'turnout:allow_individuals': Type.Optional(Type.Boolean()),
  'turnout:hold_until_count': Type.Optional(Nullable(Type.Integer())),
  'turnout:hold_until_date': Type.Optional(Nullable(Type.String())),
  'turnout:list_order': Type.Optional(Type.Union([Type.Literal('alphabetical'), Type.Literal('signed')])),
  'turnout:featured_first': Type.Optional(Type.Boolean()),
  'turnout:groups': Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
  // The Spanish versions of the texts (src/kits/pages/localized.ts); null or '' for none.
  'turnout:title_es': Type.Optional(Nullable(Type.String())),
  'turnout:description_es': Type.Optional(Nullable(Type.String())),
  'turnout:letter_text_es': Type.Optional(Nullable(Type.String())),
  'turnout:groups_es': Type.Optional(Nullable(Type.Array(Type.String(), { maxItems: 50 }))),
});
type LetterCreateBody = Static<typeof LetterCreateBody>;
/** A PUT names only what changes; what it leaves out stays as it is. */
const LetterUpdateBody = Type.Partial(LetterCreateBody);
type LetterUpdateBody = Static<typeof LetterUpdateBody>;

const OrganizationBody = Type.Object({
  name: Type.String(),
  website: Type.Optional(Nullable(Type.String())),
  locality: Type.String(),
  region: Type.Optional(Nullable(Type.String())),
  country: Type.Optional(Nullable(Type.String())),
  role: Type.Optional(Nullable(Type.String())),
  show_signer: Type.Optional(Type.Boolean()),
});

const RecordSignatureBody = Type.Object({ person: PersonBody, 'turnout:organization': Type.Optional(OrganizationBody), ...RecordBodyFields });
type RecordSignatureBody = Static<typeof RecordSignatureBody>;

const FILTERS: FieldSpec<repo.LetterComparison['column']> = { ...COMMON_FILTERS, origin_system: { column: 'origin_system', kind: 'text' }, title: { column: 'title', kind: 'text' } };

/** An ISO instant from the API as the console's field takes it (a minute, UTC), or the text as sent to be refused. */
const minuteOf = (raw: string | null | undefined) => {
  if (!raw) return '';
  const t = Date.parse(raw);
  return Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(raw) ? raw : new Date(t).toISOString().slice(0, 16);
};

const en = translator('en');
const API_FIELD: Record<string, string> = { org_name: 'name', website: 'website', city: 'locality', region: 'region', country: 'country', signer_role: 'role' };

/** The organization's field errors in English, named as the body names them. */
function organizationErrors(errors: FieldErrors): ApiError {
  const messages = Object.entries(errors).map(([field, e]) => {
    const values = { ...e!.values };
    if (typeof values.field === 'string') values.field = en(values.field as MessageKey);
    return `turnout:organization.${API_FIELD[field] ?? field}: ${en(e!.key, values)}`;
  });
  return badRequest(messages.join('; '));
}

type Input = Parameters<typeof checkLetter>[0];

/** What a letter created through the API has where its body says nothing. */
const DEFAULTS: Input = {
  title: '', description: '', letterText: '', targets: [], status: 'open', deadline: '', allowIndividuals: false,
  holdUntilCount: '', holdUntilDate: '', listOrder: 'alphabetical', featuredFirst: false, groups: [],
};

/**
 * A stored letter as the checks take it, for a PUT to change what it names. The Spanish texts are
 * left out (absent keeps them); the Spanish group names are there so that new groups are checked
 * against them.
 */
function storedInput(l: OpenLetter): Input {
  return {
    title: l.title, description: l.description, letterText: l.letter_text, targets: targetsOf(l).map((t) => t.name), status: l.status,
    deadline: minuteOf(l.deadline), allowIndividuals: l.allow_individuals === 1, holdUntilCount: l.hold_until_count === null ? '' : String(l.hold_until_count),
    holdUntilDate: minuteOf(l.hold_until_date), listOrder: l.list_order, featuredFirst: l.featured_first === 1, groups: groupsOf(l),
    groupsEs: spanishGroupsOf(l) ?? undefined,
  };
}

/** The body's fields over `base` (the defaults, or the stored letter). */
function letterInput(b: LetterUpdateBody, base: Input): Input {
  return {
    title: b.title ?? base.title,
    description: b.description === undefined ? base.description : (b.description ?? ''),
    letterText: b['turnout:letter_text'] ?? base.letterText,
    targets: b.target === undefined ? base.targets : (b.target ?? []).map((t) => t.name),
    status: b['turnout:status'] ?? base.status,
    deadline: b['turnout:deadline'] === undefined ? base.deadline : minuteOf(b['turnout:deadline']),
    allowIndividuals: b['turnout:allow_individuals'] ?? base.allowIndividuals,
    holdUntilCount: b['turnout:hold_until_count'] === undefined ? base.holdUntilCount : b['turnout:hold_until_count'] === null ? '' : String(b['turnout:hold_until_count']),
    holdUntilDate: b['turnout:hold_until_date'] === undefined ? base.holdUntilDate : minuteOf(b['turnout:hold_until_date']),
    listOrder: b['turnout:list_order'] ?? base.listOrder,
    featuredFirst: b['turnout:featured_first'] ?? base.featuredFirst,
    groups: b['turnout:groups'] ?? base.groups,
    titleEs: b['turnout:title_es'],
    descriptionEs: b['turnout:description_es'],
    letterTextEs: b['turnout:letter_text_es'],
    // New groups without their Spanish names: the stored names must still fit them.
    groupsEs: b['turnout:groups_es'] !== undefined ? b['turnout:groups_es'] : b['turnout:groups'] !== undefined ? base.groupsEs : undefined,
  };
}

export const loadLetter = (db: Kysely<Database>, organizationId: string, rawId: string) => loadByIdentifier('open letter', rawId, (id) => repo.findLetter(db, organizationId, id));

type IdParams = { Params: { id: string } };

/** `/open_letters` and `/open_letters/:id/signatures`: list, get, create, update, and the record signature helper. */
export function openLetterApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    collectionRoute(app, { db, baseUrl, path: '/open_letters', rel: 'turnout:open_letters', filters: FILTERS, list: repo.listLetters, count: repo.countLetters, present: (b, l) => presentLetter(b, l, nowIso()) });

    app.get<IdParams>('/open_letters/:id', async (request) => document(baseUrl, presentLetter(baseUrl, await loadLetter(db, organizationOf(request).id, request.params.id), nowIso())));

    app.post<{ Body: LetterCreateBody }>('/open_letters', { schema: { body: LetterCreateBody } }, async (request) => {
      const b = request.body;
      const { errors, fields } = checkLetter(letterInput(b, DEFAULTS));
      if (!fields) throw badRequest(Object.values(errors).join('; '));
      const letter = await createLetter(db, organizationOf(request).id, fields, nowIso(), b.origin_system ?? 'turnout');
      letterCache(ctx).forget(letter.slug);
      return document(baseUrl, presentLetter(baseUrl, letter, nowIso()));
    });

    app.put<IdParams & { Body: LetterUpdateBody }>('/open_letters/:id', { schema: { body: LetterUpdateBody } }, async (request) => {
      const letter = await loadLetter(db, organizationOf(request).id, request.params.id);
      const { errors, fields } = checkLetter(letterInput(request.body, storedInput(letter)), letter);
      if (!fields) throw badRequest(Object.values(errors).join('; '));
      const { letter: updated, changed } = await updateLetter(db, letter, fields, nowIso());
      if (changed.length > 0) letterCache(ctx).forget(letter.slug);
      return document(baseUrl, presentLetter(baseUrl, updated, nowIso()));
    });

    const SIGNATURE_FILTERS: FieldSpec<repo.LetterSignatureComparison['column']> = COMMON_FILTERS;
    app.get<IdParams>('/open_letters/:id/signatures', async (request) => {
      const org = organizationOf(request);
      const letter = await loadLetter(db, org.id, request.params.id);
      return listMatching({
        query: request.query, baseUrl, path: `/open_letters/${letter.id}/signatures`, rel: 'turnout:signatures', filters: SIGNATURE_FILTERS,
        list: (where, window) => repo.listLetterSignatures(db, org.id, letter.id, where, window),
        count: (where) => repo.countLetterSignatures(db, org.id, letter.id, where),
        present: (row) => presentLetterSignature(baseUrl, row),
      });
    });

    const loadSignature = async (organizationId: string, letterId: string, rawId: string) =>
      loadByIdentifier('signature', rawId, (id) => repo.findSignatureIn(db, organizationId, letterId, id));

    app.get<{ Params: { id: string; signatureId: string } }>('/open_letters/:id/signatures/:signatureId', async (request) => {
      const org = organizationOf(request);
      const letter = await loadLetter(db, org.id, request.params.id);
      return document(baseUrl, presentLetterSignature(baseUrl, await loadSignature(org.id, letter.id, request.params.signatureId)));
    });

    // The record signature helper: the same rules as the form, except that the organizer's own
    // system vouches for the email (no confirmation step). An organization still awaits review.
    app.post<IdParams & { Body: RecordSignatureBody }>('/open_letters/:id/signatures', { schema: { body: RecordSignatureBody } }, async (request) => {
      const org = organizationOf(request);
      const letter = await loadLetter(db, org.id, request.params.id);
      const body = request.body;
      const { person, optIn, language } = readPerson(body.person);
      const tags = readTags(body.add_tags);
      const referral = readReferral(body);
      const o = body['turnout:organization'];
      let organization: OrganizationFields | undefined;
      if (o) {
        const checked = checkOrganizationFields({ org_name: o.name, website: o.website ?? '', city: o.locality, region: o.region ?? '', country: o.country ?? '', signer_role: o.role ?? '', show_signer: o.show_signer === true });
        if (Object.keys(checked.errors).length > 0) throw organizationErrors(checked.errors);
        organization = checked.organization;
      }
      const result = await ctx.committer
        .submit((uow) => signLetter(uow, letter, { person, organization, optIn, optInWording: 'API', language: language ?? 'en', referral, tags, confirmed: true }))
        .catch((error: unknown) => {
          if (error instanceof LetterClosedError) throw new ApiError(409, 'This open letter is closed and takes no more signatures');
          if (error instanceof IndividualsNotAllowedError) throw new ApiError(409, 'This open letter takes signatures of organizations only: send turnout:organization');
          throw error;
        });
      letterCache(ctx).forget(letter.slug);
      const record = await repo.findSignatureIn(db, org.id, letter.id, result.signatureId);
      const signer = record && (await findPerson(db, org.id, record.person_id));
      if (!record || !signer) throw new Error(`signature ${result.signatureId} was recorded but cannot be read back`);
      return { ...document(baseUrl, presentLetterSignature(baseUrl, record)), _embedded: { 'osdi:person': presentPerson(baseUrl, signer) } };
    });
  };
}
