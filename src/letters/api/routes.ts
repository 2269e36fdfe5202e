import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { Context } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import * as repo from '../repository.ts';
import { CampaignFieldsError, createCampaign, replaceTargets, updateCampaign } from '../service.ts';
import type { CampaignErrors, CampaignInput } from '../fields.ts';
import { readFixedTargets, TargetListError, type TargetInput } from '../targets.ts';
import { letterCache } from '../public-cache.ts';
import type { LetterCampaign } from '../tables.ts';
import { nowIso } from '../../util/ids.ts';
import type { FieldSpec } from '../../kits/api/filter.ts';
import { listMatching, COMMON_FILTERS } from '../../kits/api/list.ts';
import { loadByIdentifier } from '../../kits/api/load.ts';
import { badRequest } from '../../kits/api/errors.ts';
import { document } from '../../kits/api/presenters.ts';
import { organizationOf } from '../../kits/api/auth.ts';
import { Nullable } from '../../kits/api/schema.ts';
import { presentCampaign } from './presenters.ts';

const FILTERS: FieldSpec<'id' | 'created_at' | 'modified_at' | 'origin_system' | 'title'> = {
  ...COMMON_FILTERS,
  origin_system: { column: 'origin_system', kind: 'text' },
  title: { column: 'title', kind: 'text' },
};

export const loadCampaign = (db: Kysely<Database>, organizationId: string, rawId: string) =>
  loadByIdentifier('advocacy campaign', rawId, (id) => repo.findCampaign(db, organizationId, id));

const Target = Type.Object({
  given_name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  family_name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  title: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  organization: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  'turnout:email_address': Type.String({ maxLength: 254 }),
});

// Every field but the title is optional; on update, a field left out keeps its value (Action Network's PUT merges).
const fields = {
  description: Type.Optional(Nullable(Type.String())),
  origin_system: Type.Optional(Type.String()),
  targets: Type.Optional(Type.Array(Target, { maxItems: 50 })),
  'turnout:slug': Type.Optional(Type.String()),
  'turnout:status': Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
  'turnout:closes_at': Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  'turnout:subject': Type.Optional(Type.String()),
  'turnout:subject_editable': Type.Optional(Type.Boolean()),
  'turnout:letter_opening': Type.Optional(Nullable(Type.String())),
  'turnout:letter_body': Type.Optional(Nullable(Type.String())),
  'turnout:body_editable': Type.Optional(Type.Boolean()),
  'turnout:letter_closing': Type.Optional(Nullable(Type.String())),
  'turnout:body_max_length': Type.Optional(Type.Integer()),
  'turnout:ask_address': Type.Optional(Type.Boolean()),
  'turnout:target_mode': Type.Optional(Type.Union([Type.Literal('fixed'), Type.Literal('matched')])),
  'turnout:hourly_cap': Type.Optional(Type.Integer()),
  'turnout:window_start': Type.Optional(Type.String()),
  'turnout:window_end': Type.Optional(Type.String()),
  'turnout:time_zone': Type.Optional(Type.String()),
  // The Spanish versions of the campaign's words (src/kits/pages/localized.ts); null removes one.
  'turnout:title_es': Type.Optional(Nullable(Type.String())),
  'turnout:description_es': Type.Optional(Nullable(Type.String())),
  'turnout:subject_es': Type.Optional(Nullable(Type.String())),
  'turnout:letter_opening_es': Type.Optional(Nullable(Type.String())),
  'turnout:letter_body_es': Type.Optional(Nullable(Type.String())),
  'turnout:letter_closing_es': Type.Optional(Nullable(Type.String())),
};
export const CampaignCreateBody = Type.Object({ title: Type.String(), ...fields });
export const CampaignUpdateBody = Type.Object({ title: Type.Optional(Type.String()), ...fields });
type UpdateBody = Static<typeof CampaignUpdateBody>;

const API_FIELD: Record<keyof CampaignInput, string> = {
  title: 'title', slug: 'turnout:slug', description: 'description', subject: 'turnout:subject', subject_editable: 'turnout:subject_editable',
  letter_opening: 'turnout:letter_opening', letter_body: 'turnout:letter_body', body_editable: 'turnout:body_editable', letter_closing: 'turnout:letter_closing',
  body_max_length: 'turnout:body_max_length', ask_address: 'turnout:ask_address', target_mode: 'turnout:target_mode', hourly_cap: 'turnout:hourly_cap',
  window_start: 'turnout:window_start', window_end: 'turnout:window_end', time_zone: 'turnout:time_zone', status: 'turnout:status', origin_system: 'origin_system',
  closes_at: 'turnout:closes_at',
  title_es: 'turnout:title_es', description_es: 'turnout:description_es', subject_es: 'turnout:subject_es',
  letter_opening_es: 'turnout:letter_opening_es', letter_body_es: 'turnout:letter_body_es', letter_closing_es: 'turnout:letter_closing_es',
};

const fieldsError = (errors: CampaignErrors) =>
  badRequest(Object.entries(errors).map(([f, m]) => `${API_FIELD[f as keyof CampaignInput]}: ${m}`).join('; '));

