import type { FastifyInstance } from 'fastify';
import type { Context } from '../../context.ts';
import * as repo from '../repository.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import type { FieldSpec } from '../../kits/api/filter.ts';
import { apiUrl, identifiers, link } from '../../kits/api/hal.ts';
import { listMatching } from '../../kits/api/list.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { document } from '../../kits/api/presenters.ts';

// Lists, read-only as at Action Network: a list is a saved set of people, and turnout's are its
// tags (everyone a tag is on, kept up to date as tags are added). Each person on it is an item.

export function presentList(baseUrl: string, l: repo.ListRow) {
  const self = apiUrl(baseUrl, `/lists/${l.id}`);
  return {
    identifiers: identifiers(l.id),
    origin_system: 'turnout',
    created_date: l.created_at,
    modified_date: l.created_at,
    name: l.name,
    title: l.name,
    description: null,
    browser_url: null,
    total_items: Number(l.total_items ?? 0),
    _links: {
      self: link(self),
      'osdi:items': link(`${self}/items`),
      'osdi:tag': link(apiUrl(baseUrl, `/tags/${l.id}`)),
    },
  };
}

export function presentItem(baseUrl: string, i: repo.ItemRow) {
  const list = apiUrl(baseUrl, `/lists/${i.tag_id}`);
  return {
    identifiers: identifiers(i.id),
    origin_system: 'turnout',
    created_date: i.created_at,
    modified_date: i.created_at,
    item_type: 'osdi:person',
    'action_network:person_id': i.person_id,
    'action_network:list_id': i.tag_id,
    _links: {
      self: link(`${list}/items/${i.id}`),
      'osdi:list': link(list),
      'osdi:person': link(apiUrl(baseUrl, `/people/${i.person_id}`)),
    },
  };
}

// A tag is never modified (only made), so modified_date is its creation, and filters alike.
const LIST_FILTERS: FieldSpec<repo.ListColumn> = {
  identifier: { column: 'id', kind: 'identifier' },
  created_date: { column: 'created_at', kind: 'date' },
  modified_date: { column: 'created_at', kind: 'date' },
};
const ITEM_FILTERS = LIST_FILTERS;

type IdParams = { Params: { id: string } };

export function listApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;
    const loadList = (organizationId: string, rawId: string) => loadByIdentifier('list', rawId, (id) => repo.findList(db, organizationId, id));

    app.get('/lists', async (request) => {
      const org = organizationOf(request);
      return listMatching({
        query: request.query,
        baseUrl,
        path: '/lists',
        rel: 'osdi:lists',
        filters: LIST_FILTERS,
        list: (where, window) => repo.listLists(db, org.id, where, window),
        count: (where) => repo.countLists(db, org.id, where),
        present: (list) => presentList(baseUrl, list),
      });
    });

    app.get<IdParams>('/lists/:id', async (request) => {
      const org = organizationOf(request);
      return document(baseUrl, presentList(baseUrl, await loadList(org.id, request.params.id)));
    });

    app.get<IdParams>('/lists/:id/items', async (request) => {
      const org = organizationOf(request);
      const list = await loadList(org.id, request.params.id);
      const owner = { listId: list.id };
      return listMatching({
        query: request.query,
        baseUrl,
        path: `/lists/${list.id}/items`,
        rel: 'osdi:items',
        filters: ITEM_FILTERS,
        list: (where, window) => repo.listItems(db, org.id, owner, where, window),
        count: (where) => repo.countItems(db, org.id, owner, where),
        present: (item) => presentItem(baseUrl, item),
      });
    });

    app.get<{ Params: { id: string; itemId: string } }>('/lists/:id/items/:itemId', async (request) => {
      const org = organizationOf(request);
      const list = await loadList(org.id, request.params.id);
      const item = await loadByIdentifier('item', request.params.itemId, (id) => repo.findItem(db, org.id, { listId: list.id }, id));
      return document(baseUrl, presentItem(baseUrl, item));
    });
  };
}
