import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import '../messages.ts';
import type { Context } from '../../context.ts';
import { translator } from '../../i18n/index.ts';
import { isCleanText } from '../../actions/people/normalize.ts';
import { AmountError, PageClosedError, recordOfflineGift } from '../service.ts';
import { fundraisingCache } from '../public-cache.ts';
import { MAX_MINOR, parseAmount } from '../money.ts';
import type { FundraisingPage } from '../tables.ts';
import { ApiError, badRequest } from '../../kits/api/errors.ts';
import { parseInstant } from '../../kits/api/filter.ts';
import { collectionRoute, COMMON_FILTERS } from '../../kits/api/list.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { PersonBody, readPerson, readTags } from '../../kits/api/person-input.ts';
import { document } from '../../kits/api/presenters.ts';
import { readReferral, RecordBodyFields, recordRoutes } from '../../kits/api/records.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { Nullable } from '../../kits/api/schema.ts';
import * as api from './repository.ts';
import { presentDonation } from './presenters.ts';
import { loadPage } from './routes.ts';

/** An amount as Action Network writes one ("10.00"), or a JSON number. */
const Amount = Type.Union([Type.String({ maxLength: 40 }), Type.Number()]);

/** The record donation helper's body, as Action Network takes it. */
const RecordDonationBody = Type.Object({
  person: PersonBody,
  recipients: Type.Array(Type.Object({ display_name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))), amount: Amount }), { minItems: 1, maxItems: 20 }),
  currency: Type.Optional(Nullable(Type.String({ maxLength: 10 }))),
  payment: Type.Optional(
    Type.Object({
      method: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
      reference_number: Type.Optional(Nullable(Type.Union([Type.String({ maxLength: 200 }), Type.Integer({ minimum: 0 })]))),
    }),
  ),
  'action_network:recurrence': Type.Optional(Type.Object({ recurring: Type.Optional(Type.Boolean()), period: Type.Optional(Nullable(Type.String({ maxLength: 40 }))) })),
  created_date: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  ...RecordBodyFields,
});
type RecordDonationBody = Static<typeof RecordDonationBody>;

const en = translator('en');

/** The gift's amount: the sum of its recipients' amounts, each a positive amount of the page's currency. */
function giftAmount(page: Pick<FundraisingPage, 'currency'>, body: RecordDonationBody): number {
  let total = 0;
  body.recipients.forEach((r, i) => {
    const field = `recipients[${i}].amount`;
    const text = typeof r.amount === 'number' ? (Number.isFinite(r.amount) ? String(r.amount) : 'NaN') : r.amount.trim();
    const value = text.slice(0, 30);
    if (/^-\s*\d/.test(text)) throw badRequest(`${field}: ${en('donationedit.error.amount_positive', { value })}`);
    const parsed = parseAmount(text, page.currency);
    if ('problem' in parsed) {
      throw badRequest(`${field}: ${en(parsed.problem === 'too_many_decimals' ? 'donationedit.error.amount_decimals' : 'donationedit.error.amount_invalid', { value })} (${page.currency})`);
    }
    if (parsed.minor <= 0) throw badRequest(`${field}: ${en('donationedit.error.amount_positive', { value })}`);
    if (parsed.minor > MAX_MINOR) throw badRequest(`${field}: ${en('donationedit.error.amount_too_large', { value })}`);
    total += parsed.minor;
  });
  if (total > MAX_MINOR) throw badRequest('recipients: the amounts add up to more than any single gift turnout takes');
  return total;
}

/** payment.reference_number, trimmed; null when there is none. */
function readReference(raw: string | number | null | undefined): string | null {
  const reference = String(raw ?? '').trim();
  if (!reference) return null;
  if (!isCleanText(reference)) throw badRequest('payment.reference_number contains line breaks, control or invalid characters');
  return reference;
}

/** created_date: when the gift was made, now or before. */
function readMadeAt(raw: string | null | undefined): string | null {
  const text = (raw ?? '').trim();
  if (!text) return null;
  const ms = parseInstant(text);
  if (ms === null) throw badRequest(`created_date must be a date like '2024-01-31' or '2024-01-31T12:00:00Z', got ${JSON.stringify(text.slice(0, 40))}`);
  if (ms > Date.now() + 5 * 60_000) throw badRequest('created_date must not be in the future');
  return new Date(ms).toISOString();
}

export function donationApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    // Under a page and under a person, as every record; and every gift of the organization.
    const donations = recordRoutes(app, {
      db, baseUrl, name: 'donation', actions: 'fundraising_pages', loadAction: loadPage, actionKey: 'pageId', filters: COMMON_FILTERS,
      list: api.listDonations, count: api.countDonations, find: api.findDonationIn, present: presentDonation,
    });

    collectionRoute(app, {
      db, baseUrl, path: '/donations', rel: 'osdi:donations', filters: COMMON_FILTERS,
      list: (q, organizationId, where, window) => api.listDonations(q, organizationId, null, where, window),
      count: (q, organizationId, where) => api.countDonations(q, organizationId, null, where),
      present: presentDonation,
    });

    app.get<{ Params: { id: string } }>('/donations/:id', async (request) => {
      const org = organizationOf(request);
      const gift = await loadByIdentifier('donation', request.params.id, (id) => api.findDonationIn(db, org.id, null, id));
      return document(baseUrl, presentDonation(baseUrl, gift));
    });

    // The record donation helper, for gifts the organization took itself (a check, cash at an
    // event): paid, counted in the page's total, and recorded once per payment.reference_number.
    app.post<{ Params: { id: string }; Body: RecordDonationBody }>('/fundraising_pages/:id/donations', { schema: { body: RecordDonationBody } }, async (request) => {
      const org = organizationOf(request);
      const page = await loadPage(db, org.id, request.params.id);
      const body = request.body;
      const { person, optIn, language } = readPerson(body.person);
      const tags = readTags(body.add_tags);
      const referral = readReferral(body);
      const currency = body.currency?.trim().toUpperCase();
      if (currency && currency !== page.currency) throw badRequest(`currency must be the fundraising page's, ${page.currency}, got ${JSON.stringify(body.currency)}`);
      const amountMinor = giftAmount(page, body);
      const reference = readReference(body.payment?.reference_number);
      const madeAt = readMadeAt(body.created_date);
      const result = await ctx.committer
        .submit((uow) =>
          recordOfflineGift(uow, page, {
            person,
            optIn,
            optInWording: 'API',
            language: language ?? 'en',
            referral,
            tags,
            amountMinor,
            reference,
            madeAt,
            // A receipt unless the client says not to: it is the donor's record of the gift.
            receipt: body.triggers?.autoresponse?.enabled !== false,
          }),
        )
        .catch((error: unknown) => {
          if (error instanceof PageClosedError) throw new ApiError(409, 'This fundraising page is closed and takes no more donations');
          if (error instanceof AmountError) throw badRequest('recipients: the amount must be more than zero and no more than any single gift turnout takes');
          throw error;
        });
      if (result.pageId !== page.id) {
        throw new ApiError(409, `payment.reference_number ${JSON.stringify(reference)} was already recorded on another fundraising page`);
      }
      if (result.recorded) fundraisingCache(ctx).forget(page.slug);
      return donations.recorded(org.id, page.id, result.donationId);
    });
  };
}