/** The campaign as the body asks, over what it is now (or the defaults of a new one). */
function inputOf(body: UpdateBody, was?: LetterCampaign): CampaignInput {
  const v = <T,>(value: T | null | undefined, current: T) => (value === undefined || value === null ? current : value);
  return {
    title: v(body.title, was?.title ?? ''),
    slug: body['turnout:slug'],
    description: v(body.description, was?.description ?? ''),
    subject: v(body['turnout:subject'], was?.subject ?? body.title ?? ''),
    subject_editable: v(body['turnout:subject_editable'], was ? was.subject_editable === 1 : true),
    letter_opening: v(body['turnout:letter_opening'], was?.letter_opening ?? ''),
    letter_body: v(body['turnout:letter_body'], was?.letter_body ?? ''),
    body_editable: v(body['turnout:body_editable'], was ? was.body_editable === 1 : true),
    letter_closing: v(body['turnout:letter_closing'], was?.letter_closing ?? ''),
    body_max_length: v(body['turnout:body_max_length'], was?.body_max_length ?? 5000),
    ask_address: v(body['turnout:ask_address'], was ? was.ask_address === 1 : false),
    target_mode: v(body['turnout:target_mode'], was?.target_mode ?? 'fixed'),
    hourly_cap: v(body['turnout:hourly_cap'], was?.hourly_cap ?? 30),
    window_start: v(body['turnout:window_start'], was?.window_start ?? '09:00'),
    window_end: v(body['turnout:window_end'], was?.window_end ?? '17:00'),
    time_zone: v(body['turnout:time_zone'], was?.time_zone ?? 'America/New_York'),
    status: v(body['turnout:status'], was?.status ?? 'open'),
    // Left out: kept; null: none.
    closes_at: body['turnout:closes_at'],
    origin_system: body.origin_system,
    // Left out: kept (a new campaign has none); null or '': none.
    title_es: body['turnout:title_es'],
    description_es: body['turnout:description_es'],
    subject_es: body['turnout:subject_es'],
    letter_opening_es: body['turnout:letter_opening_es'],
    letter_body_es: body['turnout:letter_body_es'],
    letter_closing_es: body['turnout:letter_closing_es'],
  };
}

/** The body's targets, with the console's checks (a quoted line of CSV each). */
function targetsOf(body: UpdateBody): TargetInput[] | undefined {
  if (!body.targets) return undefined;
  const q = (s: string | null | undefined) => `"${(s ?? '').trim().replace(/"/g, '""')}"`;
  const lines = body.targets.map((t) => [q([t.given_name, t.family_name].filter((x) => x && x.trim()).join(' ')), q(t.title), q(t.organization), q(t['turnout:email_address'])].join(','));
  try {
    return readFixedTargets(lines.join('\n'));
  } catch (e) {
    if (e instanceof TargetListError) throw badRequest(e.problems.map((p) => (p.line > 0 ? `targets[${p.line - 1}]: ${p.message}` : p.message)).join('; '));
    throw e;
  }
}

export function advocacyCampaignApi(ctx: Context) {
  return async function (app: FastifyInstance) {
    const { db } = ctx.database;
    const { baseUrl } = ctx.config;
    const present = async (c: LetterCampaign) => document(baseUrl, presentCampaign(baseUrl, c, await repo.targetsOf(db, c.id)));

    app.get('/advocacy_campaigns', async (request) => {
      const org = organizationOf(request);
      return listMatching({
        query: request.query, baseUrl, path: '/advocacy_campaigns', rel: 'osdi:advocacy_campaigns', filters: FILTERS,
        list: async (where, window) => {
          const rows = await repo.listCampaigns(db, org.id, where, window);
          const targets = await repo.targetsOfCampaigns(db, rows.map((r) => r.id));
          return rows.map((r) => ({ row: r, targets: targets.filter((t) => t.campaign_id === r.id) }));
        },
        count: (where) => repo.countCampaigns(db, org.id, where),
        present: ({ row, targets }) => presentCampaign(baseUrl, row, targets),
      });
    });

    app.get<{ Params: { id: string } }>('/advocacy_campaigns/:id', async (request) => present(await loadCampaign(db, organizationOf(request).id, request.params.id)));

    app.post<{ Body: Static<typeof CampaignCreateBody> }>('/advocacy_campaigns', { schema: { body: CampaignCreateBody } }, async (request) => {
      const org = organizationOf(request);
      const targets = targetsOf(request.body);
      let campaign: LetterCampaign;
      try {
        campaign = await createCampaign(db, org.id, inputOf(request.body), nowIso());
      } catch (e) {
        if (e instanceof CampaignFieldsError) throw fieldsError(e.errors);
        throw e;
      }
      if (targets) await replaceTargets(db, campaign, 'fixed', targets, nowIso());
      letterCache(ctx).forget(campaign.slug);
      return present(campaign);
    });

    app.put<{ Params: { id: string }; Body: UpdateBody }>('/advocacy_campaigns/:id', { schema: { body: CampaignUpdateBody } }, async (request) => {
      const org = organizationOf(request);
      const campaign = await loadCampaign(db, org.id, request.params.id);
      const targets = targetsOf(request.body);
      let updated: LetterCampaign;
      try {
        updated = await updateCampaign(db, campaign, { ...inputOf(request.body, campaign), slug: request.body['turnout:slug'] ?? campaign.slug }, nowIso());
      } catch (e) {
        if (e instanceof CampaignFieldsError) throw fieldsError(e.errors);
        throw e;
      }
      if (targets) await replaceTargets(db, campaign, 'fixed', targets, nowIso());
      letterCache(ctx).forget(campaign.slug);
      letterCache(ctx).forget(updated.slug);
      return present(updated);
    });
  };
}
