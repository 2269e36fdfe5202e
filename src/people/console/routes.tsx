import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import * as repo from '../../actions/people/repository.ts';
import * as queries from '../console-queries.ts';
import { erasePerson } from '../service.ts';
import { customFieldRowsOf } from '../custom-fields.ts';
import { audit } from '../../accounts/service.ts';
import { can } from '../../accounts/policy.ts';
import { hasVisibleText, isCleanText } from '../../actions/people/normalize.ts';
import { nowIso } from '../../util/ids.ts';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { ErasePage, PEOPLE_PER_PAGE, PeopleListPage, PersonNotFoundPage, PersonPage, isErased, type PersonView } from './pages.tsx';

type Body = Record<string, unknown>;
type Params = { id: string };

const MAX_WORDS = 6;
const MAX_PAGE = 100_000;

/** `?q=` split into words (at most a few, each bounded), `?tag=` as typed, `?page=` from 1. */
export function readSearch(query: Record<string, unknown>) {
  const q = typeof query.q === 'string' ? query.q.trim().slice(0, 200) : '';
  const tag = typeof query.tag === 'string' ? query.tag.trim().slice(0, 100) : '';
  const words = q.split(/\s+/).filter(Boolean).slice(0, MAX_WORDS);
  const n = typeof query.page === 'string' && /^\d{1,6}$/.test(query.page) ? Number(query.page) : 1;
  return { q, tag, words, page: Math.min(Math.max(n, 1), MAX_PAGE) };
}

/** A tag name typed by an organizer: trimmed, not empty, clean, at most 100 characters (as the API's). */
export function tagProblem(name: string): string | undefined {
  if (!name) return 'Enter the name of a tag';
  if (name.length > 100) return 'Use a tag name of 100 characters or fewer';
  if (!isCleanText(name)) return 'Use a tag name without control characters';
  if (!hasVisibleText(name)) return 'Use a tag name with letters or numbers that show';
  return undefined;
}

/**
 * The console's people: search, a person's page, tags, export and erasure.
 *
 * Permissions: reading is `see_people`; tagging is `see_people` too, because tags are the
 * organizer's notes for sorting the list and whoever may see a person may sort them (no role
 * today may see people without managing them; a read-only people role would need its own
 * permission here). Export is `export_data`, erasure `erase_people`. Every person is looked up
 * within the signed-in organization, so another organization's id is a 404 like a missing one.
 */
/** The consents the API records, whose action id is the API token's. */
const API_CONSENTS = new Set(['person_signup', 'person_update']);

