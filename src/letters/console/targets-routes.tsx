import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart, { type Multipart } from '@fastify/multipart';
import type { Context } from '../../context.ts';
import { can } from '../../accounts/policy.ts';
import { audit } from '../../accounts/service.ts';
import { AdminLayout, CsrfField, Input, TextArea } from '../../kits/console/layout.tsx';
import { DataTable } from '../../kits/console/table.tsx';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { isValidEmail, normalizeEmail } from '../../actions/people/normalize.ts';
import { nowIso } from '../../util/ids.ts';
import * as repo from '../repository.ts';
import { letterCache } from '../public-cache.ts';
import { replaceTargets } from '../service.ts';
import { recordBounce, resumeTarget } from '../delivery.ts';
import { readFixedTargets, readTargetList, TARGET_LIMITS, targetLabel, TargetListError, type ListProblem, type TargetInput } from '../targets.ts';
import type { LetterCampaign, LetterTarget } from '../tables.ts';
import { CampaignNotFoundPage } from './pages.tsx';
import { UUID } from './routes.tsx';

type Body = Record<string, unknown>;
type IdParams = { Params: { id: string } };
type TargetParams = { Params: { id: string; targetId: string } };

const pendingParts = new WeakMap<FastifyRequest, AsyncIterableIterator<Multipart>>();

/** Reads the upload form's first part (`_csrf`) before the console's check; the file stays unread until the request is allowed. */
async function readCsrfField(request: FastifyRequest) {
  if (!request.isMultipart()) return;
  const parts = request.parts();
  const first = await parts.next();
  let csrf = '';
  if (!first.done) {
    if (first.value.type === 'field' && first.value.fieldname === '_csrf') csrf = String(first.value.value);
    else if (first.value.type === 'file') first.value.file.resume();
  }
  request.body = { _csrf: csrf };
  pendingParts.set(request, parts);
}

const NOTICES: Record<string, string> = {
  created: 'Campaign created. Add its recipients now: no letter can be written before there is someone to send it to.',
  fixed: 'The fixed list is saved.',
  fallback: 'The fallback recipient is saved.',
  list: 'The target list is imported.',
  resumed: 'The recipient’s queue is running again.',
  bounced: 'The bounce is recorded: the recipient’s queue is paused.',
};

interface TargetsView {
  fixed?: string;
  fallback?: { name: string; title: string; email: string };
  problems?: { where: 'fixed' | 'fallback' | 'list'; list: ListProblem[] };
  checked?: number;
  notice?: string;
}

const problemText = (p: ListProblem) => (p.line > 0 ? `Line ${p.line}: ${p.message}` : p.message);

