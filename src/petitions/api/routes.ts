import type { FastifyInstance } from 'fastify';
import { petitionCache } from '../public-cache.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { Context } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import * as repo from '../repository.ts';
import { createPetition, updatePetition } from '../service.ts';
import { nowIso } from '../../util/ids.ts';
import { notFound } from '../../kits/api/errors.ts';
import { parseFilter, toComparisons, type FieldSpec } from '../../kits/api/filter.ts';
import { collection, filterParam, pageWindow, parseIdentifier, parsePaging } from '../../kits/api/hal.ts';
import { petitionChanges, petitionFields, PetitionCreateBody, PetitionUpdateBody } from './input.ts';
import { document } from '../../kits/api/presenters.ts';
import { presentPetition } from './presenters.ts';
import { organizationOf } from '../../kits/api/auth.ts';

const FILTERS: FieldSpec<repo.PetitionComparison['column']> = {
  identifier: { column: 'id', kind: 'identifier' },
  created_date: { column: 'created_at', kind: 'date' },
  modified_date: { column: 'modified_at', kind: 'date' },
  origin_system: { column: 'origin_system', kind: 'text' },
  title: { column: 'title', kind: 'text' },
};

/** The organization's petition named by a URL identifier; another organization's is a 404 like a missing one. */
export async function loadPetition(db: Kysely<Database>, organizationId: string, rawId: string) {
  const id = parseIdentifier(rawId);
  const petition = id ? await repo.findPetition(db, organizationId, id) : undefined;
  if (!petition) throw notFound('petition', rawId);
  return petition;
}

type IdParams = { Params: { id: string } };

export function petitionApi(ctx: Context) {
  return async function (fastify: FastifyInstance) {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    app.get('/petitions', async (request) => {
      const org = organizationOf(request);
      const query = request.query as Record<string, unknown>;
      const paging = parsePaging(query);
      const filter = filterParam(query);
      const where = toComparisons(parseFilter(filter, Object.keys(FILTERS)), FILTERS);
      const [rows, total] = await Promise.all([
        repo.listPetitions(db, org.id, where, pageWindow(paging)),
        repo.countPetitions(db, org.id, where),
      ]);
      const items = rows.map((row) => presentPetition(baseUrl, row));
      return collection({ baseUrl, path: '/petitions', rel: 'osdi:petitions', items, total, paging, filter });
    });

    app.get<IdParams>('/petitions/:id', async (request) => {
      const petition = await loadPetition(db, organizationOf(request).id, request.params.id);
      return document(baseUrl, presentPetition(baseUrl, petition));
    });

    app.post('/petitions', { schema: { body: PetitionCreateBody } }, async (request) => {
      const org = organizationOf(request);
      const petition = await createPetition(db, org.id, petitionFields(request.body), nowIso());
      petitionCache(ctx).forget(petition.slug);
      return document(baseUrl, presentPetition(baseUrl, petition));
    });

    // PUT merges, as Action Network's does: fields left out keep their value.
    app.put<IdParams & { Body: PetitionUpdateBody }>('/petitions/:id', { schema: { body: PetitionUpdateBody } }, async (request) => {
      const org = organizationOf(request);
      const petition = await loadPetition(db, org.id, request.params.id);
      const { petition: updated, changed } = await updatePetition(db, petition, petitionChanges(request.body), nowIso());
      if (changed.length > 0) petitionCache(ctx).forget(petition.slug);
      return document(baseUrl, presentPetition(baseUrl, updated));
    });
  };
}
