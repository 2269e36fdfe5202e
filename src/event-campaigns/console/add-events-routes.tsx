// An organizer adds events to a campaign from the console: one from the event form, or many from a
// CSV file (upload, a report of the rows accepted and refused, then add). Registered by routes.tsx.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart, { type Multipart } from '@fastify/multipart';
import type { Context } from '../../context.ts';
import type { EventCampaign } from '../tables.ts';
import { AdminLayout, CsrfField, ErrorSummary, Input } from '../../kits/console/layout.tsx';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { checkEvent, eventConsoleForm, eventCache } from '../../events/index.ts';
import { isCleanText, isValidEmail, normalizeEmail, hasVisibleText } from '../../actions/people/normalize.ts';
import { nowIso } from '../../util/ids.ts';
import { HOST_NAME_MAX } from '../event-draft.ts';
import { withPlace } from '../places.ts';
import * as repo from '../repository.ts';
import { organizerAddEvents } from '../service.ts';
import { checkEventFile, EventFileError, eventCsvTemplate, MAX_EVENTS_FILE_BYTES, MAX_EVENT_ROWS, type EventFileCheck } from '../csv-import.ts';
import { ImportReport } from './import-report.tsx';
import { notFound, text, type Body, type IdParams } from './route-helpers.tsx';

const pendingParts = new WeakMap<FastifyRequest, AsyncIterableIterator<Multipart>>();

/**
 * Reads the upload form's first part, the `_csrf` field, into the body before the console's
 * preHandler checks it (as the people import does); the file stays unread until then.
 */
async function readCsrfField(request: FastifyRequest) {
  if (!request.isMultipart()) return;
  const parts = request.parts();
  let csrf = '';
  try {
    const first = await parts.next();
    if (!first.done) {
      if (first.value.type === 'field' && first.value.fieldname === '_csrf') csrf = String(first.value.value);
      else if (first.value.type === 'file') first.value.file.resume();
    }
  } catch {
    // A body that is not multipart as it says: no token, so the console's check refuses it (403).
    request.body = { _csrf: '' };
    return;
  }
  request.body = { _csrf: csrf };
  pendingParts.set(request, parts);
}

/** The host named with an event the organizer adds: both or neither. */
function checkHostFields(body: Body | undefined): { host: { name: string; email: string } | null; errors: Record<string, string> } {
  const name = text(body?.host_name, 500).trim();
  const raw = text(body?.host_email, 500).trim();
  const errors: Record<string, string> = {};
  if (!name && !raw) return { host: null, errors };
  const email = normalizeEmail(raw);
  if (!raw) errors.host_email = 'Enter the host’s email, or clear their name: the host gets their private link by email';
  else if (!isValidEmail(email)) errors.host_email = 'Enter the host’s email address, like rosa@example.org';
  if (!name) errors.host_name = 'Enter the host’s name, or clear their email';
  else if (!isCleanText(name) || !hasVisibleText(name)) errors.host_name = 'The host’s name contains control or invalid characters';
  else if (name.length > HOST_NAME_MAX) errors.host_name = `The host’s name can be at most ${HOST_NAME_MAX} characters`;
  return { host: Object.keys(errors).length === 0 ? { name, email } : null, errors };
}

