import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Context } from '../../context.ts';
import * as repo from '../repository.ts';
import { findPerson } from '../../actions/people/repository.ts';
import { LIMITS } from '../../actions/people/validate.ts';
import { isCleanText } from '../../actions/people/normalize.ts';
import { signPetition, PetitionClosedError } from '../service.ts';
import type { Referral } from '../../actions/core.ts';
import { ApiError, badRequest, notFound } from '../../kits/api/errors.ts';
import { parseFilter, toComparisons, type FieldSpec } from '../../kits/api/filter.ts';
import { collection, filterParam, pageWindow, parseIdentifier, parsePaging } from '../../kits/api/hal.ts';
import { PersonBody, readPerson, readTags, TagsBody } from '../../kits/api/person-input.ts';
import { document, presentPerson } from '../../kits/api/presenters.ts';
import { presentSignature } from './presenters.ts';
import { loadPetition } from './routes.ts';
import { loadPerson } from '../../kits/api/people.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { Nullable } from '../../kits/api/schema.ts';

const FILTERS: FieldSpec<repo.SignatureComparison['column']> = {
  identifier: { column: 'id', kind: 'identifier' },
  created_date: { column: 'created_at', kind: 'date' },
  modified_date: { column: 'modified_at', kind: 'date' },
};

const ReferrerData = Type.Object({
  source: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  referrer: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
});

/** The record signature helper's body, as Action Network takes it. */
const RecordSignatureBody = Type.Object({
  person: PersonBody,
  comments: Type.Optional(Nullable(Type.String())),
  add_tags: Type.Optional(TagsBody),
  triggers: Type.Optional(
    Type.Object({ autoresponse: Type.Optional(Type.Object({ enabled: Type.Optional(Type.Boolean()) })) }),
  ),
  'action_network:referrer_data': Type.Optional(ReferrerData),
  referrer_data: Type.Optional(ReferrerData),
});
type RecordSignatureBody = Static<typeof RecordSignatureBody>;

type Owner = { petitionId: string } | { personId: string };
type ListParams = { Params: { id: string } };
type OneParams = { Params: { id: string; signatureId: string } };

export function signatureApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    async function list(organizationId: string, owner: Owner, path: string, query: Record<string, unknown>) {
      const paging = parsePaging(query);
      const filter = filterParam(query);
      const where = toComparisons(parseFilter(filter, Object.keys(FILTERS)), FILTERS);
      const [rows, total] = await Promise.all([
        repo.listSignatures(db, organizationId, owner, where, pageWindow(paging)),
        repo.countSignatures(db, organizationId, owner, where),
      ]);
      const items = rows.map((row) => presentSignature(baseUrl, row));
      return collection({ baseUrl, path, rel: 'osdi:signatures', items, total, paging, filter });
    }

    async function one(organizationId: string, owner: Owner, rawId: string) {
      const id = parseIdentifier(rawId);
      const signature = id ? await repo.findSignatureIn(db, organizationId, owner, id) : undefined;
      if (!signature) throw notFound('signature', rawId);
      return document(baseUrl, presentSignature(baseUrl, signature));
    }

    app.get<ListParams>('/petitions/:id/signatures', async (request) => {
      const org = organizationOf(request);
      const petition = await loadPetition(db, org.id, request.params.id);
      return list(org.id, { petitionId: petition.id }, `/petitions/${petition.id}/signatures`, request.query as Record<string, unknown>);
    });

    app.get<OneParams>('/petitions/:id/signatures/:signatureId', async (request) => {
      const org = organizationOf(request);
      const petition = await loadPetition(db, org.id, request.params.id);
      return one(org.id, { petitionId: petition.id }, request.params.signatureId);
    });

    app.get<ListParams>('/people/:id/signatures', async (request) => {
      const org = organizationOf(request);
      const person = await loadPerson(db, org.id, request.params.id);
      return list(org.id, { personId: person.id }, `/people/${person.id}/signatures`, request.query as Record<string, unknown>);
    });

    app.get<OneParams>('/people/:id/signatures/:signatureId', async (request) => {
      const org = organizationOf(request);
      const person = await loadPerson(db, org.id, request.params.id);
      return one(org.id, { personId: person.id }, request.params.signatureId);
    });

    // The record signature helper: the same action core as the public form, so a repeat signer
    // is counted once and gets back the signature they already made.
    app.post<ListParams & { Body: RecordSignatureBody }>(
      '/petitions/:id/signatures',
      { schema: { body: RecordSignatureBody } },
      async (request) => {
        const org = organizationOf(request);
        const petition = await loadPetition(db, org.id, request.params.id);
        const body = request.body;
        const { person, optIn, language } = readPerson(body.person);
        const tags = readTags(body.add_tags);
        const comments = readComments(body.comments);
        const referral = readReferral(body['action_network:referrer_data'] ?? body.referrer_data);
        const result = await ctx.committer
          .submit(
            (uow) =>
              signPetition(uow, petition, {
                person,
                comments,
                optIn,
                optInWording: 'API',
                language: language ?? 'en',
                referral,
                tags,
                // As at Action Network, an autoresponse is sent only when the client asks for one.
                autoresponse: body.triggers?.autoresponse?.enabled === true,
              }),
            { sideBySide: true },
          )
          .catch((error: unknown) => {
            if (error instanceof PetitionClosedError) throw new ApiError(409, 'This petition is closed and takes no more signatures');
            throw error;
          });
        const signature = await repo.findSignatureIn(db, org.id, { petitionId: petition.id }, result.signatureId);
        const signer = signature && (await findPerson(db, org.id, signature.person_id));
        if (!signature || !signer) throw new Error(`signature ${result.signatureId} was recorded but cannot be read back`);
        return {
          ...document(baseUrl, presentSignature(baseUrl, signature)),
          _embedded: { 'osdi:person': presentPerson(baseUrl, signer) },
        };
      },
    );
  };
}

function readComments(raw: string | null | undefined): string | null {
  const comments = (raw ?? '').trim();
  if (!comments) return null;
  if (!isCleanText(comments, true)) throw badRequest('comments contains control or invalid characters');
  if (comments.length > LIMITS.comments) throw badRequest(`comments must be ${LIMITS.comments} characters or fewer`);
  return comments;
}

function readReferral(raw: { source?: string | null; referrer?: string | null } | undefined): Referral {
  const code = (field: 'source' | 'referrer') => {
    const v = raw?.[field]?.trim();
    if (!v) return null;
    if (!isCleanText(v)) throw badRequest(`action_network:referrer_data.${field} contains line breaks, control or invalid characters`);
    return v;
  };
  return { source: code('source'), referrer: code('referrer') };
}
