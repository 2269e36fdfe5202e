import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import type { Context } from '../../context.ts';
import { can } from '../../accounts/policy.ts';
import { audit } from '../../accounts/service.ts';
import { nowIso } from '../../util/ids.ts';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { NotFoundPage } from '../../kits/console/list-pages.tsx';
import type { Mailing } from '../tables.ts';
import { checkMailing, type MailingErrors, type MailingInput } from '../fields.ts';
import { actionChoices, countAudience, parseAudience } from '../audience.ts';
import { renderVersion, subjectsOf, testSubjects, UNSUBSCRIBE_MARK, versionFor } from '../compose.ts';
import * as service from '../service.ts';
import * as repo from '../repository.ts';
import { MailingDetailPage, MailingFormPage, MailingsListPage, Preview, type MailingForm } from './pages.tsx';
import { DATE_TIME_HINT } from '../../kits/console/format.ts';

type Body = Record<string, unknown>;
type IdParams = { Params: { id: string } };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// A body may be 100,000 characters in each language; form-encoded, up to 12 bytes each.
const FORM_BODY_LIMIT = 3 * 1024 * 1024;

const NOTICES: Record<string, string> = {
  created: 'Mailing saved as a draft.',
  saved: 'Changes saved.',
  scheduled: 'The mailing is scheduled.',
  sending: 'The mailing is on its way: this page shows how far it has gone.',
  test: 'A test of each version is on its way to your address.',
  paused: 'Paused: nobody else gets it until you resume.',
  resumed: 'Resumed.',
  cancelled: 'Cancelled: nobody not yet sent to will get it.',
  unscheduled: 'Back to a draft: it will not be sent.',
  winner: 'The winning subject is going to the rest of the audience.',
};

const str = (body: Body | undefined, name: string) => {
  const v = body?.[name];
  return typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim() : '';
};
const many = (body: Body | undefined, name: string) => {
  const v = body?.[name];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
};
const items = (text: string) => text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
const lines = (text: string) => text.split('\n').map((s) => s.trim()).filter(Boolean);

export function readMailingForm(body: Body | undefined): MailingForm {
  const f = {} as MailingForm;
  for (const k of ['title', 'subject_en', 'preheader_en', 'body_en', 'subject_es', 'preheader_es', 'body_es', 'test_subjects_en', 'test_subjects_es', 'test_share', 'test_wait_minutes', 'include_tags', 'exclude_tags', 'states', 'near_zip', 'near_miles', 'sender_name', 'reply_to'] as const) f[k] = str(body, k);
  f.languages = many(body, 'languages');
  f.actions = many(body, 'actions');
  f.exclude_actions = many(body, 'exclude_actions');
  return f;
}

export function inputOf(f: MailingForm): MailingInput {
  return { ...f, test_subjects_en: lines(f.test_subjects_en), test_subjects_es: lines(f.test_subjects_es), include_tags: items(f.include_tags), exclude_tags: items(f.exclude_tags), states: items(f.states) };
}

export function formOf(m: Mailing): MailingForm {
  const a = parseAudience(m.audience);
  const tests = testSubjects(m);
  return {
    title: m.title, subject_en: m.subject_en, preheader_en: m.preheader_en, body_en: m.body_en, subject_es: m.subject_es, preheader_es: m.preheader_es, body_es: m.body_es,
    test_subjects_en: tests.map((t) => t.en).filter(Boolean).join('\n'), test_subjects_es: tests.map((t) => t.es).filter(Boolean).join('\n'),
    test_share: tests.length ? String(m.test_share) : '', test_wait_minutes: tests.length ? String(m.test_wait_minutes) : '',
    include_tags: a.include_tags.join(', '), exclude_tags: a.exclude_tags.join(', '), actions: a.actions, exclude_actions: a.exclude_actions, states: a.states.join(', '),
    near_zip: a.near?.zip ?? '', near_miles: a.near ? String(a.near.miles) : '', languages: a.languages, sender_name: m.sender_name ?? '', reply_to: m.reply_to ?? '',
  };
}