export async function registerAddEventRoutes(app: FastifyInstance, ctx: Context, load: (request: FastifyRequest<IdParams>) => Promise<EventCampaign | undefined>): Promise<void> {
  const db = ctx.database.db;
  const cache = eventCache(ctx);
  const permission = { permission: 'manage_actions' } as const;

  const addForm = async (request: FastifyRequest, reply: FastifyReply, campaign: EventCampaign, values: Body | undefined, errors: Record<string, string>, status = 200) => {
    const f = await eventConsoleForm();
    const form = values ? f.readEventForm(values) : { ...f.blankForm() };
    const base = `/admin/event-campaigns/${campaign.id}`;
    return sendAdmin(
      reply,
      <f.EventFormPage
        page={adminPage(request, reply)}
        form={form}
        errors={errors}
        into={{
          action: `${base}/events/new`,
          heading: `Add an event to ${campaign.title}`,
          back: { href: base, label: `Back to ${campaign.title}` },
          intro: 'An event you add is approved at once: it is on the campaign’s map and page as soon as it is saved. A host you name gets their private link by email.',
          fields: (
            <>
              <Input name="host_name" label="Host’s name (optional)" value={text(values?.host_name, 500)} error={errors.host_name} />
              <Input name="host_email" label="Host’s email (optional)" type="email" value={text(values?.host_email, 500)} error={errors.host_email} hint="They get a private link to see who is coming, email them and check them in." />
            </>
          ),
        }}
      />,
      status,
    );
  };

  app.get<IdParams>('/event-campaigns/:id/events/new', { config: permission }, async (request, reply) => {
    const campaign = await load(request);
    return campaign ? addForm(request, reply, campaign, undefined, {}) : notFound(request, reply);
  });

  app.post<IdParams>('/event-campaigns/:id/events/new', { config: permission, bodyLimit: 512 * 1024 }, async (request, reply) => {
    const campaign = await load(request);
    if (!campaign) return notFound(request, reply);
    const f = await eventConsoleForm();
    const form = f.readEventForm(request.body);
    const { errors, columns } = checkEvent(f.inputFrom(form));
    const host = checkHostFields(request.body);
    const all = { ...host.errors, ...f.formErrors(errors) } as Record<string, string>;
    if (!columns || Object.keys(all).length > 0) return addForm(request, reply, campaign, request.body, all, 422);
    const [event] = await ctx.committer.submit((uow) =>
      organizerAddEvents(uow, campaign, [{ columns: withPlace(columns), host: host.host }], { userId: request.organizer!.session.user_id, via: 'console' }),
    );
    cache.forget(event!.slug);
    return reply.redirect(`/admin/event-campaigns/${campaign.id}?done=event_added`, 303);
  });

  // The CSV import. Multipart only here, in a plugin of its own: one file, the token first.
  await app.register(async (sub) => {
    await sub.register(multipart, { limits: { fileSize: MAX_EVENTS_FILE_BYTES + 1, files: 1, fields: 2, parts: 3, fieldSize: 1024 } });

    const importPage = (request: FastifyRequest, reply: FastifyReply, campaign: EventCampaign, opts: { error?: string; check?: EventFileCheck; csv?: string; status?: number } = {}) => {
      const page = adminPage(request, reply);
      const base = `/admin/event-campaigns/${campaign.id}`;
      return sendAdmin(
        reply,
        <AdminLayout page={page} title={`${opts.error ? 'Error: ' : ''}Import events: ${campaign.title}`}>
          <p>
            <a href={base} safe>{`Back to ${campaign.title}`}</a>
          </p>
          <h1 safe>{`Import events: ${campaign.title}`}</h1>
          {opts.check ? (
            <ImportReport campaign={campaign} check={opts.check} csv={opts.csv ?? ''} csrf={page.csrf} />
          ) : (
            <>
              <p safe>
                {`One event per row, at most ${MAX_EVENT_ROWS.toLocaleString('en-US')} in a file of at most ${MAX_EVENTS_FILE_BYTES / 1024 / 1024} MB, saved as CSV UTF-8. Each row is checked like the event form; you see which rows can be added and why the others cannot before anything is added. Events you import are approved at once.`}
              </p>
              <p>
                <a href={`${base}/import/template.csv`}>Download the template (CSV)</a>: its columns are the event form’s fields. Times are on the clock of the row’s time zone, like America/Chicago.
              </p>
            </>
          )}
          <h2>{opts.check ? 'Upload another file' : 'Upload a file'}</h2>
          <ErrorSummary errors={{ file: opts.error }} />
          <form method="post" action={`${base}/import`} enctype="multipart/form-data">
            <CsrfField token={page.csrf} />
            <Input name="file" label="CSV file of events" type="file" error={opts.error} />
            <button type="submit">Check the file</button>
          </form>
        </AdminLayout>,
        opts.status ?? 200,
      );
    };

    const existingOf = (campaign: EventCampaign) => repo.campaignEvents(db, campaign.organization_id, campaign.id);

    sub.get<IdParams>('/event-campaigns/:id/import', { config: permission }, async (request, reply) => {
      const campaign = await load(request);
      return campaign ? importPage(request, reply, campaign) : notFound(request, reply);
    });

    sub.get<IdParams>('/event-campaigns/:id/import/template.csv', { config: permission }, async (request, reply) => {
      const campaign = await load(request);
      if (!campaign) return notFound(request, reply);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="events-template.csv"').header('cache-control', 'no-store').send(eventCsvTemplate());
    });

    sub.post<IdParams>('/event-campaigns/:id/import', { config: permission, preValidation: readCsrfField }, async (request, reply) => {
      const campaign = await load(request);
      const parts = pendingParts.get(request);
      if (!campaign) {
        for await (const part of parts ?? []) if (part.type === 'file') part.file.resume();
        return notFound(request, reply);
      }
      let bytes: Buffer | null = null;
      try {
        for await (const part of parts ?? []) {
          if (part.type !== 'file') continue;
          if (part.fieldname !== 'file' || bytes || !part.filename) {
            part.file.resume();
            continue;
          }
          bytes = await part.toBuffer();
        }
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'FST_REQ_FILE_TOO_LARGE') return importPage(request, reply, campaign, { error: `This file is larger than ${MAX_EVENTS_FILE_BYTES / 1024 / 1024} MB. Import at most ${MAX_EVENT_ROWS.toLocaleString('en-US')} events at a time.`, status: 413 });
        if (code?.startsWith('FST_')) return importPage(request, reply, campaign, { error: 'The upload did not arrive whole. Choose the file and upload it again.', status: 400 });
        throw e;
      }
      if (!bytes) return importPage(request, reply, campaign, { error: 'Choose a CSV file to upload.', status: 422 });
      try {
        const check = checkEventFile(bytes, { now: nowIso(), existing: await existingOf(campaign) });
        return importPage(request, reply, campaign, { check, csv: bytes.toString('utf8') });
      } catch (e) {
        if (e instanceof EventFileError) return importPage(request, reply, campaign, { error: e.message, status: e.message.startsWith('This file is larger') ? 413 : 422 });
        throw e;
      }
    });

    // The file comes back as text from the report's form and is checked again: what is added is
    // what passes now (an event added meanwhile makes its row a repeat), in one transaction.
    sub.post<IdParams>('/event-campaigns/:id/import/commit', { config: permission, bodyLimit: 4 * MAX_EVENTS_FILE_BYTES }, async (request, reply) => {
      const campaign = await load(request);
      if (!campaign) return notFound(request, reply);
      const csv = typeof request.body?.csv === 'string' ? request.body.csv : '';
      let check: EventFileCheck;
      try {
        check = checkEventFile(Buffer.from(csv, 'utf8'), { now: nowIso(), existing: await existingOf(campaign) });
      } catch (e) {
        if (e instanceof EventFileError) return importPage(request, reply, campaign, { error: e.message, status: 422 });
        throw e;
      }
      const created = check.accepted.length === 0 ? [] : await ctx.committer.submit((uow) => organizerAddEvents(uow, campaign, check.accepted, { userId: request.organizer!.session.user_id, via: 'csv' }));
      for (const e of created) cache.forget(e.slug);
      const page = adminPage(request, reply);
      const base = `/admin/event-campaigns/${campaign.id}`;
      return sendAdmin(
        reply,
        <AdminLayout page={page} title={`Events imported: ${campaign.title}`}>
          <h1 safe>{`Events imported: ${campaign.title}`}</h1>
          <p role="status" safe>
            {`${created.length} ${created.length === 1 ? 'event was' : 'events were'} added and approved.${check.refused.length > 0 ? ` ${check.refused.length} ${check.refused.length === 1 ? 'row was' : 'rows were'} skipped: fix ${check.refused.length === 1 ? 'it' : 'them'} and import ${check.refused.length === 1 ? 'it' : 'them'} again.` : ''}`}
          </p>
          {check.refused.length > 0 ? <ImportReport campaign={campaign} check={{ accepted: [], refused: check.refused }} csv="" csrf={page.csrf} /> : ''}
          <p>
            <a href={base} safe>{`Back to ${campaign.title}`}</a>
          </p>
        </AdminLayout>,
      );
    });
  });
}
