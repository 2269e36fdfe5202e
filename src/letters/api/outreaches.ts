import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Context } from '../../context.ts';
import * as repo from '../repository.ts';
import { CampaignClosedError, NoTargetError, writeLetter } from '../service.ts';
import { campaignInLanguage, checkLetter } from '../fields.ts';
import { letterCache } from '../public-cache.ts';
import { translator, type MessageKey } from '../../i18n/index.ts';
import { hasVisibleText, isCleanText } from '../../actions/people/normalize.ts';
import { ApiError, badRequest } from '../../kits/api/errors.ts';
import { COMMON_FILTERS, listMatching } from '../../kits/api/list.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { loadPerson } from '../../kits/api/people.ts';
import { PersonBody, readPerson, readTags } from '../../kits/api/person-input.ts';
import { readReferral, RecordBodyFields } from '../../kits/api/records.ts';
import { document, presentPerson } from '../../kits/api/presenters.ts';
import { findPerson } from '../../actions/people/repository.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { Nullable } from '../../kits/api/schema.ts';
import type { Outreach } from '../tables.ts';
import { presentOutreach } from './presenters.ts';
import { loadCampaign } from './routes.ts';

/** The record outreach helper's body, as Action Network takes it: the person, and the letter (`subject`, `message`). */
const RecordOutreachBody = Type.Object({
  person: PersonBody,
  subject: Type.Optional(Nullable(Type.String())),
  message: Type.Optional(Nullable(Type.String())),
  ...RecordBodyFields,
});
type RecordOutreachBody = Static<typeof RecordOutreachBody>;

const en = translator('en');
const API_FIELD: Record<string, string> = { subject: 'subject', body: 'message', letter_opening: 'message', letter_closing: 'message' };

/** The street address of the person's first postal address (`address_lines`), when the campaign asks for one. */
function streetOf(body: RecordOutreachBody): string | null {
  const lines = (body.person.postal_addresses?.[0] as { address_lines?: unknown } | undefined)?.address_lines;
  if (!Array.isArray(lines)) return null;
  const street = lines.filter((l): l is string => typeof l === 'string').map((l) => l.trim()).filter(Boolean).join(', ');
  if (!street) return null;
  if (!isCleanText(street) || !hasVisibleText(street) || street.length > 200) throw badRequest('person.postal_addresses[0].address_lines must be one line of 200 characters or fewer, without control characters');
  return street;
}

export function outreachApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;
    const present = async (rows: Outreach[]) => {
      const sends = await repo.sendsOfOutreaches(db, rows.map((r) => r.id));
      return rows.map((r) => presentOutreach(baseUrl, r, sends));
    };

    // Under the campaign and under the person: the same two routes, each with its own owner.
    const owners = [
      { at: 'advocacy_campaigns', ownerOf: async (orgId: string, raw: string) => ({ campaignId: (await loadCampaign(db, orgId, raw)).id }) },
      { at: 'people', ownerOf: async (orgId: string, raw: string) => ({ personId: (await loadPerson(db, orgId, raw)).id }) },
    ];
    for (const { at, ownerOf } of owners) {
      app.get<{ Params: { id: string } }>(`/${at}/:id/outreaches`, async (request) => {
        const org = organizationOf(request);
        const owner = await ownerOf(org.id, request.params.id);
        const id = 'campaignId' in owner ? owner.campaignId : owner.personId;
        return listMatching({
          query: request.query, baseUrl, path: `/${at}/${id}/outreaches`, rel: 'osdi:outreaches', filters: COMMON_FILTERS,
          list: async (where, window) => {
            const rows = await repo.listOutreaches(db, org.id, owner, where, window);
            const sends = await repo.sendsOfOutreaches(db, rows.map((r) => r.id));
            return rows.map((row) => ({ row, sends }));
          },
          count: (where) => repo.countOutreaches(db, org.id, owner, where),
          present: ({ row, sends }) => presentOutreach(baseUrl, row, sends),
        });
      });
      app.get<{ Params: { id: string; outreachId: string } }>(`/${at}/:id/outreaches/:outreachId`, async (request) => {
        const org = organizationOf(request);
        const owner = await ownerOf(org.id, request.params.id);
        const outreach = await loadByIdentifier('outreach', request.params.outreachId, (id) => repo.findOutreachIn(db, org.id, owner, id));
        return document(baseUrl, (await present([outreach]))[0]!);
      });
    }

    // The record outreach helper: the same action core and rules as the public form, so the
    // letter is delivered (paced) to the person's targets; a repeat writer gets back their letter.
    app.post<{ Params: { id: string }; Body: RecordOutreachBody }>('/advocacy_campaigns/:id/outreaches', { schema: { body: RecordOutreachBody } }, async (request) => {
      const org = organizationOf(request);
      const loaded = await loadCampaign(db, org.id, request.params.id);
      const campaign = await letterCache(ctx).get(loaded.slug);
      if (!campaign) throw new ApiError(404, `No advocacy campaign with identifier "${request.params.id}"`);
      const body = request.body;
      const { person, optIn, language } = readPerson(body.person);
      const tags = readTags(body.add_tags);
      const referral = readReferral(body);
      // The letter's defaults and locked parts in the writer's language, as the form gives them.
      const letter = checkLetter(campaignInLanguage(language ?? 'en', campaign), { subject: body.subject ?? undefined, body: body.message ?? undefined });
      const wrong = Object.entries(letter.errors).map(([f, e]) => `${API_FIELD[f] ?? f}: ${en(e!.key, { ...e!.values, ...(typeof e!.values?.field === 'string' ? { field: en(e!.values.field as MessageKey) } : {}) })}`);
      if (wrong.length > 0) throw badRequest(wrong.join('; '));
      const streetAddress = streetOf(body);
      if (campaign.ask_address === 1 && !streetAddress) throw badRequest('person.postal_addresses[0].address_lines: this campaign sends the writer\u2019s street address with the letter; give it');
      if (!person.postalCode && campaign.target_mode === 'matched') throw badRequest('person.postal_addresses[0].postal_code: this campaign finds each writer\u2019s officials by ZIP code; give it');
      const result = await ctx.committer
        .submit(
          (uow) => writeLetter(uow, campaign, { person, streetAddress, subject: letter.subject, body: letter.body, optIn, optInWording: 'API', language: language ?? 'en', referral, tags }),
          { sideBySide: true },
        )
        .catch((error: unknown) => {
          if (error instanceof CampaignClosedError) throw new ApiError(409, 'This advocacy campaign is closed and takes no more outreaches');
          if (error instanceof NoTargetError) throw new ApiError(422, `No target of this campaign matches the person\u2019s ZIP code${error.state ? ` (${error.state})` : ''}, and it has no fallback target`);
          throw error;
        });
      const outreach = await repo.findOutreachIn(db, org.id, { campaignId: campaign.id }, result.outreachId);
      const who = outreach && (await findPerson(db, org.id, outreach.person_id));
      if (!outreach || !who) throw new Error(`outreach ${result.outreachId} was recorded but cannot be read back`);
      return { ...document(baseUrl, (await present([outreach]))[0]!), _embedded: { 'osdi:person': presentPerson(baseUrl, who) } };
    });
  };
}
