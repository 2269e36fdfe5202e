import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { Context } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import type { EventCampaign } from '../tables.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { translator, type MessageKey } from '../../i18n/index.ts';
import * as repo from '../repository.ts';
import { campaignTotals, checkCampaignFields, CAMPAIGN_LIMITS, createCampaign, emptyTotals, updateCampaign, type CampaignTotals } from '../service.ts';
import { nowIso } from '../../util/ids.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { badRequest } from '../../kits/api/errors.ts';
import type { FieldSpec } from '../../kits/api/filter.ts';
import { apiUrl, identifiers, link } from '../../kits/api/hal.ts';
import {
  addIdentifiers,
  attachIdentifiers,
  checkIdentifiers,
  IdentifiersBody,
  identifiersOf,
  readIdentifiers,
  refuseUnknownFields,
  resolveIdentifierFilters,
} from '../../kits/api/identifiers.ts';
import { COMMON_FILTERS, listMatching } from '../../kits/api/list.ts';
import { countCampaignsMatching, listCampaignsMatching, type CampaignColumn } from './queries.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { document } from '../../kits/api/presenters.ts';
import { Nullable } from '../../kits/api/schema.ts';
import { campaignEventRoutes, line } from './events.ts';

// Event campaigns in Action Network's shape (its own resource, so `action_network:event_campaigns`
// in links and collections): GET|POST /event_campaigns, GET|PUT /event_campaigns/:id, and the
// campaign's events (events.ts).

const TYPE = 'event_campaign';

export function presentEventCampaign(baseUrl: string, c: EventCampaign, totals: CampaignTotals, otherIdentifiers: readonly string[] = []) {
  const self = apiUrl(baseUrl, `/event_campaigns/${c.id}`);
  return {
    identifiers: [...identifiers(c.id), ...otherIdentifiers],
    origin_system: c.origin_system,
    created_date: c.created_at,
    modified_date: c.modified_at,
    title: c.title,
    name: c.title,
    description: c.description,
    browser_url: `${baseUrl}/event_campaigns/${c.slug}`,
    host_url: `${baseUrl}/event_campaigns/${c.slug}/host`,
    total_events: totals.events,
    total_rsvps: totals.rsvps,
    'turnout:total_attended': totals.attended,
    'turnout:status': c.status,
    // The Spanish versions (src/kits/pages/localized.ts); null: the English text is shown to everyone.
    'turnout:title_es': c.title_es ?? null,
    'turnout:description_es': c.description_es ?? null,
    _links: {
      self: link(self),
      'osdi:events': link(`${self}/events`),
    },
  };
}

/** Every field of the resource, for a PUT that sends it back whole. */
const RESOURCE_FIELDS = ['title', 'name', 'description', 'browser_url', 'host_url', 'total_events', 'total_rsvps', 'turnout:total_attended', 'turnout:status', 'turnout:title_es', 'turnout:description_es'];

const FILTERS: FieldSpec<CampaignColumn> = {
  ...COMMON_FILTERS,
  origin_system: { column: 'origin_system', kind: 'text' },
  title: { column: 'title', kind: 'text' },
};

const Status = Type.Union([Type.Literal('open'), Type.Literal('closed')]);

const CampaignCreateBody = Type.Object({
  // Lengths and clean text are checkCampaignFields', as for the console.
  title: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  description: Type.Optional(Nullable(Type.String())),
  origin_system: Type.Optional(Type.String({ maxLength: CAMPAIGN_LIMITS.originSystem })),
  'turnout:status': Type.Optional(Status),
  // The Spanish versions of the title and description; null (or empty) removes one.
  'turnout:title_es': Type.Optional(Nullable(Type.String())),
  'turnout:description_es': Type.Optional(Nullable(Type.String())),
  identifiers: Type.Optional(IdentifiersBody),
});
type CampaignCreateBody = Static<typeof CampaignCreateBody>;

const CampaignUpdateBody = Type.Object({
  title: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  description: Type.Optional(Nullable(Type.String())),
  origin_system: Type.Optional(Type.String({ maxLength: CAMPAIGN_LIMITS.originSystem })),
  'turnout:status': Type.Optional(Status),
  // The Spanish versions of the title and description; null (or empty) removes one.
  'turnout:title_es': Type.Optional(Nullable(Type.String())),
  'turnout:description_es': Type.Optional(Nullable(Type.String())),
  identifiers: Type.Optional(IdentifiersBody),
});
type CampaignUpdateBody = Static<typeof CampaignUpdateBody>;

/** The organization's campaign named by a URL identifier; another organization's is a 404 like a missing one. */
const loadCampaign = (db: Kysely<Database>, organizationId: string, rawId: string) =>
  loadByIdentifier('event campaign', rawId, (id) => repo.findCampaign(db, organizationId, id));

type IdParams = { Params: { id: string } };

