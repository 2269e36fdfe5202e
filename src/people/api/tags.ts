import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Context } from '../../context.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import type { FieldSpec } from '../../kits/api/filter.ts';
import { COMMON_FILTERS, listMatching } from '../../kits/api/list.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { readTagName } from '../../kits/api/person-input.ts';
import { document, presentTag } from '../../kits/api/presenters.ts';
import { nowIso } from '../../util/ids.ts';
import { taggingRoutes } from './taggings.ts';
import * as queries from './queries.ts';

// A tag is never renamed, so its modified_date is when it was made.
const FILTERS: FieldSpec<queries.TagColumn> = {
  identifier: COMMON_FILTERS.identifier,
  created_date: COMMON_FILTERS.created_date,
  modified_date: { column: 'created_at', kind: 'date' },
  name: { column: 'name', kind: 'text' },
};

const TagBody = Type.Object({ name: Type.String({ maxLength: 1000 }) });
type TagBody = Static<typeof TagBody>;

/** The organization's tags (made here or by `add_tags` on the helpers) and their taggings. */
export function tagApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;
    const loadTag = (organizationId: string, rawId: string) => loadByIdentifier('tag', rawId, (id) => queries.findTag(db, organizationId, id));

    app.get('/tags', async (request) => {
      const org = organizationOf(request);
      return listMatching({
        query: request.query,
        baseUrl,
        path: '/tags',
        rel: 'osdi:tags',
        filters: FILTERS,
        list: (where, window) => queries.listTags(db, org.id, where, window),
        count: (where) => queries.countTags(db, org.id, where),
        present: (row) => presentTag(baseUrl, row),
      });
    });

    app.get<{ Params: { id: string } }>('/tags/:id', async (request) => {
      const org = organizationOf(request);
      return document(baseUrl, presentTag(baseUrl, await loadTag(org.id, request.params.id)));
    });

    // A name the organization has already answers with that tag, as Action Network does.
    app.post<{ Body: TagBody }>('/tags', { schema: { body: TagBody } }, async (request) => {
      const org = organizationOf(request);
      const name = readTagName(request.body.name, 'name');
      return document(baseUrl, presentTag(baseUrl, await queries.ensureTag(db, org.id, name, nowIso())));
    });

    taggingRoutes(app, { db, baseUrl, loadTag });
  };
}
