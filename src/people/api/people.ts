import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Context } from '../../context.ts';
import * as repo from '../../actions/people/repository.ts';
import { signUpPerson } from '../service.ts';
import type { FieldSpec } from '../../kits/api/filter.ts';
import { collectionRoute, COMMON_FILTERS } from '../../kits/api/list.ts';
import { PersonBody, readPerson, readTags, TagsBody } from '../../kits/api/person-input.ts';
import { document, presentPerson } from '../../kits/api/presenters.ts';
import { loadPerson } from '../../kits/api/people.ts';
import { organizationOf } from '../../kits/api/auth.ts';

const FILTERS: FieldSpec<repo.PersonComparison['column']> = {
  ...COMMON_FILTERS,
  family_name: { column: 'family_name', kind: 'text' },
  given_name: { column: 'given_name', kind: 'text' },
  email_address: { column: 'email', kind: 'email' },
  postal_code: { column: 'postal_code', kind: 'postal_code' },
};

const SignupBody = Type.Object({ person: PersonBody, add_tags: Type.Optional(TagsBody) });
type SignupBody = Static<typeof SignupBody>;

export function peopleApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    collectionRoute(app, { db, baseUrl, path: '/people', rel: 'osdi:people', filters: FILTERS, list: repo.listPeople, count: repo.countPeople, present: presentPerson });

    app.get<{ Params: { id: string } }>('/people/:id', async (request) => {
      const person = await loadPerson(db, organizationOf(request).id, request.params.id);
      return document(baseUrl, presentPerson(baseUrl, person));
    });

    // The person signup helper: create, or match by email and refresh, in the token's organization.
    app.post<{ Body: SignupBody }>('/people', { schema: { body: SignupBody } }, async (request) => {
      const org = organizationOf(request);
      const { person, optIn, language } = readPerson(request.body.person);
      const tags = readTags(request.body.add_tags);
      const personId = await ctx.committer.submit((uow) =>
        signUpPerson(uow, { organizationId: org.id, person, language, optIn, optInWording: 'API', tags, sourceId: org.token_id }),
      );
      return document(baseUrl, presentPerson(baseUrl, await loadPerson(db, org.id, personId)));
    });
  };
}
