import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Context } from '../../context.ts';
import * as repo from '../repository.ts';
import { signPetition, PetitionClosedError } from '../service.ts';
import { COMMON_FILTERS } from '../../kits/api/list.ts';
import { PersonBody } from '../../kits/api/person-input.ts';
import { closedAs, readComment, readRecordHelper, RecordBodyFields, recordRoutes, RecordUpdateFields, referralChanges } from '../../kits/api/records.ts';
import { presentSignature } from './presenters.ts';
import { loadPetition } from './routes.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { Nullable } from '../../kits/api/schema.ts';
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

export function signatureApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    const signatures = recordRoutes(app, {
      db, baseUrl, name: 'signature', actions: 'petitions', loadAction: loadPetition, actionKey: 'petitionId', filters: COMMON_FILTERS, otherIdentifiers: true,
      list: repo.listSignatures, count: repo.countSignatures, find: repo.findSignatureIn, present: presentSignature,
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
        const { fields: comments, taker, autoresponse } = readRecordHelper(body, () => readComment('comments', body.comments));
        const result = await ctx.committer
          .submit((uow) => signPetition(uow, petition, { ...taker, comments, autoresponse }), { sideBySide: true })
          .catch(closedAs(PetitionClosedError, 'This petition is closed and takes no more signatures'));
        return signatures.recorded(org.id, petition.id, result.signatureId);
      },
    );
  };
}
