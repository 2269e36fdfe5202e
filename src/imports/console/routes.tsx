import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart, { type Multipart } from '@fastify/multipart';
import type { Context } from '../../context.ts';
import type { Import } from '../tables.ts';
import { AdminLayout, CsrfField, ErrorSummary } from '../../kits/console/layout.tsx';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { countDuplicates, deleteWaitingImport, duplicatesOf, findImport, importsOf, rejectionsOf } from '../repository.ts';
import { FileTooLargeError, ImportStateError, receiveUpload, REJECTIONS_KEPT, startImport } from '../service.ts';
import { guessMapping, ImportFileError, isField, MAX_FILE_BYTES, mappingProblem, tagProblem, type Field } from '../parse.ts';
import { csvText } from '../../util/csv.ts';
import { ImportsTable, MappingForm, number, Report, STATUS_LABELS, when, type Errors } from './import-page-parts.tsx';
import { counted } from '../../kits/console/format.ts';

type Body = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// The multipart parts still to be read, after the CSRF field read before the console's checks.
const pendingParts = new WeakMap<FastifyRequest, AsyncIterableIterator<Multipart>>();

/**
 * Reads the upload form's first part, the `_csrf` field, into the body before the console's
 * preHandler checks it; the file stays unread until the request is allowed. A form whose first
 * part is not that field fails the check.
 */
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

