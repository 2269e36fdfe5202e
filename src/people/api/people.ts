import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Context } from '../../context.ts';
import type { Person } from '../../db/schema.ts';
import type { FieldSpec } from '../../kits/api/filter.ts';
import { COMMON_FILTERS, listMatching } from '../../kits/api/list.ts';
import { PersonSignupBody, PersonUpdateBody, readPerson, readTags, TagsBody } from '../../kits/api/person-input.ts';
import { attachIdentifiers, identifiersOf, readIdentifiers, resolveIdentifierFilters, withIdentifiers } from '../../kits/api/identifiers.ts';
import { document, presentPerson } from '../../kits/api/presenters.ts';
import { loadPerson } from '../../kits/api/people.ts';
import { organizationOf, type ApiOrganization } from '../../kits/api/auth.ts';
import { backgroundRequested } from '../../kits/api/hal.ts';
import { notFound } from '../../kits/api/errors.ts';
import { customFieldsOf, customFieldsOfPeople } from '../custom-fields.ts';
import { readDetails } from './person-details.ts';
import { signUpThroughApi } from './signup.ts';
import { PERSON, updatePersonThroughApi } from './update.ts';
import * as queries from './queries.ts';

/** What `?filter=` takes on people: Action Network's list, each compared as it is stored. */
export const PEOPLE_FILTERS: FieldSpec<queries.PersonColumn> = {
  ...COMMON_FILTERS,
  family_name: { column: 'family_name', kind: 'text' },
  given_name: { column: 'given_name', kind: 'text' },
  email_address: { column: 'email', kind: 'email' },
  phone_number: { column: 'phone_number', kind: 'phone' },
  postal_code: { column: 'postal_code', kind: 'postal_code' },
  region: { column: 'region', kind: 'text' },
  country: { column: 'country', kind: 'upper' },
};

const SignupBody = Type.Object({ person: PersonSignupBody, add_tags: Type.Optional(TagsBody) });
type SignupBody = Static<typeof SignupBody>;

const tokenOf = (org: ApiOrganization) => ({ id: org.token_id, label: org.token_label });

export function peopleApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;

    // A person with the identifiers other systems gave them after turnout's own.
    const presentOne = async (organizationId: string, person: Person) => {
      const [fields, others] = await Promise.all([customFieldsOf(db, organizationId, person.id), identifiersOf(db, organizationId, PERSON, [person.id])]);
      return document(baseUrl, withIdentifiers(presentPerson(baseUrl, person, fields), others.get(person.id)));
    };

    app.get('/people', async (request) => {
      const org = organizationOf(request);
      return listMatching({
        query: request.query,
        baseUrl,
        path: '/people',
        rel: 'osdi:people',
        filters: PEOPLE_FILTERS,
        // `identifier eq 'mycrm:42'` finds the person another system gave that identifier.
        async list(where, window) {
          const rows = await attachIdentifiers(db, org.id, PERSON, await queries.listPeople(db, org.id, await resolveIdentifierFilters(db, org.id, PERSON, where), window));
          const fields = await customFieldsOfPeople(db, org.id, rows.map((r) => r.id));
          return rows.map((row) => ({ row, fields: fields.get(row.id) ?? {} }));
        },
        count: async (where) => queries.countPeople(db, org.id, await resolveIdentifierFilters(db, org.id, PERSON, where)),
        present: ({ row, fields }) => withIdentifiers(presentPerson(baseUrl, row, fields), row.other_identifiers),
      });
    });

    app.get<{ Params: { id: string } }>('/people/:id', async (request) => {
      const org = organizationOf(request);
      return presentOne(org.id, await loadPerson(db, org.id, request.params.id));
    });

    // Merges what was sent into the person, as Action Network's PUT does.
    app.put<{ Params: { id: string }; Body: PersonUpdateBody }>('/people/:id', { schema: { body: PersonUpdateBody } }, async (request) => {
      const org = organizationOf(request);
      const person = await loadPerson(db, org.id, request.params.id);
      const updated = await updatePersonThroughApi(db, org.id, person.id, request.body, tokenOf(org));
      if (!updated) throw notFound('person', request.params.id);
      return presentOne(org.id, await loadPerson(db, org.id, person.id));
    });

    // The person signup helper: create, or match by email and refresh, in the token's organization.
    app.post<{ Body: SignupBody }>('/people', { schema: { body: SignupBody } }, async (request, reply) => {
      const org = organizationOf(request);
      const background = backgroundRequested(request.query as Record<string, unknown>);
      const { person, optIn, language } = readPerson(request.body.person);
      const details = readDetails(request.body.person, 'person');
      const tags = readTags(request.body.add_tags);
      const identifiers = readIdentifiers(request.body.person.identifiers);
      // Written before the answer, even in the background: an answer is a promise that nothing is lost.
      const personId = await ctx.committer.submit((uow) =>
        signUpThroughApi(uow, { organizationId: org.id, person, language, optIn, details, tags, identifiers, token: tokenOf(org) }),
      );
      if (background) return reply.code(200).send('');
      return presentOne(org.id, await loadPerson(db, org.id, personId));
    });
  };
}
