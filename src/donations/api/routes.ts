import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { Context } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import { findPage } from '../repository.ts';
import { createPage, CurrencyLockedError, SlugTakenError, updatePage } from '../service.ts';
import { fundraisingCache } from '../public-cache.ts';
import { nowIso } from '../../util/ids.ts';
import { ApiError } from '../../kits/api/errors.ts';
import type { FieldSpec } from '../../kits/api/filter.ts';
import { collectionRoute, COMMON_FILTERS } from '../../kits/api/list.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { document } from '../../kits/api/presenters.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import * as api from './repository.ts';
import { pageChanges, pageFields, PageCreateBody, PageUpdateBody } from './input.ts';
import { presentPage } from './presenters.ts';

const FILTERS: FieldSpec<api.PageComparison['column']> = {
  ...COMMON_FILTERS,
  origin_system: { column: 'origin_system', kind: 'text' },
  title: { column: 'title', kind: 'text' },
};

/** The organization's fundraising page named by a URL identifier; another organization's is a 404 like a missing one. */
export const loadPage = (db: Kysely<Database>, organizationId: string, rawId: string) =>
  loadByIdentifier('fundraising page', rawId, (id) => findPage(db, organizationId, id));

type IdParams = { Params: { id: string } };

export function fundraisingPageApi(ctx: Context) {
  return async function (fastify: FastifyInstance) {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    /** The page as the API shows it, with its totals, read after a change. */
    const presented = async (organizationId: string, id: string) => document(baseUrl, presentPage(baseUrl, (await api.findApiPage(db, organizationId, id))!));

    collectionRoute(fastify, {
      db, baseUrl, path: '/fundraising_pages', rel: 'osdi:fundraising_pages', filters: FILTERS,
      list: api.listApiPages, count: api.countApiPages, present: presentPage,
    });

    app.get<IdParams>('/fundraising_pages/:id', async (request) => {
      const org = organizationOf(request);
      const page = await loadByIdentifier('fundraising page', request.params.id, (id) => api.findApiPage(db, org.id, id));
      return document(baseUrl, presentPage(baseUrl, page));
    });

    app.post('/fundraising_pages', { schema: { body: PageCreateBody } }, async (request) => {
      const org = organizationOf(request);
      const page = await createPage(db, org.id, pageFields(request.body), nowIso());
      fundraisingCache(ctx).forget(page.slug);
      return presented(org.id, page.id);
    });

    // PUT merges, as Action Network's does: fields left out keep their value.
    app.put<IdParams & { Body: PageUpdateBody }>('/fundraising_pages/:id', { schema: { body: PageUpdateBody } }, async (request) => {
      const org = organizationOf(request);
      const page = await loadPage(db, org.id, request.params.id);
      const fields = pageChanges(page, request.body);
      try {
        await updatePage(db, page, fields, nowIso());
      } catch (error) {
        if (error instanceof SlugTakenError) throw new ApiError(409, `Another fundraising page has the web address "${error.message}"`);
        // The gifts carry their currency; a page's totals add them up in its own.
        if (error instanceof CurrencyLockedError) throw new ApiError(409, `currency cannot change from ${page.currency} once the fundraising page has donations`);
        throw error;
      }
      fundraisingCache(ctx).forget(page.slug);
      return presented(org.id, page.id);
    });
  };
}
