import type { FastifyInstance } from 'fastify';
import { petitionCache } from '../public-cache.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { Context } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import * as repo from '../repository.ts';
import { createPetition, updatePetition } from '../service.ts';
import { nowIso } from '../../util/ids.ts';
import type { FieldSpec } from '../../kits/api/filter.ts';
import { collectionRoute, COMMON_FILTERS } from '../../kits/api/list.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { petitionChanges, petitionFields, PetitionCreateBody, PetitionUpdateBody } from './input.ts';
import { document } from '../../kits/api/presenters.ts';
import { presentPetition } from './presenters.ts';
import { organizationOf } from '../../kits/api/auth.ts';

const FILTERS: FieldSpec<repo.PetitionComparison['column']> = {
  ...COMMON_FILTERS,
  origin_system: { column: 'origin_system', kind: 'text' },
  title: { column: 'title', kind: 'text' },
};

/** The organization's petition named by a URL identifier; another organization's is a 404 like a missing one. */
export const loadPetition = (db: Kysely<Database>, organizationId: string, rawId: string) =>
  loadByIdentifier('petition', rawId, (id) => repo.findPetition(db, organizationId, id));

type IdParams = { Params: { id: string } };

export function petitionApi(ctx: Context) {
  return async function (fastify: FastifyInstance) {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    collectionRoute(fastify, { db, baseUrl, path: '/petitions', rel: 'osdi:petitions', filters: FILTERS, list: repo.listPetitions, count: repo.countPetitions, present: presentPetition });

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
      const { petition: updated, changed } = await updatePetition(db, petition, petitionChanges(petition, request.body), nowIso());
      if (changed.length > 0) petitionCache(ctx).forget(petition.slug);
      return document(baseUrl, presentPetition(baseUrl, updated));
    });
  };
}