/** The console's CSV import of people: upload, preview and mapping, progress, report. */
export function importsRoutes(ctx: Context) {
  const db = ctx.database.db;
  /** The rows noted as repeating a person, with the line they repeat and the email they share (from the mapped email column). */
  const duplicatesRead = async (imp: Import) => {
    const [rows, count] = await Promise.all([duplicatesOf(db, imp.organization_id, imp.id, 50), countDuplicates(db, imp.id)]);
    const emailAt = (JSON.parse(imp.mapping ?? '[]') as string[]).indexOf('email');
    return {
      count,
      rows: rows.map((r) => ({ line: r.line, firstLine: Number(/line (\d+)/.exec(r.reason)?.[1] ?? 0), email: ((JSON.parse(r.cells) as string[])[emailAt] ?? '').trim() })),
    };
  };
  return async function (app: FastifyInstance) {
    // Multipart only here: one file, a few fields. One byte over the limit is read so the service can tell.
    await app.register(multipart, { limits: { fileSize: MAX_FILE_BYTES + 1, files: 1, fields: 4, parts: 6, fieldSize: 1024 } });

    const listPage = async (request: FastifyRequest, reply: FastifyReply, opts: { errors?: Errors; status?: number } = {}) => {
      const org = request.organizer!.organization!;
      const page = adminPage(request, reply);
      const imports = await importsOf(db, org.id);
      return sendAdmin(
        reply,
        <AdminLayout page={page} title="Import people">
          <h1>Import people</h1>
          <ErrorSummary errors={opts.errors ?? {}} />
          <form method="post" action="/admin/imports" enctype="multipart/form-data">
            <CsrfField token={page.csrf} />
            <div class={opts.errors?.file ? 'field has-error' : 'field'}>
              <label for="file">CSV file</label>
              <span class="hint" id="file-hint">
                Up to 50 MB of UTF-8 text, with the column names on the first row. An export from Action Network works as it is. You choose what each column is on
                the next page; nothing is imported before that.
              </span>
              {opts.errors?.file ? (
                <span class="error-message" id="file-error" safe>
                  {opts.errors.file}
                </span>
              ) : (
                ''
              )}
              <input
                type="file"
                id="file"
                name="file"
                accept=".csv,text/csv"
                required
                aria-describedby={opts.errors?.file ? 'file-hint file-error' : 'file-hint'}
                aria-invalid={opts.errors?.file ? 'true' : undefined}
              />
            </div>
            <button type="submit">Upload and preview</button>
          </form>
          <h2>Past imports</h2>
          <ImportsTable imports={imports} />
        </AdminLayout>,
        opts.status ?? 200,
      );
    };

    const notFound = (request: FastifyRequest, reply: FastifyReply) =>
      sendAdmin(
        reply,
        <AdminLayout page={adminPage(request, reply)} title="Import not found">
          <h1>Import not found</h1>
          <p>
            There is no such import in this organization. <a href="/admin/imports">See the imports</a>.
          </p>
        </AdminLayout>,
        404,
      );

    const importPage = async (
      request: FastifyRequest,
      reply: FastifyReply,
      imp: Import,
      opts: { errors?: Errors; mapping?: Field[]; tag?: string; subscribe?: boolean; status?: number } = {},
    ) => {
      const page = adminPage(request, reply);
      const active = imp.status === 'queued' || imp.status === 'running';
      // Refreshes itself while the import runs (the Refresh header: no script, nothing added to the page's head).
      if (active) reply.header('refresh', '2');
      const finished = imp.status === 'done' || imp.status === 'failed';
      const rejections = finished ? await rejectionsOf(db, imp.organization_id, imp.id, 20) : [];
      const duplicates = finished ? await duplicatesRead(imp) : { rows: [], count: 0 };
      return sendAdmin(
        reply,
        <AdminLayout page={page} title={`Import: ${imp.file_name}`}>
          <p>
            <a href="/admin/imports">All imports</a>
          </p>
          <h1 safe>{`Import: ${imp.file_name}`}</h1>
          <p safe>{`Uploaded ${when(imp.created_at)}; ${counted(imp.total_rows, 'row')} after the header; ${STATUS_LABELS[imp.status]}.`}</p>
          {imp.status === 'mapping' ? (
            <MappingForm
              imp={imp}
              csrf={page.csrf}
              mapping={opts.mapping ?? guessMapping(JSON.parse(imp.columns) as string[])}
              tag={opts.tag ?? ''}
              subscribe={opts.subscribe ?? false}
              errors={opts.errors ?? {}}
            />
          ) : (
            ''
          )}
          {imp.status !== 'mapping' ? (
            <div role="status">
              <label for="progress" safe>
                {`${number(imp.rows_done)} of ${number(imp.total_rows)} rows done`}
              </label>
              <progress id="progress" max={String(imp.total_rows)} value={String(imp.rows_done)} safe>
                {`${number(imp.rows_done)} of ${number(imp.total_rows)}`}
              </progress>
              {active ? (
                <p safe>{`So far: ${number(imp.added)} added, ${number(imp.merged)} merged, ${number(imp.rejected)} rejected. This page refreshes itself every 2 seconds.`}</p>
              ) : (
                ''
              )}
            </div>
          ) : (
            ''
          )}
          {imp.status === 'failed' ? (
            <p class="error-message" safe>
              {imp.error ?? 'The import failed.'}
            </p>
          ) : (
            ''
          )}
          {imp.status === 'done' || imp.status === 'failed' ? <Report imp={imp} rejections={rejections} duplicates={duplicates.rows} duplicateCount={duplicates.count} /> : ''}
        </AdminLayout>,
        opts.status ?? 200,
      );
    };

    const load = (request: FastifyRequest<{ Params: { id: string } }>) =>
      UUID.test(request.params.id) ? findImport(db, request.organizer!.organization!.id, request.params.id) : Promise.resolve(undefined);

    app.get('/imports', { config: { permission: 'import_people' } }, async (request, reply) => listPage(request, reply));

    app.post('/imports', { config: { permission: 'import_people' }, preValidation: readCsrfField }, async (request, reply) => {
      const organizer = request.organizer!;
      const parts = pendingParts.get(request);
      let id: string | undefined;
      try {
        for await (const part of parts ?? []) {
          if (part.type !== 'file') continue;
          if (part.fieldname !== 'file' || id || !part.filename) {
            part.file.resume();
            continue;
          }
          id = await receiveUpload(
            { db, dataDir: ctx.config.dataDir },
            { stream: part.file, fileName: part.filename, organizationId: organizer.organization!.id, userId: organizer.session.user_id, truncated: () => part.file.truncated },
          );
        }
      } catch (e) {
        if (e instanceof ImportFileError) return listPage(request, reply, { errors: { file: e.message }, status: e instanceof FileTooLargeError ? 413 : 422 });
        const code = (e as { code?: string }).code;
        if (code === 'FST_REQ_FILE_TOO_LARGE') {
          return listPage(request, reply, { errors: { file: `This file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB, the most turnout imports at once. Split it into smaller files and import each.` }, status: 413 });
        }
        if (code?.startsWith('FST_')) return listPage(request, reply, { errors: { file: 'The upload did not arrive whole. Choose the file and upload it again.' }, status: 400 });
        throw e;
      }
      if (!id) return listPage(request, reply, { errors: { file: 'Choose a CSV file to upload.' }, status: 422 });
      return reply.redirect(`/admin/imports/${id}`, 303);
    });

    app.get<{ Params: { id: string } }>('/imports/:id', { config: { permission: 'import_people' } }, async (request, reply) => {
      const imp = await load(request);
      return imp ? importPage(request, reply, imp) : notFound(request, reply);
    });

    app.post<{ Params: { id: string }; Body: Body }>('/imports/:id/start', { config: { permission: 'import_people' } }, async (request, reply) => {
      const imp = await load(request);
      if (!imp) return notFound(request, reply);
      if (imp.status !== 'mapping') return reply.redirect(`/admin/imports/${imp.id}`, 303);
      const body = request.body ?? {};
      const header = JSON.parse(imp.columns) as string[];
      const mapping = header.map((_, i) => {
        const value = body[`column_${i}`];
        return isField(value) ? value : 'ignore';
      });
      const tag = typeof body.tag === 'string' ? body.tag.trim() : '';
      const subscribe = body.subscribe === 'yes';
      const errors: Errors = { mapping: mappingProblem(mapping) ?? undefined, tag: tag ? (tagProblem(tag) ?? undefined) : undefined };
      if (errors.mapping || errors.tag) return importPage(request, reply, imp, { errors, mapping, tag, subscribe, status: 422 });
      try {
        await ctx.committer.submit((uow) =>
          startImport(uow, { organizationId: imp.organization_id, importId: imp.id, mapping, tag: tag || null, subscribe }),
        );
      } catch (e) {
        if (!(e instanceof ImportStateError)) throw e;
      }
      return reply.redirect(`/admin/imports/${imp.id}`, 303);
    });

    app.post<{ Params: { id: string } }>('/imports/:id/discard', { config: { permission: 'import_people' } }, async (request, reply) => {
      const imp = await load(request);
      if (!imp) return notFound(request, reply);
      // The file goes with the import (its pieces are deleted by the foreign key's cascade).
      await deleteWaitingImport(db, imp.organization_id, imp.id);
      return reply.redirect('/admin/imports', 303);
    });

    app.get<{ Params: { id: string } }>('/imports/:id/rejected.csv', { config: { permission: 'import_people' } }, async (request, reply) => {
      const imp = await load(request);
      if (!imp) return notFound(request, reply);
      const rejections = await rejectionsOf(db, imp.organization_id, imp.id, REJECTIONS_KEPT);
      const header = JSON.parse(imp.columns) as string[];
      const csv = csvText(
        rejections.map((r) => [String(r.line), r.reason, ...(JSON.parse(r.cells) as string[])]),
        ['line', 'reason', ...header],
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="import-${imp.created_at.slice(0, 10)}-rejected.csv"`)
        .header('cache-control', 'no-store')
        .send(csv);
    });
  };
}
