import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import { can } from '../../accounts/policy.ts';
import { audit } from '../../accounts/service.ts';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { spoolToFile } from '../../kits/delivery/spool.ts';
import { nowIso } from '../../util/ids.ts';
import * as repo from '../repository.ts';
import { queueOf, sentSince } from '../delivery-repository.ts';
import { letterCache } from '../public-cache.ts';
import { CampaignFieldsError, createCampaign, updateCampaign } from '../service.ts';
import { checkCampaign, type CampaignInput } from '../fields.ts';
import { closesAtInput } from '../../actions/closing-time.ts';
import { exportOutreachesCsv } from '../export.ts';
import type { LetterCampaign } from '../tables.ts';
import { CampaignDetailPage, CampaignFormPage, CampaignNotFoundPage, CampaignsListPage, type CampaignForm, type CampaignFormErrors, type QueueRow } from './pages.tsx';

type Body = Record<string, unknown>;
type IdParams = { Params: { id: string } };

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// The letter's parts may be 20,000 characters each: more than the 64 KiB other forms are allowed.
const FORM_BODY_LIMIT = 512 * 1024;
const LETTERS_SHOWN = 50;

const NOTICES: Record<string, string> = {
  created: 'Campaign created. Add its recipients next.',
  saved: 'Changes saved.',
};

const text = (body: Body | undefined, name: string) => {
  const v = body?.[name];
  return typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim() : '';
};

export function readCampaignForm(body: Body | undefined): CampaignForm {
  return {
    title: text(body, 'title'), slug: text(body, 'slug').toLowerCase(), description: text(body, 'description'), subject: text(body, 'subject'),
    subject_editable: body?.subject_editable === 'yes', letter_opening: text(body, 'letter_opening'), letter_body: text(body, 'letter_body'),
    body_editable: body?.body_editable === 'yes', letter_closing: text(body, 'letter_closing'), body_max_length: text(body, 'body_max_length'),
    ask_address: body?.ask_address === 'yes', target_mode: text(body, 'target_mode'), hourly_cap: text(body, 'hourly_cap'),
    window_start: text(body, 'window_start'), window_end: text(body, 'window_end'), time_zone: text(body, 'time_zone'), status: text(body, 'status'),
    closes_at: text(body, 'closes_at'),
    title_es: text(body, 'title_es'), description_es: text(body, 'description_es'), subject_es: text(body, 'subject_es'),
    letter_opening_es: text(body, 'letter_opening_es'), letter_body_es: text(body, 'letter_body_es'), letter_closing_es: text(body, 'letter_closing_es'),
  };
}

const NEW_FORM: CampaignForm = {
  title: '', slug: '', description: '', subject: '', subject_editable: true, letter_opening: '', letter_body: '', body_editable: true, letter_closing: '',
  body_max_length: '5000', ask_address: false, target_mode: 'fixed', hourly_cap: '30', window_start: '09:00', window_end: '17:00', time_zone: 'America/New_York', status: 'open',
  closes_at: '',
  title_es: '', description_es: '', subject_es: '', letter_opening_es: '', letter_body_es: '', letter_closing_es: '',
};

export function campaignFormOf(c: LetterCampaign): CampaignForm {
  return {
    title: c.title, slug: c.slug, description: c.description, subject: c.subject, subject_editable: c.subject_editable === 1, letter_opening: c.letter_opening,
    letter_body: c.letter_body, body_editable: c.body_editable === 1, letter_closing: c.letter_closing, body_max_length: String(c.body_max_length),
    ask_address: c.ask_address === 1, target_mode: c.target_mode, hourly_cap: String(c.hourly_cap), window_start: c.window_start, window_end: c.window_end,
    time_zone: c.time_zone, status: c.status, closes_at: closesAtInput(c.closes_at),
    title_es: c.title_es ?? '', description_es: c.description_es ?? '', subject_es: c.subject_es ?? '',
    letter_opening_es: c.letter_opening_es ?? '', letter_body_es: c.letter_body_es ?? '', letter_closing_es: c.letter_closing_es ?? '',
  };
}

const whole = (v: string) => (/^\d{1,7}$/.test(v) ? Number(v) : NaN);

function inputOf(f: CampaignForm): CampaignInput {
  return {
    ...f,
    body_max_length: whole(f.body_max_length),
    hourly_cap: whole(f.hourly_cap),
    target_mode: f.target_mode as CampaignInput['target_mode'],
    status: f.status as CampaignInput['status'],
  };
}