/** The console's mailings: list, compose with a preview and the audience's count, send, and watch them go. */
export function mailingsConsoleRoutes(ctx: Context) {
  const db = ctx.database.db;
  const org = (request: FastifyRequest) => request.organizer!.organization!;
  const find = (request: FastifyRequest<IdParams>) => (UUID.test(request.params.id) ? repo.findMailing(db, org(request).id, request.params.id) : Promise.resolve(undefined));
  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    sendAdmin(reply, <NotFoundPage page={adminPage(request, reply)} title="Mailing not found" body="There is no such mailing in this organization." back={{ href: '/admin/mailings', label: 'See the mailings' }} />, 404);
  const back = (reply: FastifyReply, m: { id: string }, notice: string) => reply.redirect(`/admin/mailings/${m.id}?notice=${notice}`, 303);

  const showForm = async (request: FastifyRequest, reply: FastifyReply, o: { mailing?: Mailing; form: MailingForm; errors?: MailingErrors; preview?: boolean }) => {
    const errors = o.errors ?? {};
    let preview: JSX.Element | undefined;
    let count: number | undefined;
    if (o.preview && Object.keys(errors).length === 0) {
      const { fields } = checkMailing(inputOf(o.form));
      if (fields) {
        const settings = await repo.findSettings(db, org(request).id);
        const draft = { ...fields, test_subjects: JSON.stringify(fields.test_subjects), audience: JSON.stringify(fields.audience), test_winner: null } as unknown as Mailing;
        const versions = (['en', 'es'] as const)
          .filter((l) => (l === 'en' ? fields.body_en : fields.body_es) !== '')
          .map((l) => {
            const v = versionFor(draft, l, 0);
            const html = renderVersion(org(request).name, { postal_address: settings?.postal_address || '(your postal address, from the mailing settings)' }, v).html.split(UNSUBSCRIBE_MARK).join('#unsubscribe');
            return { label: l === 'en' ? 'English' : 'Spanish', subject: v.subject, html };
          });
        preview = <Preview versions={versions} />;
        count = await countAudience(db, org(request).id, fields.audience);
      }
    }
    const actions = await actionChoices(db, org(request).id);
    return sendAdmin(reply, <MailingFormPage page={adminPage(request, reply)} mailing={o.mailing} form={o.form} errors={errors} preview={preview} count={count} actions={actions} />, Object.keys(errors).length > 0 ? 422 : 200);
  };

  const act = async (request: FastifyRequest<IdParams>, reply: FastifyReply, what: (m: Mailing) => Promise<unknown>, notice: string) => {
    const m = await find(request);
    if (!m) return notFound(request, reply);
    try {
      await what(m);
    } catch (e) {
      if (!(e instanceof service.MailingError)) throw e;
      return detail(request, reply, m, e.message, 409);
    }
    await audit(db, { organizationId: m.organization_id, userId: request.organizer!.session.user_id, action: `mailing.${notice}`, subject: m.id });
    return back(reply, m, notice);
  };

  const detail = async (request: FastifyRequest, reply: FastifyReply, m: Mailing, notice?: string, status = 200) => {
    const [progress, bounces, links, settings] = await Promise.all([repo.recipientCounts(db, m.id), repo.bouncesOf(db, m.id), repo.linksOf(db, m.id), repo.findSettings(db, m.organization_id)]);
    const audienceCount = m.total_recipients === 0 ? await countAudience(db, m.organization_id, parseAudience(m.audience)) : null;
    return sendAdmin(
      reply,
      <MailingDetailPage page={adminPage(request, reply, notice)} mailing={m} progress={progress} audienceCount={audienceCount} bounces={bounces} links={links} canManage={can(org(request).role, 'manage_actions')} timezone={settings?.timezone ?? 'America/New_York'} />,
      status,
    );
  };

  return async function (app: FastifyInstance) {
    app.get('/mailings', { config: { permission: 'view_reports' } }, async (request, reply) =>
      sendAdmin(reply, <MailingsListPage page={adminPage(request, reply)} mailings={await repo.mailingsOf(db, org(request).id)} canCreate={can(org(request).role, 'manage_actions')} />),
    );

    app.get('/mailings/new', { config: { permission: 'manage_actions' } }, async (request, reply) => showForm(request, reply, { form: readMailingForm({}) }));

    app.post<{ Body: Body }>('/mailings/new', { config: { permission: 'manage_actions' }, bodyLimit: FORM_BODY_LIMIT }, async (request, reply) => {
      const form = readMailingForm(request.body);
      const { errors, fields } = checkMailing(inputOf(form));
      if (!fields || request.body?.intent === 'preview') return showForm(request, reply, { form, errors, preview: true });
      const m = await service.createMailing(db, org(request).id, fields, { by: request.organizer!.session.user_id, now: nowIso() });
      await audit(db, { organizationId: m.organization_id, userId: request.organizer!.session.user_id, action: 'mailing.created', subject: m.id });
      return back(reply, m, 'created');
    });

    app.get<IdParams & { Querystring: Record<string, unknown> }>('/mailings/:id', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const m = await find(request);
      if (!m) return notFound(request, reply);
      const notice = typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined;
      return detail(request, reply, m, notice);
    });

    app.get<IdParams>('/mailings/:id/edit', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const m = await find(request);
      if (!m) return notFound(request, reply);
      return showForm(request, reply, { mailing: m, form: formOf(m) });
    });

    app.post<IdParams & { Body: Body }>('/mailings/:id/edit', { config: { permission: 'manage_actions' }, bodyLimit: FORM_BODY_LIMIT }, async (request, reply) => {
      const m = await find(request);
      if (!m) return notFound(request, reply);
      const form = readMailingForm(request.body);
      const { errors, fields } = checkMailing(inputOf(form));
      if (!fields || request.body?.intent === 'preview') return showForm(request, reply, { mailing: m, form, errors, preview: true });
      return act(request, reply, (current) => service.updateMailing(db, current, fields, nowIso()), 'saved');
    });

    app.post<IdParams>('/mailings/:id/test', { config: { permission: 'manage_actions' } }, async (request, reply) =>
      act(request, reply, (m) => service.queueTestSend(db, m, request.organizer!.session.email, nowIso()), 'test'),
    );

    app.post<IdParams & { Body: Body }>('/mailings/:id/send', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const m = await find(request);
      if (!m) return notFound(request, reply);
      const now = nowIso();
      let at = now;
      if (str(request.body, 'when') === 'later') {
        const zone = str(request.body, 'timezone') || 'America/New_York';
        // One field, `at` (datetime-local: 2026-12-01T09:00, or typed with a space); `date` and `time` apart as before.
        const typed = str(request.body, 'at').trim().replace(' ', 'T') || `${str(request.body, 'date')}T${str(request.body, 'time')}`;
        const when = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(typed) ? DateTime.fromISO(typed, { zone }) : DateTime.invalid('not a day and time');
        if (!when.isValid) return detail(request, reply, m, `Enter the date and time. ${DATE_TIME_HINT}; and choose a time zone.`, 422);
        at = when.toUTC().toISO()!;
      }
      return act(request, reply, (current) => service.scheduleMailing(db, current, at, now), at === now ? 'sending' : 'scheduled');
    });

    app.post<IdParams>('/mailings/:id/pause', { config: { permission: 'manage_actions' } }, async (request, reply) => act(request, reply, (m) => service.pauseMailing(db, m, nowIso()), 'paused'));
    app.post<IdParams>('/mailings/:id/resume', { config: { permission: 'manage_actions' } }, async (request, reply) => act(request, reply, (m) => service.resumeMailing(db, m, nowIso()), 'resumed'));
    app.post<IdParams>('/mailings/:id/cancel', { config: { permission: 'manage_actions' } }, async (request, reply) => act(request, reply, (m) => service.cancelMailing(db, m, nowIso()), 'cancelled'));
    app.post<IdParams>('/mailings/:id/unschedule', { config: { permission: 'manage_actions' } }, async (request, reply) => act(request, reply, (m) => service.unscheduleMailing(db, m, nowIso()), 'unscheduled'));
    app.post<IdParams & { Body: Body }>('/mailings/:id/winner', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const winner = Number(str(request.body, 'winner'));
      return act(request, reply, (m) => (Number.isInteger(winner) && winner >= 0 && winner < subjectsOf(m).length ? service.pickWinner(db, m, winner, nowIso()) : Promise.reject(new service.MailingError('no_such_subject', 'Choose one of the subjects tested.'))), 'winner');
    });
  };
}
