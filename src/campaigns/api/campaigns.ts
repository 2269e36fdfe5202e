import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Context } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import { campaignApiQueries, campaignQueries } from '../../event-campaigns/index.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import type { FieldSpec } from '../../kits/api/filter.ts';
import { apiUrl, identifiers, link } from '../../kits/api/hal.ts';
import { attachIdentifiers, attachIdentifiersTo, resolveIdentifierFilters, type Identified } from '../../kits/api/identifiers.ts';
import { COMMON_FILTERS, listMatching } from '../../kits/api/list.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { document } from '../../kits/api/presenters.ts';

// Action Network's campaigns group actions under one heading, read-only. turnout's grouping of
// actions is the event campaign (a week of action and its events), so each event campaign is
// also a campaign here, under the same id, whose actions are its events. The event campaign
// itself (to change, or to add events to) is at /event_campaigns/:id.

type CampaignRow = Identified<NonNullable<Awaited<ReturnType<typeof campaignQueries.findCampaign>>>>;
type CampaignEvent = Awaited<ReturnType<typeof campaignQueries.campaignEvents>>[number];

// The identifiers other systems gave an event campaign name it as a campaign too.
const TYPE = 'event_campaign';

export function presentCampaign(baseUrl: string, c: CampaignRow, events: CampaignEvent[]) {
  const self = apiUrl(baseUrl, `/campaigns/${c.id}`);
  const eventCampaign = apiUrl(baseUrl, `/event_campaigns/${c.id}`);
  return {
    identifiers: [...identifiers(c.id), ...c.other_identifiers],
    origin_system: c.origin_system,
    created_date: c.created_at,
    modified_date: c.modified_at,
    title: c.title,
    description: c.description,
    browser_url: `${baseUrl}/event_campaigns/${c.slug}`,
    featured_image_url: null,
    total_actions: events.length,
    actions: events.map((e) => ({
      title: e.title,
      browser_url: `${baseUrl}/events/${e.slug}`,
      action_type: 'event',
      _links: { self: link(apiUrl(baseUrl, `/events/${e.id}`)) },
    })),
    'turnout:status': c.status,
    _links: {
      self: link(self),
      'action_network:event_campaign': link(eventCampaign),
      'osdi:events': link(`${eventCampaign}/events`),
    },
  };
}

const FILTERS: FieldSpec<campaignApiQueries.CampaignColumn> = {
  ...COMMON_FILTERS,
  origin_system: { column: 'origin_system', kind: 'text' },
  title: { column: 'title', kind: 'text' },
};

async function withEvents(db: Kysely<Database>, organizationId: string, campaigns: CampaignRow[]) {
  const events = await Promise.all(campaigns.map((c) => campaignQueries.campaignEvents(db, organizationId, c.id)));
  return campaigns.map((campaign, i) => ({ campaign, events: events[i]! }));
}

export function campaignApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    app.get('/campaigns', async (request) => {
      const org = organizationOf(request);
      return listMatching({
        query: request.query,
        baseUrl,
        path: '/campaigns',
        rel: 'action_network:campaigns',
        filters: FILTERS,
        list: async (where, window) => {
          const rows = await campaignApiQueries.listCampaignsMatching(db, org.id, await resolveIdentifierFilters(db, org.id, TYPE, where), window);
          return withEvents(db, org.id, await attachIdentifiers(db, org.id, TYPE, rows));
        },
        count: async (where) => campaignApiQueries.countCampaignsMatching(db, org.id, await resolveIdentifierFilters(db, org.id, TYPE, where)),
        present: ({ campaign, events }) => presentCampaign(baseUrl, campaign, events),
      });
    });

    app.get<{ Params: { id: string } }>('/campaigns/:id', async (request) => {
      const org = organizationOf(request);
      const campaign = await loadByIdentifier('campaign', request.params.id, async (id) =>
        attachIdentifiersTo(db, org.id, TYPE, await campaignQueries.findCampaign(db, org.id, id)),
      );
      const events = await campaignQueries.campaignEvents(db, org.id, campaign.id);
      return document(baseUrl, presentCampaign(baseUrl, campaign, events));
    });
  };
}
