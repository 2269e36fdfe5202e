import type { FastifyInstance } from 'fastify';
import type { Context } from '../../context.ts';
import * as repo from '../../actions/people/repository.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { notFound } from '../../kits/api/errors.ts';
import { parseFilter, toComparisons, type FieldSpec } from '../../kits/api/filter.ts';
import { collection, filterParam, pageWindow, parseIdentifier, parsePaging } from '../../kits/api/hal.ts';
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

    app.get('/tags', async (request) => {
      const org = organizationOf(request);
      const query = request.query as Record<string, unknown>;
      const paging = parsePaging(query);
      const filter = filterParam(query);
      const where = toComparisons(parseFilter(filter, Object.keys(FILTERS)), FILTERS);
      const [rows, total] = await Promise.all([
        repo.listTags(db, org.id, where, pageWindow(paging)),
        repo.countTags(db, org.id, where),
      ]);
      const items = rows.map((row) => presentTag(baseUrl, row));
      return collection({ baseUrl, path: '/tags', rel: 'osdi:tags', items, total, paging, filter });
    });

    app.get<{ Params: { id: string } }>('/tags/:id', async (request) => {
      const id = parseIdentifier(request.params.id);
      const tag = id ? await repo.findTag(db, organizationOf(request).id, id) : undefined;
      if (!tag) throw notFound('tag', request.params.id);
      return document(baseUrl, presentTag(baseUrl, tag));
    });
  };
}
