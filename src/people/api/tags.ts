import type { FastifyInstance } from 'fastify';
import type { Context } from '../../context.ts';
import * as repo from '../../actions/people/repository.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import type { FieldSpec } from '../../kits/api/filter.ts';
import { collectionRoute } from '../../kits/api/list.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { document, presentTag } from '../../kits/api/presenters.ts';

const FILTERS: FieldSpec<repo.TagComparison['column']> = {
  identifier: { column: 'id', kind: 'identifier' },
  created_date: { column: 'created_at', kind: 'date' },
  name: { column: 'name', kind: 'text' },
};

/** The organization's tags, read-only: they are made by `add_tags` on the helpers. */
export function tagApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    collectionRoute(app, { db, baseUrl, path: '/tags', rel: 'osdi:tags', filters: FILTERS, list: repo.listTags, count: repo.countTags, present: presentTag });

    app.get<{ Params: { id: string } }>('/tags/:id', async (request) => {
      const org = organizationOf(request);
      const tag = await loadByIdentifier('tag', request.params.id, (id) => repo.findTag(db, org.id, id));
      return document(baseUrl, presentTag(baseUrl, tag));
    });
  };
}