function TargetsPage(props: { page: ReturnType<typeof adminPage>; campaign: LetterCampaign; targets: LetterTarget[]; view: TargetsView; canManage: boolean }): JSX.Element {
  const { campaign: c, targets, view } = props;
  const fixed = targets.filter((t) => t.kind === 'fixed');
  const fallback = targets.find((t) => t.kind === 'fallback');
  const listed = targets.filter((t) => t.kind === 'listed');
  const csrf = props.page.csrf;
  const problems = (where: 'fixed' | 'fallback' | 'list') =>
    view.problems?.where === where ? (
      <div class="error-summary" role="alert" id={`${where}-problems`}>
        <h2>{where === 'list' ? 'The list was not imported: nothing in it was saved' : 'Nothing was saved'}</h2>
        <ul>
          {view.problems.list.map((p) => (
            <li safe>{problemText(p)}</li>
          ))}
        </ul>
      </div>
    ) : (
      ''
    );
  return (
    <AdminLayout page={props.page} title={`Recipients of ${c.title}`}>
      <h1 safe>{`Recipients of ${c.title}`}</h1>
      <p>
        <a href={`/admin/letters/${c.id}`}>Back to the campaign</a>
      </p>
      <DataTable
        caption="Recipients"
        rows={targets}
        empty="No recipients yet."
        columns={[
          { label: 'Recipient', head: true, text: (t) => targetLabel(t) },
          { label: 'Organization', text: (t) => t.target_organization },
          { label: 'Email', text: (t) => t.email },
          { label: 'From', text: (t) => (t.kind === 'fixed' ? 'fixed list' : t.kind === 'fallback' ? 'fallback' : 'target list') },
          { label: 'State, ZIP codes, district', text: (t) => [t.state, t.zip_codes ? `${t.zip_codes.split(' ').length} ZIP codes` : '', t.district].filter(Boolean).join(' · ') },
          { label: 'Status', text: (t) => (t.status === 'bounced' ? `bounced (${t.bounce_reason ?? ''}): queue paused` : t.status) },
          {
            label: 'Queue',
            cell: (t) =>
              !props.canManage ? (
                ''
              ) : t.status === 'active' ? (
                <form method="post" action={`/admin/letters/${c.id}/targets/${t.id}/bounce`}>
                  <CsrfField token={csrf} />
                  <label for={`reason-${t.id}`}>Bounce report</label> <input id={`reason-${t.id}`} name="reason" maxlength="500" />
                  <button type="submit">Record a bounce and pause</button>
                </form>
              ) : (
                <form method="post" action={`/admin/letters/${c.id}/targets/${t.id}/resume`}>
                  <CsrfField token={csrf} />
                  <label for={`email-${t.id}`}>Corrected email (optional)</label> <input id={`email-${t.id}`} name="email" type="email" maxlength="254" />
                  <button type="submit">Resume sending</button>
                </form>
              ),
          },
        ]}
      />
      {props.canManage ? (
        <>
          {c.target_mode === 'fixed' ? (
            <section>
              <h2>The fixed list</h2>
              {problems('fixed')}
              <form method="post" action={`/admin/letters/${c.id}/targets/fixed`}>
                <CsrfField token={csrf} />
                <TextArea
                  name="targets"
                  label="One recipient a line: name, title, organization, email"
                  hint={`Every letter goes to each of them (at most ${TARGET_LIMITS.fixed}). Saving replaces the list; letters still queued to someone taken off it are not sent.`}
                  value={view.fixed ?? fixed.map((t) => [t.name, t.title, t.target_organization, t.email].map((v) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(', ')).join('\n')}
                  rows={8}
                />
                <button type="submit">Save the fixed list</button>
              </form>
            </section>
          ) : (
            <section>
              <h2>The target list</h2>
              <p safe>{`${listed.length} targets in the list now. Each supporter writes to the targets whose ZIP codes include theirs, and to those of their state that list no ZIP codes.`}</p>
              {problems('list')}
              {view.checked !== undefined ? <p class="notice" role="status" safe>{`The file is fine: ${view.checked} targets, no problems. Upload it with “Import” to use it.`}</p> : ''}
              <form method="post" action={`/admin/letters/${c.id}/targets/list`} enctype="multipart/form-data">
                <CsrfField token={csrf} />
                <div class="field">
                  <label for="file">CSV file</label>
                  <span class="hint" id="file-hint">
                    Columns: name, title, organization, email, state, zip_codes (5-digit codes separated by spaces), district. UTF-8, at most 2 MB and 10,000 rows. A file with any problem is not imported at all.
                  </span>
                  <input type="file" id="file" name="file" accept=".csv,text/csv" aria-describedby="file-hint" />
                </div>
                <button type="submit" name="intent" value="check">Check the file</button> <button type="submit" name="intent" value="import">Import (replaces the list)</button>
              </form>
            </section>
          )}
          {c.target_mode === 'matched' ? (
            <section>
              <h2>Fallback recipient</h2>
              <p>A supporter with no target in the list writes to this person instead. Without one, they are told no one was found for their ZIP code.</p>
              {problems('fallback')}
              <form method="post" action={`/admin/letters/${c.id}/targets/fallback`}>
                <CsrfField token={csrf} />
                <Input name="name" label="Name" value={view.fallback?.name ?? fallback?.name ?? ''} />
                <Input name="title" label="Title" value={view.fallback?.title ?? fallback?.title ?? ''} />
                <Input name="email" label="Email" type="email" value={view.fallback?.email ?? fallback?.email ?? ''} hint="Leave every field empty for no fallback." />
                <button type="submit">Save the fallback</button>
              </form>
            </section>
          ) : (
            ''
          )}
        </>
      ) : (
        ''
      )}
    </AdminLayout>
  );
}

/** A campaign's recipients: the fixed list, the uploaded target list (checked whole), the fallback, bounces and resuming. */
export function letterTargetRoutes(ctx: Context) {
  const db = ctx.database.db;
  return async function (app: FastifyInstance) {
    await app.register(multipart, { limits: { fileSize: TARGET_LIMITS.fileBytes + 1, files: 1, fields: 3, parts: 5, fieldSize: 1024 } });
    const find = (request: FastifyRequest<IdParams>) =>
      UUID.test(request.params.id) ? repo.findCampaign(db, request.organizer!.organization!.id, request.params.id.toLowerCase()) : Promise.resolve(undefined);
    const notFound = (request: FastifyRequest, reply: FastifyReply) => sendAdmin(reply, <CampaignNotFoundPage page={adminPage(request, reply)} />, 404);
    const show = async (request: FastifyRequest, reply: FastifyReply, campaign: LetterCampaign, view: TargetsView = {}, status = 200) => {
      const org = request.organizer!.organization!;
      const targets = await repo.targetsOf(db, campaign.id);
      return sendAdmin(reply, <TargetsPage page={adminPage(request, reply, view.notice)} campaign={campaign} targets={targets} view={view} canManage={can(org.role, 'manage_actions')} />, status);
    };
    const saved = async (request: FastifyRequest, reply: FastifyReply, campaign: LetterCampaign, kind: string, count: number) => {
      await audit(db, { organizationId: campaign.organization_id, userId: request.organizer!.session.user_id, action: 'letter_targets.replaced', subject: campaign.id, details: { kind, targets: count } });
      letterCache(ctx).forget(campaign.slug);
      return reply.redirect(`/admin/letters/${campaign.id}/targets?notice=${kind}`, 303);
    };

    app.get<IdParams & { Querystring: Record<string, unknown> }>('/letters/:id/targets', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const campaign = await find(request);
      if (!campaign) return notFound(request, reply);
      return show(request, reply, campaign, { notice: typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined });
    });

    app.post<IdParams & { Body: Body }>('/letters/:id/targets/fixed', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const campaign = await find(request);
      if (!campaign) return notFound(request, reply);
      const typed = typeof request.body?.targets === 'string' ? request.body.targets : '';
      let targets: TargetInput[];
      try {
        targets = readFixedTargets(typed);
      } catch (e) {
        if (e instanceof TargetListError) return show(request, reply, campaign, { fixed: typed, problems: { where: 'fixed', list: e.problems } }, 422);
        throw e;
      }
      await replaceTargets(db, campaign, 'fixed', targets, nowIso());
      return saved(request, reply, campaign, 'fixed', targets.length);
    });

    app.post<IdParams & { Body: Body }>('/letters/:id/targets/fallback', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const campaign = await find(request);
      if (!campaign) return notFound(request, reply);
      const field = (n: string) => (typeof request.body?.[n] === 'string' ? (request.body[n] as string).trim() : '');
      const typed = { name: field('name'), title: field('title'), email: normalizeEmail(field('email')) };
      if (!typed.name && !typed.email && !typed.title) {
        await replaceTargets(db, campaign, 'fallback', [], nowIso());
        return saved(request, reply, campaign, 'fallback', 0);
      }
      let targets: TargetInput[];
      try {
        targets = readFixedTargets([typed.name, typed.title, '', typed.email].map((v) => `"${v.replace(/"/g, '""')}"`).join(','));
        if (!isValidEmail(typed.email)) throw new TargetListError([{ line: 0, message: 'Enter the fallback’s email address' }]);
      } catch (e) {
        if (e instanceof TargetListError) return show(request, reply, campaign, { fallback: typed, problems: { where: 'fallback', list: e.problems.map((p) => ({ ...p, line: 0 })) } }, 422);
        throw e;
      }
      await replaceTargets(db, campaign, 'fallback', targets, nowIso());
      return saved(request, reply, campaign, 'fallback', 1);
    });

    app.post<IdParams>('/letters/:id/targets/list', { config: { permission: 'manage_actions' }, preValidation: readCsrfField }, async (request, reply) => {
      const campaign = await find(request);
      if (!campaign) return notFound(request, reply);
      let file: Buffer | null = null;
      let intent = 'import';
      let truncated = false;
      try {
        for await (const part of pendingParts.get(request) ?? []) {
          if (part.type === 'field') {
            if (part.fieldname === 'intent') intent = String(part.value);
            continue;
          }
          if (part.fieldname !== 'file' || file) {
            part.file.resume();
            continue;
          }
          file = await part.toBuffer();
          truncated = part.file.truncated;
        }
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'FST_REQ_FILE_TOO_LARGE') truncated = true;
        else if (code?.startsWith('FST_')) return show(request, reply, campaign, { problems: { where: 'list', list: [{ line: 0, message: 'The upload did not arrive whole. Choose the file and upload it again.' }] } }, 400);
        else throw e;
      }
      const refuse = (list: ListProblem[], status = 422) => show(request, reply, campaign, { problems: { where: 'list', list } }, status);
      if (truncated || (file && file.length > TARGET_LIMITS.fileBytes)) return refuse([{ line: 0, message: `The file is larger than ${TARGET_LIMITS.fileBytes / 1024 / 1024} MB.` }], 413);
      if (!file || file.length === 0) return refuse([{ line: 0, message: 'Choose a CSV file to upload.' }]);
      let targets: TargetInput[];
      try {
        targets = readTargetList(file);
      } catch (e) {
        if (e instanceof TargetListError) return refuse(e.problems);
        throw e;
      }
      if (intent === 'check') return show(request, reply, campaign, { checked: targets.length });
      await replaceTargets(db, campaign, 'listed', targets, nowIso());
      return saved(request, reply, campaign, 'list', targets.length);
    });

    const target = async (request: FastifyRequest<TargetParams>) => {
      const campaign = await find(request);
      if (!campaign || !UUID.test(request.params.targetId)) return { campaign };
      return { campaign, target: await repo.findTarget(db, campaign.organization_id, campaign.id, request.params.targetId.toLowerCase()) };
    };

    app.post<TargetParams & { Body: Body }>('/letters/:id/targets/:targetId/bounce', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const { campaign, target: t } = await target(request);
      if (!campaign || !t) return notFound(request, reply);
      const raw = typeof request.body?.reason === 'string' ? request.body.reason.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim().slice(0, 500) : '';
      await recordBounce(db, t.id, raw || 'Reported bounced by an organizer', Date.now());
      await audit(db, { organizationId: campaign.organization_id, userId: request.organizer!.session.user_id, action: 'letter_target.bounced', subject: t.id, details: { campaign: campaign.id } });
      return reply.redirect(`/admin/letters/${campaign.id}/targets?notice=bounced`, 303);
    });

    app.post<TargetParams & { Body: Body }>('/letters/:id/targets/:targetId/resume', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const { campaign, target: t } = await target(request);
      if (!campaign || !t || t.status === 'removed') return notFound(request, reply);
      const email = typeof request.body?.email === 'string' ? normalizeEmail(request.body.email) : '';
      if (email && (!isValidEmail(email) || email.length > TARGET_LIMITS.email)) {
        return show(request, reply, campaign, { problems: { where: t.kind === 'fallback' ? 'fallback' : t.kind === 'fixed' ? 'fixed' : 'list', list: [{ line: 0, message: `“${email.slice(0, 80)}” is not an email address: the queue stays paused.` }] } }, 422);
      }
      await resumeTarget(db, t.id, Date.now(), email || undefined);
      await audit(db, { organizationId: campaign.organization_id, userId: request.organizer!.session.user_id, action: 'letter_target.resumed', subject: t.id, details: { campaign: campaign.id, new_email: Boolean(email) } });
      letterCache(ctx).forget(campaign.slug);
      return reply.redirect(`/admin/letters/${campaign.id}/targets?notice=resumed`, 303);
    });
  };
}
