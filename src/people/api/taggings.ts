import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely, Selectable } from 'kysely';
import type { Database, TagTable } from '../../db/schema.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { badRequest } from '../../kits/api/errors.ts';
import type { FieldSpec } from '../../kits/api/filter.ts';
import { parseIdentifier } from '../../kits/api/hal.ts';
import { COMMON_FILTERS, listMatching } from '../../kits/api/list.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { loadPerson } from '../../kits/api/people.ts';
import { document, presentTagging } from '../../kits/api/presenters.ts';
import { Nullable } from '../../kits/api/schema.ts';
import { nowIso } from '../../util/ids.ts';
import * as queries from './queries.ts';

// A tagging is never edited, so its modified_date is when it was made.
const FILTERS: FieldSpec<queries.TaggingColumn> = {
  identifier: COMMON_FILTERS.identifier,
  created_date: COMMON_FILTERS.created_date,
  modified_date: { column: 'created_at', kind: 'date' },
};

/**
 * Who to tag: Action Network's `_links.osdi:person.href` (the person's address), or OSDI's
 * `person.identifiers`.
 */
const TaggingBody = Type.Object({
  _links: Type.Optional(Type.Object({ 'osdi:person': Type.Optional(Type.Object({ href: Type.String({ maxLength: 2000 }) })) })),
  person: Type.Optional(Nullable(Type.Object({ identifiers: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 20 })) }))),
});
type TaggingBody = Static<typeof TaggingBody>;

function personNamed(body: TaggingBody): string {
  const href = body._links?.['osdi:person']?.href;
  if (href !== undefined) {
    const m = /\/people\/([^/?#]+)\/?(?:[?#].*)?$/.exec(href.trim());
    if (!m) throw badRequest('_links.osdi:person.href must be the address of a person, such as https://…/api/v2/people/<id>');
    return decodeURIComponent(m[1]!);
  }
  const ids = body.person?.identifiers ?? [];
  const own = ids.find((i) => parseIdentifier(i) !== null);
  if (own) return own;
  if (ids.length > 0) return ids[0]!;
  throw badRequest('say who to tag: _links.osdi:person.href, or person.identifiers');
}

interface TaggingDeps {
  db: Kysely<Database>;
  baseUrl: string;
  loadTag(organizationId: string, rawId: string): Promise<Selectable<TagTable>>;
}

type Params = { Params: { id: string } };
type OneParams = { Params: { id: string; taggingId: string } };

/** `GET|POST /tags/:id/taggings`, `GET|DELETE /tags/:id/taggings/:id`, `GET /people/:id/taggings`. */
export function taggingRoutes(app: FastifyInstance, { db, baseUrl, loadTag }: TaggingDeps) {
  const list = (query: unknown, organizationId: string, path: string, owner: queries.TaggingOwner) =>
    listMatching({
      query,
      baseUrl,
      path,
      rel: 'osdi:taggings',
      filters: FILTERS,
      list: (where, window) => queries.listTaggings(db, organizationId, owner, where, window),
      count: (where) => queries.countTaggings(db, organizationId, owner, where),
      present: (row) => presentTagging(baseUrl, row),
    });

  app.get<Params>('/tags/:id/taggings', async (request) => {
    const org = organizationOf(request);
    const tag = await loadTag(org.id, request.params.id);
    return list(request.query, org.id, `/tags/${tag.id}/taggings`, { tagId: tag.id });
  });

  app.get<Params>('/people/:id/taggings', async (request) => {
    const org = organizationOf(request);
    const person = await loadPerson(db, org.id, request.params.id);
    return list(request.query, org.id, `/people/${person.id}/taggings`, { personId: person.id });
  });

  const loadTagging = async (organizationId: string, rawTag: string, rawId: string) => {
    const tag = await loadTag(organizationId, rawTag);
    return loadByIdentifier('tagging', rawId, (id) => queries.findTagging(db, organizationId, tag.id, id));
  };

  app.get<OneParams>('/tags/:id/taggings/:taggingId', async (request) => {
    const org = organizationOf(request);
    return document(baseUrl, presentTagging(baseUrl, await loadTagging(org.id, request.params.id, request.params.taggingId)));
  });

  // Tagging a person twice answers the tagging there is: taggings are one per person and tag.
  app.post<{ Params: { id: string }; Body: TaggingBody }>('/tags/:id/taggings', { schema: { body: TaggingBody } }, async (request) => {
    const org = organizationOf(request);
    const tag = await loadTag(org.id, request.params.id);
    const person = await loadPerson(db, org.id, personNamed(request.body));
    return document(baseUrl, presentTagging(baseUrl, await queries.ensureTagging(db, tag.id, person.id, nowIso())));
  });

  app.delete<OneParams>('/tags/:id/taggings/:taggingId', async (request) => {
    const org = organizationOf(request);
    const tagging = await loadTagging(org.id, request.params.id, request.params.taggingId);
    await queries.deleteTagging(db, tagging.tag_id, tagging.id);
    return { notice: 'This tagging was successfully deleted.' };
  });
}