/** The console's letter campaigns: list, create, edit, the delivery queue and the export. */
export function lettersConsoleRoutes(ctx: Context) {
  const db = ctx.database.db;
  const find = (request: FastifyRequest<IdParams>) =>
    UUID.test(request.params.id) ? repo.findCampaign(db, request.organizer!.organization!.id, request.params.id.toLowerCase()) : Promise.resolve(undefined);
  const notFound = (request: FastifyRequest, reply: FastifyReply) => sendAdmin(reply, <CampaignNotFoundPage page={adminPage(request, reply)} />, 404);
  const showForm = (request: FastifyRequest, reply: FastifyReply, form: CampaignForm, errors: CampaignFormErrors, campaign?: LetterCampaign) =>
    sendAdmin(reply, <CampaignFormPage page={adminPage(request, reply)} campaign={campaign} form={form} errors={errors} />, Object.keys(errors).length > 0 ? 422 : 200);

  return async function (app: FastifyInstance) {
    app.get('/letters', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      return sendAdmin(reply, <CampaignsListPage page={adminPage(request, reply)} campaigns={await repo.campaignsOf(db, org.id)} canCreate={can(org.role, 'manage_actions')} />);
    });

    app.get('/letters/new', { config: { permission: 'manage_actions' } }, async (request, reply) => showForm(request, reply, NEW_FORM, {}));

    app.post<{ Body: Body }>('/letters/new', { config: { permission: 'manage_actions' }, bodyLimit: FORM_BODY_LIMIT }, async (request, reply) => {
      const organizer = request.organizer!;
      const form = readCampaignForm(request.body);
      const input = inputOf(form);
      const errors = checkCampaign(input);
      if (input.slug && !errors.slug && (await repo.slugExists(db, input.slug))) errors.slug = `The web address /letters/${input.slug} is already used: choose another`;
      if (Object.keys(errors).length > 0) return showForm(request, reply, form, errors);
      const campaign = await createCampaign(db, organizer.organization!.id, input, nowIso());
      await audit(db, { organizationId: campaign.organization_id, userId: organizer.session.user_id, action: 'letter_campaign.created', subject: campaign.id, details: { title: campaign.title, slug: campaign.slug } });
      letterCache(ctx).forget(campaign.slug);
      return reply.redirect(`/admin/letters/${campaign.id}/targets?notice=created`, 303);
    });

    app.get<IdParams & { Querystring: Record<string, unknown> }>('/letters/:id', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const campaign = await find(request);
      if (!campaign) return notFound(request, reply);
      const org = request.organizer!.organization!;
      const [targets, counts, lastHour] = await Promise.all([
        repo.targetsOf(db, campaign.id),
        queueOf(db, campaign.id),
        sentSince(db, campaign.id, new Date(Date.now() - 3_600_000).toISOString()),
      ]);
      const n = (targetId: string, status: string) => Number(counts.find((c) => c.target_id === targetId && c.status === status)?.n ?? 0);
      const queue: QueueRow[] = targets.map((target) => ({
        target,
        queued: n(target.id, 'queued') + n(target.id, 'sending'),
        sent: n(target.id, 'sent'),
        bounced: n(target.id, 'bounced'),
        failed: n(target.id, 'failed'),
        lastHour: Number(lastHour.find((r) => r.target_id === target.id)?.n ?? 0),
      }));
      let letters = null;
      if (can(org.role, 'see_people')) {
        const rows = await repo.recentOutreaches(db, org.id, campaign.id, LETTERS_SHOWN, 0);
        const sends = await repo.sendsOfOutreaches(db, rows.map((r) => r.id));
        letters = rows.map((r) => ({
          id: r.id,
          name: [r.given_name, r.family_name].filter(Boolean).join(' '),
          email: r.email ?? '',
          state: r.state,
          subject: r.subject,
          body: r.body,
          delivery: sends.filter((s) => s.outreach_id === r.id).map((s) => `${s.name}: ${s.status}`).join('; '),
          created_at: r.created_at,
        }));
      }
      const notice = typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined;
      // The queue moves while the organizer watches: the page refreshes itself, with no script.
      reply.header('refresh', '30');
      return sendAdmin(reply, <CampaignDetailPage page={adminPage(request, reply, notice)} campaign={campaign} queue={queue} letters={letters} canManage={can(org.role, 'manage_actions')} canExport={can(org.role, 'export_data')} />);
    });

    app.get<IdParams>('/letters/:id/edit', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const campaign = await find(request);
      if (!campaign) return notFound(request, reply);
      return showForm(request, reply, campaignFormOf(campaign), {}, campaign);
    });

    app.post<IdParams & { Body: Body }>('/letters/:id/edit', { config: { permission: 'manage_actions' }, bodyLimit: FORM_BODY_LIMIT }, async (request, reply) => {
      const campaign = await find(request);
      if (!campaign) return notFound(request, reply);
      const form = readCampaignForm(request.body);
      const input = { ...inputOf(form), slug: form.slug || campaign.slug };
      try {
        const saved = await updateCampaign(db, campaign, input, nowIso());
        await audit(db, { organizationId: campaign.organization_id, userId: request.organizer!.session.user_id, action: 'letter_campaign.changed', subject: campaign.id, details: { title: saved.title, slug: saved.slug, status: saved.status } });
        letterCache(ctx).forget(campaign.slug);
        letterCache(ctx).forget(saved.slug);
      } catch (error) {
        if (error instanceof CampaignFieldsError) return showForm(request, reply, form, error.errors, campaign);
        throw error;
      }
      return reply.redirect(`/admin/letters/${campaign.id}?notice=saved`, 303);
    });

    app.get<IdParams>('/letters/:id/outreaches.csv', { config: { permission: 'export_data' } }, async (request, reply) => {
      const campaign = await find(request);
      if (!campaign) return notFound(request, reply);
      await audit(db, { organizationId: campaign.organization_id, userId: request.organizer!.session.user_id, action: 'outreaches.exported', subject: campaign.id, details: { campaign: campaign.slug, outreaches: campaign.outreach_count } });
      const csv = await spoolToFile(ctx.config.dataDir, (out) => exportOutreachesCsv(ctx.database, campaign.organization_id, campaign.id, out));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${campaign.slug.replace(/[^a-z0-9-]/g, '')}-outreaches.csv"`)
        .header('cache-control', 'no-store')
        .send(csv);
    });
  };
}