export function eventCampaignApi(ctx: Context) {
  return async function (fastify: FastifyInstance) {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;
    const en = translator('en');

    // In English, the texts the API has always given: "title must not be empty".
    const fieldErrors = (errors: FieldErrors) => {
      const messages = Object.entries(errors).map(([name, e]) => {
        const values = { ...e!.values };
        // The Spanish versions are named as the body names them.
        if (name === 'title_es' || name === 'description_es') values.field = `turnout:${name}`;
        else if (typeof values.field === 'string') values.field = en(values.field as MessageKey);
        return en(e!.key, values);
      });
      return badRequest(messages.join('; '));
    };

    const shown = async (organizationId: string, campaign: EventCampaign) => {
      const [totals, other] = await Promise.all([campaignTotals(db, organizationId, campaign.id), identifiersOf(db, organizationId, TYPE, [campaign.id])]);
      return document(baseUrl, presentEventCampaign(baseUrl, campaign, totals.get(campaign.id) ?? emptyTotals(), other.get(campaign.id)));
    };

    app.get('/event_campaigns', async (request) => {
      const org = organizationOf(request);
      return listMatching({
        query: request.query,
        baseUrl,
        path: '/event_campaigns',
        rel: 'action_network:event_campaigns',
        filters: FILTERS,
        // The campaigns' totals are read beside the page, in one query for all of them.
        list: async (where, window) => {
          const matching = await resolveIdentifierFilters(db, org.id, TYPE, where);
          const [rows, totals] = await Promise.all([listCampaignsMatching(db, org.id, matching, window), campaignTotals(db, org.id)]);
          const identified = await attachIdentifiers(db, org.id, TYPE, rows);
          return identified.map((campaign) => ({ campaign, totals: totals.get(campaign.id) ?? emptyTotals() }));
        },
        count: async (where) => countCampaignsMatching(db, org.id, await resolveIdentifierFilters(db, org.id, TYPE, where)),
        present: ({ campaign, totals }) => presentEventCampaign(baseUrl, campaign, totals, campaign.other_identifiers),
      });
    });

    app.get<IdParams>('/event_campaigns/:id', async (request) => {
      const org = organizationOf(request);
      return shown(org.id, await loadCampaign(db, org.id, request.params.id));
    });

    app.post('/event_campaigns', { schema: { body: CampaignCreateBody } }, async (request) => {
      const org = organizationOf(request);
      const body = request.body as CampaignCreateBody;
      const title = body.title ?? body.name;
      if (title === undefined) throw badRequest('title is required');
      const spanish = { title_es: body['turnout:title_es'], description_es: body['turnout:description_es'] };
      const errors = checkCampaignFields({ title, description: body.description ?? '', ...spanish });
      if (Object.keys(errors).length > 0) throw fieldErrors(errors);
      const origin = line('origin_system', body.origin_system);
      const others = readIdentifiers(body.identifiers);
      await checkIdentifiers(db, org.id, TYPE, null, others);
      const campaign = await db.transaction().execute(async (trx) => {
        const now = nowIso();
        const made = await createCampaign(trx, org.id, { title, description: body.description ?? '', status: body['turnout:status'] ?? 'open', origin_system: origin, ...spanish }, now);
        await addIdentifiers(trx, org.id, TYPE, made.id, others, now);
        return made;
      });
      return shown(org.id, campaign);
    });

    // PUT merges, as Action Network's: fields left out keep their value, `null` clears the
    // description, identifiers sent are added. A field the resource does not have is a 400.
    app.put<IdParams & { Body: CampaignUpdateBody }>('/event_campaigns/:id', { schema: { body: CampaignUpdateBody } }, async (request) => {
      const org = organizationOf(request);
      const campaign = await loadCampaign(db, org.id, request.params.id);
      const body = request.body;
      refuseUnknownFields(body, 'an event campaign', RESOURCE_FIELDS);
      // turnout has one title, shown as both `title` and `name`: the one that changed is the new title.
      const changedTitles = [...new Set([body.title, body.name].filter((t) => t !== undefined && t !== campaign.title))];
      if (changedTitles.length > 1) throw badRequest('title and name are the same field here; send one, or the same value in both');
      if (body.origin_system !== undefined && body.origin_system.trim() !== campaign.origin_system) {
        throw badRequest(`origin_system is set when a campaign is made and cannot be changed (it is ${JSON.stringify(campaign.origin_system)})`);
      }
      const title = changedTitles[0] ?? body.title ?? body.name;
      const description = body.description === undefined ? undefined : (body.description ?? '');
      const spanish = { title_es: body['turnout:title_es'], description_es: body['turnout:description_es'] };
      const errors = checkCampaignFields({ title, description, ...spanish });
      if (Object.keys(errors).length > 0) throw fieldErrors(errors);
      const others = readIdentifiers(body.identifiers);
      await checkIdentifiers(db, org.id, TYPE, campaign.id, others);
      const updated = await db.transaction().execute(async (trx) => {
        const now = nowIso();
        const changed = await updateCampaign(trx, campaign, { title, description, status: body['turnout:status'], ...spanish }, now);
        await addIdentifiers(trx, org.id, TYPE, campaign.id, others, now);
        return changed;
      });
      return shown(org.id, updated);
    });

    await app.register(campaignEventRoutes(ctx, loadCampaign));
  };
}
