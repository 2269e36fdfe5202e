import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { Context } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import { nowIso } from '../../util/ids.ts';
import type { FieldSpec } from '../../kits/api/filter.ts';
import { collectionRoute, COMMON_FILTERS } from '../../kits/api/list.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { document } from '../../kits/api/presenters.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { ApiError, badRequest } from '../../kits/api/errors.ts';
import type { Mailing } from '../tables.ts';
import { checkMailing, type MailingInput } from '../fields.ts';
import { parseAudience } from '../audience.ts';
import { testSubjects } from '../compose.ts';
import * as service from '../service.ts';
import * as repo from '../repository.ts';
import { presentMessage, type MessageStatistics } from './presenters.ts';

const FILTERS: FieldSpec<repo.MessageComparison['column']> = { ...COMMON_FILTERS, origin_system: { column: 'origin_system', kind: 'text' }, title: { column: 'title', kind: 'text' } };

const Target = Type.Object({ name: Type.Optional(Type.String({ maxLength: 100 })), href: Type.Optional(Type.String({ maxLength: 500 })) });
const Spanish = Type.Object({ subject: Type.Optional(Type.String({ maxLength: 1000 })), preheader: Type.Optional(Type.String({ maxLength: 1000 })), body: Type.Optional(Type.String({ maxLength: 200_000 })) });
const MessageFields = {
  subject: Type.Optional(Type.String({ maxLength: 10_000 })),
  body: Type.Optional(Type.String({ maxLength: 200_000 })),
  from: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
  reply_to: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
  targets: Type.Optional(Type.Array(Target, { maxItems: 50 })),
  origin_system: Type.Optional(Type.String({ maxLength: 100 })),
  'turnout:title': Type.Optional(Type.String({ maxLength: 1000 })),
  'turnout:preheader': Type.Optional(Type.String({ maxLength: 1000 })),
  'turnout:spanish': Type.Optional(Type.Union([Spanish, Type.Null()])),
  'turnout:exclude_tags': Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
};
const MessageBody = Type.Object(MessageFields, { additionalProperties: true });
type MessageBody = Static<typeof MessageBody>;
const ScheduleBody = Type.Object({ scheduled_start_date: Type.String({ maxLength: 100 }) }, { additionalProperties: true });

/** A tag target: `{ name }`, or an href ending in the tag's name. */
const tagOf = (t: { name?: string; href?: string }) => t.name ?? decodeURIComponent(t.href?.split('/').pop() ?? '');

/** The API's body merged over a mailing's (or nothing, for a new one), as the compose form's input. */
function inputFrom(body: MessageBody, m?: Mailing): MailingInput {
  const a = m ? parseAudience(m.audience) : null;
  const es = body['turnout:spanish'] === null ? { subject: '', preheader: '', body: '' } : body['turnout:spanish'];
  const tests = m ? testSubjects(m) : [];
  const subject = (body.subject ?? m?.subject_en ?? '').trim();
  return {
    title: (body['turnout:title'] ?? m?.title ?? subject).trim().slice(0, 200) || 'Message',
    subject_en: subject,
    preheader_en: (body['turnout:preheader'] ?? m?.preheader_en ?? '').trim(),
    body_en: (body.body ?? m?.body_en ?? '').replace(/\r\n?/g, '\n').trim(),
    subject_es: (es?.subject ?? m?.subject_es ?? '').trim(),
    preheader_es: (es?.preheader ?? m?.preheader_es ?? '').trim(),
    body_es: (es?.body ?? m?.body_es ?? '').replace(/\r\n?/g, '\n').trim(),
    test_subjects_en: tests.map((t) => t.en).filter(Boolean),
    test_subjects_es: tests.map((t) => t.es).filter(Boolean),
    test_share: m && tests.length ? String(m.test_share) : '',
    test_wait_minutes: m && tests.length ? String(m.test_wait_minutes) : '',
    include_tags: body.targets ? body.targets.map(tagOf).filter(Boolean) : (a?.include_tags ?? []),
    exclude_tags: body['turnout:exclude_tags'] ?? a?.exclude_tags ?? [],
    actions: a?.actions ?? [],
    exclude_actions: a?.exclude_actions ?? [],
    states: a?.states ?? [],
    near_zip: a?.near?.zip ?? '',
    near_miles: a?.near ? String(a.near.miles) : '',
    languages: a?.languages ?? [],
    sender_name: (body.from === null ? '' : (body.from ?? m?.sender_name ?? '')).trim(),
    reply_to: (body.reply_to === null ? '' : (body.reply_to ?? m?.reply_to ?? '')).trim(),
  };
}

