import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Context } from '../../context.ts';
import * as repo from '../repository.ts';
import { signPetition, PetitionClosedError } from '../service.ts';
import { ApiError } from '../../kits/api/errors.ts';
import { COMMON_FILTERS } from '../../kits/api/list.ts';
import { PersonBody, readPerson, readTags } from '../../kits/api/person-input.ts';
import { readComment, readReferral, RecordBodyFields, recordRoutes, RecordUpdateFields, referralChanges } from '../../kits/api/records.ts';
import { presentSignature } from './presenters.ts';
import { loadPetition } from './routes.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { Nullable } from '../../kits/api/schema.ts';
import { attachIdentifiers, attachIdentifiersTo, resolveIdentifierFilters } from '../../kits/api/identifiers.ts';
import { nowIso } from '../../util/ids.ts';
import { updateSignatureFields } from './queries.ts';

/** The record signature helper's body, as Action Network takes it. */
const RecordSignatureBody = Type.Object({
  person: PersonBody,
  comments: Type.Optional(Nullable(Type.String())),
  ...RecordBodyFields,
});
type RecordSignatureBody = Static<typeof RecordSignatureBody>;

/** What a PUT on a signature may change, as Action Network's: its comments, referrer data and identifiers. */
const SignatureUpdateBody = Type.Object({
  comments: Type.Optional(Nullable(Type.String())),
  ...RecordUpdateFields,
});
type SignatureUpdateBody = Static<typeof SignatureUpdateBody>;

// The resource's fields (read-only ones too), so that a client may PUT back what it read.
const RESOURCE_FIELDS = ['comments', 'action_network:referrer_data', 'referrer_data', 'action_network:person_id', 'action_network:petition_id', 'turnout:confirmed', 'person'];

const TYPE = 'signature';

export function signatureApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    const signatures = recordRoutes(app, {
      db, baseUrl, name: 'signature', actions: 'petitions', loadAction: loadPetition, actionKey: 'petitionId', filters: COMMON_FILTERS,
      list: async (q, organizationId, owner, where, window) =>
        attachIdentifiers(q, organizationId, TYPE, await repo.listSignatures(q, organizationId, owner, await resolveIdentifierFilters(q, organizationId, TYPE, where), window)),
      count: async (q, organizationId, owner, where) => repo.countSignatures(q, organizationId, owner, await resolveIdentifierFilters(q, organizationId, TYPE, where)),
      find: async (q, organizationId, owner, id) => attachIdentifiersTo(q, organizationId, TYPE, await repo.findSignatureIn(q, organizationId, owner, id)),
      present: presentSignature,
    });

    // PUT merges, as Action Network's: only the fields sent change; `null` clears the comments or
    // a referral code. The signer and the petition stay; a field a signature does not have is a 400.
    signatures.update<SignatureUpdateBody>({
      schema: SignatureUpdateBody,
      what: 'a signature',
      fields: RESOURCE_FIELDS,
      async write({ organizationId, record, body, addIdentifiers }) {
        const changes = { ...(body.comments !== undefined ? { comments: readComment('comments', body.comments) } : {}), ...referralChanges(body) };
        await db.transaction().execute(async (trx) => {
          const now = nowIso();
          if (Object.keys(changes).length > 0) await updateSignatureFields(trx, organizationId, record.id, { ...changes, modified_at: now });
          await addIdentifiers(trx, now);
        });
      },
    });

    // The record signature helper: the same action core as the public form, so a repeat signer
    // is counted once and gets back the signature they already made.
    app.post<{ Params: { id: string }; Body: RecordSignatureBody }>(
      '/petitions/:id/signatures',
      { schema: { body: RecordSignatureBody } },
      async (request) => {
        const org = organizationOf(request);
        const petition = await loadPetition(db, org.id, request.params.id);
        const body = request.body;
        const { person, optIn, language } = readPerson(body.person);
        const tags = readTags(body.add_tags);
        const comments = readComment('comments', body.comments);
        const referral = readReferral(body);
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
        return signatures.recorded(org.id, petition.id, result.signatureId);
      },
    );
  };
}