export function peopleConsoleRoutes(ctx: Context) {
  const db = ctx.database.db;
  return async function (app: FastifyInstance) {
    const notFound = (request: FastifyRequest, reply: FastifyReply) => sendAdmin(reply, <PersonNotFoundPage page={adminPage(request, reply)} />, 404);

    const kinds = ctx.capabilities.flatMap((c) => c.actions ?? []);
    /** Each consent with the title of the action it was given on, as that action's capability describes it (null once deleted). */
    const withActionTitles = async <C extends { action_type: string; action_id: string | null }>(organizationId: string, consents: C[]) => {
      const titles = new Map<string, string>();
      for (const kind of kinds) {
        const ids = [...new Set(consents.filter((c) => c.action_type === kind.type && c.action_id).map((c) => c.action_id!))];
        if (ids.length > 0) for (const a of await kind.describe(ctx, ids)) titles.set(`${kind.type}:${a.id}`, a.title);
      }
      // Given through the API (a person's signup or update): the token's label is its title.
      const viaApi = (c: C) => API_CONSENTS.has(c.action_type) && c.action_id;
      const tokenIds = [...new Set(consents.filter(viaApi).map((c) => c.action_id!))];
      for (const t of await queries.apiTokenLabels(db, organizationId, tokenIds)) for (const type of API_CONSENTS) titles.set(`${type}:${t.id}`, t.label);
      const nouns = new Map(kinds.map((k) => [k.type, k.noun]));
      return consents.map((c) => ({ ...c, action_title: titles.get(`${c.action_type}:${c.action_id}`) ?? null, action_noun: API_CONSENTS.has(c.action_type) ? 'API token' : (nouns.get(c.action_type) ?? c.action_type.replace(/_/g, ' ')) }));
    };

    const loadView = async (organizationId: string, personId: string): Promise<PersonView | undefined> => {
      const person = await repo.findPerson(db, organizationId, personId);
      if (!person) return undefined;
      const [tags, consents, records] = await Promise.all([
        queries.tagsOfPerson(db, organizationId, personId),
        queries.consentsOfPerson(db, organizationId, personId),
        // Every capability's records of the person (Capability.personRecords), in the list's order.
        Promise.all(ctx.capabilities.flatMap((c) => (c.personRecords ? [c.personRecords(ctx, organizationId, personId)] : []))),
      ]);
      const actions = records.flatMap((r) => r.actions).sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id));
      return { person, tags, consents: await withActionTitles(organizationId, consents), actions, records };
    };

    const renderPerson = async (
      request: FastifyRequest<{ Params: Params }>,
      reply: FastifyReply,
      opts: { notice?: string; tagError?: string; tagValue?: string; status?: number } = {},
    ) => {
      const org = request.organizer!.organization!;
      const view = await loadView(org.id, request.params.id);
      if (!view) return notFound(request, reply);
      return sendAdmin(
        reply,
        <PersonPage
          page={adminPage(request, reply, opts.notice)}
          view={view}
          can={{ export: can(org.role, 'export_data'), erase: can(org.role, 'erase_people') }}
          tagError={opts.tagError}
          tagValue={opts.tagValue}
        />,
        opts.status ?? 200,
      );
    };

    app.get<{ Querystring: Body }>('/people', { config: { permission: 'see_people' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const s = readSearch(request.query ?? {});
      const search: queries.PeopleSearch = { words: s.words, tag: s.tag || null };
      const [rows, total, tags] = await Promise.all([
        queries.searchPeople(db, org.id, search, { limit: PEOPLE_PER_PAGE, offset: (s.page - 1) * PEOPLE_PER_PAGE }),
        queries.countPeopleSearched(db, org.id, search),
        repo.listTags(db, org.id, [], { limit: 500, offset: 0 }),
      ]);
      return sendAdmin(
        reply,
        <PeopleListPage page={adminPage(request, reply)} rows={rows} total={total} pageNumber={s.page} search={{ q: s.q, tag: s.tag }} tagNames={tags.map((t) => t.name)} />,
      );
    });

    app.get<{ Params: Params }>('/people/:id', { config: { permission: 'see_people' } }, async (request, reply) => renderPerson(request, reply));

    app.post<{ Params: Params; Body: Body }>('/people/:id/tags', { config: { permission: 'see_people' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const person = await repo.findPerson(db, org.id, request.params.id);
      if (!person) return notFound(request, reply);
      const name = typeof request.body?.tag === 'string' ? request.body.tag.trim() : '';
      // An erased person's record must not gather new notes about them.
      if (isErased(person)) return renderPerson(request, reply, { notice: 'This person was erased: they cannot be tagged.', status: 409 });
      const problem = tagProblem(name);
      if (problem) return renderPerson(request, reply, { tagError: problem, tagValue: name.slice(0, 200), status: 422 });
      await repo.addTags(db, org.id, person.id, [name], nowIso());
      return renderPerson(request, reply, { notice: `Tagged “${name}”.` });
    });

    app.post<{ Params: Params; Body: Body }>('/people/:id/tags/remove', { config: { permission: 'see_people' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const person = await repo.findPerson(db, org.id, request.params.id);
      if (!person) return notFound(request, reply);
      const name = typeof request.body?.tag === 'string' ? request.body.tag.trim() : '';
      const removed = name ? await queries.removeTag(db, org.id, person.id, name) : false;
      return renderPerson(request, reply, { notice: removed ? `Removed the tag “${name}”.` : 'That tag was not on this person.' });
    });

    app.get<{ Params: Params }>('/people/:id/export.json', { config: { permission: 'export_data' } }, async (request, reply) => {
      const organizer = request.organizer!;
      const org = organizer.organization!;
      const view = await loadView(org.id, request.params.id);
      if (!view) return notFound(request, reply);
      const { person, tags, consents, records } = view;
      const customFields = await customFieldRowsOf(db, org.id, person.id);
      const document = {
        exported_at: nowIso(),
        organization: { slug: org.slug, name: org.name },
        person: {
          id: person.id,
          email: person.email,
          given_name: person.given_name,
          family_name: person.family_name,
          address_lines: person.address_lines ? (JSON.parse(person.address_lines) as unknown) : null,
          locality: person.locality,
          region: person.region,
          postal_code: person.postal_code,
          country: person.country,
          phone_number: person.phone_number,
          language: person.language,
          email_status: person.email_status,
          erased: isErased(person),
          created_at: person.created_at,
          modified_at: person.modified_at,
        },
        custom_fields: customFields,
        tags: tags.map((t) => ({ name: t.name, added_at: t.created_at })),
        consents: consents.map((c) => ({
          action_type: c.action_type,
          action_id: c.action_id,
          action_title: c.action_title,
          given: c.given === 1,
          wording: c.wording,
          created_at: c.created_at,
        })),
        ...Object.fromEntries(records.map((r) => [r.key, r.exported])),
      };
      await audit(db, { organizationId: org.id, userId: organizer.session.user_id, action: 'person.exported', subject: person.id });
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="person-${person.id}.json"`)
        .header('cache-control', 'no-store')
        .send(JSON.stringify(document, null, 2));
    });

    app.get<{ Params: Params }>('/people/:id/erase', { config: { permission: 'erase_people' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const view = await loadView(org.id, request.params.id);
      if (!view) return notFound(request, reply);
      const { person } = view;
      if (isErased(person)) return reply.redirect(`/admin/people/${person.id}`, 303);
      const kept = view.records.map((r) => ({ noun: r.noun, n: r.actions.length }));
      return sendAdmin(reply, <ErasePage page={adminPage(request, reply)} person={person} kept={kept} />);
    });

    app.post<{ Params: Params }>('/people/:id/erase', { config: { permission: 'erase_people' } }, async (request, reply) => {
      const organizer = request.organizer!;
      const org = organizer.organization!;
      const erased = await erasePerson(db, org.id, request.params.id, ctx.capabilities, { userId: organizer.session.user_id });
      if (!erased) return notFound(request, reply);
      return renderPerson(request, reply, { notice: 'Erased. What they did is kept, without their name, and still counted.' });
    });
  };
}