function fieldsOrThrow(input: MailingInput) {
  const { errors, fields } = checkMailing(input);
  if (!fields) throw badRequest(Object.entries(errors).map(([k, v]) => `${k}: ${v}`).join(' '));
  return fields;
}

const rethrow = (e: unknown): never => {
  if (e instanceof service.MailingError) throw new ApiError(e.reason === 'empty_audience' || e.reason === 'in_the_past' ? 400 : 409, e.message);
  throw e;
};

type IdParams = { Params: { id: string } };

/** Action Network's `messages`: create, list, get, update; the send and schedule helpers; aggregate statistics. */
export function messageApi(ctx: Context) {
  return async function (fastify: FastifyInstance) {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const db: Kysely<Database> = ctx.database.db;
    const { baseUrl } = ctx.config;
    const load = (organizationId: string, rawId: string) => loadByIdentifier('message', rawId, (id) => repo.findMailing(db, organizationId, id));
    const statistics = async (m: Mailing): Promise<MessageStatistics> => {
      const [counts, bounces, links] = await Promise.all([repo.recipientCounts(db, m.id), repo.bouncesOf(db, m.id), repo.linksOf(db, m.id)]);
      return { sent: counts.sent, unsubscribed: counts.unsubscribed, bounced: bounces.hard ?? 0, spam_reports: bounces.complaint ?? 0, clicked: links.length ? links.reduce((a, l) => a + l.clicks, 0) : null };
    };
    const present = async (m: Mailing) => document(baseUrl, presentMessage(baseUrl, m, await statistics(m)));

    collectionRoute(fastify, { db, baseUrl, path: '/messages', rel: 'osdi:messages', filters: FILTERS, list: repo.listMessages, count: repo.countMessages, present: (b, m) => presentMessage(b, m) });

    app.get<IdParams>('/messages/:id', async (request) => present(await load(organizationOf(request).id, request.params.id)));

    app.post('/messages', { schema: { body: MessageBody } }, async (request) => {
      const org = organizationOf(request);
      const m = await service.createMailing(db, org.id, fieldsOrThrow(inputFrom(request.body)), { by: null, now: nowIso(), originSystem: request.body.origin_system?.trim() || 'API' });
      return present(m);
    });

    // PUT merges: fields left out keep their value; `null` clears from, reply_to and the Spanish version.
    app.put<IdParams & { Body: MessageBody }>('/messages/:id', { schema: { body: MessageBody } }, async (request) => {
      const m = await load(organizationOf(request).id, request.params.id);
      const updated = await service.updateMailing(db, m, fieldsOrThrow(inputFrom(request.body, m)), nowIso()).catch(rethrow);
      return present(updated);
    });

    app.post<IdParams>('/messages/:id/send', async (request) => {
      const m = await load(organizationOf(request).id, request.params.id);
      const now = nowIso();
      return present(await service.scheduleMailing(db, m, now, now).catch(rethrow));
    });

    app.post<IdParams & { Body: Static<typeof ScheduleBody> }>('/messages/:id/schedule', { schema: { body: ScheduleBody } }, async (request) => {
      const m = await load(organizationOf(request).id, request.params.id);
      const at = Date.parse(request.body.scheduled_start_date);
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(request.body.scheduled_start_date) || Number.isNaN(at)) {
        throw badRequest('scheduled_start_date must be a date and time with its offset, like 2026-05-01T14:00:00Z or 2026-05-01T09:00:00-05:00');
      }
      return present(await service.scheduleMailing(db, m, new Date(at).toISOString(), nowIso()).catch(rethrow));
    });
  };
}
