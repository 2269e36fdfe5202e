import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import { AdminLayout, CsrfField, ErrorSummary, Input } from '../../kits/console/layout.tsx';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { DataTable } from '../../kits/console/table.tsx';
import { NotFoundPage } from '../../kits/console/list-pages.tsx';
import { minute } from '../../kits/console/format.ts';
import { audit } from '../../accounts/service.ts';
import { isCleanText } from '../../actions/people/normalize.ts';
import { newId, nowIso } from '../../util/ids.ts';
import { petitionsOf } from '../../petitions/index.ts';
import { eventQueries } from '../../events/index.ts';
import { fundraisingPagesOf } from '../../donations/index.ts';
import { formsOf } from '../../forms/index.ts';
import { addOrigin, listOrigins, removeOrigin } from '../repository.ts';
import { allowsLocalHttp, originCache, OriginError, parseOrigin } from '../origins.ts';
import type { EmbedOrigin } from '../tables.ts';
import { snippetsFor, type SnippetType } from '../snippets.ts';

type Body = Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOTICES: Record<string, string> = {
  added: 'Added. Pages on that site can now embed this organization’s actions.',
  exists: 'That origin is on the list already.',
  removed: 'Removed. Embeds on that site stop working within a few seconds.',
};
const SEGMENTS: Record<string, SnippetType> = { petitions: 'petition', events: 'event', forms: 'form', fundraising: 'fundraising' };

interface EmbeddableAction {
  type: SnippetType;
  slug: string;
  title: string;
  status: string;
}

/** The organization's actions that can be embedded, newest first per type. */
async function embeddableActions(ctx: Context, organizationId: string): Promise<EmbeddableAction[]> {
  const db = ctx.database.db;
  const mounted = new Set(ctx.capabilities.map((c) => c.name));
  const [petitions, events, pages, forms] = await Promise.all([
    petitionsOf(db, organizationId),
    eventQueries.eventsOf(db, organizationId),
    mounted.has('donations') ? fundraisingPagesOf(db, organizationId) : [],
    // Forms are embedded once their capability is mounted (src/app/capabilities.ts).
    mounted.has('forms') ? formsOf(db, organizationId) : [],
  ]);
  return [
    ...petitions.map((p) => ({ type: 'petition' as const, slug: p.slug, title: p.title, status: p.status })),
    ...events.map((e) => ({ type: 'event' as const, slug: e.slug, title: e.title, status: e.status })),
    ...forms.map((f) => ({ type: 'form' as const, slug: f.slug, title: f.title, status: f.status })),
    ...pages.map((f) => ({ type: 'fundraising' as const, slug: f.slug, title: f.title, status: f.status })),
  ];
}

const TYPE_LABEL = { petition: 'Petition', event: 'Event', form: 'Form', fundraising: 'Fundraising page' } as const;
const SEGMENT_OF = { petition: 'petitions', event: 'events', form: 'forms', fundraising: 'fundraising' } as const;

/** /admin/embeds: the origins allowed to embed, and every action's snippets. */
export function embedsConsoleRoutes(ctx: Context) {
  const db = ctx.database.db;
  return async function (app: FastifyInstance) {
    const render = async (request: FastifyRequest, reply: FastifyReply, o: { error?: string; values?: Record<string, string>; notice?: string } = {}) => {
      const org = request.organizer!.organization!;
      const [origins, actions] = await Promise.all([listOrigins(db, org.id), embeddableActions(ctx, org.id)]);
      const page = adminPage(request, reply, o.notice);
      const v = o.values ?? {};
      const errors = { origin: o.error };
      const http = allowsLocalHttp(ctx);
      return sendAdmin(
        reply,
        <AdminLayout page={page} title="Embeds">
          <h1>Embeds</h1>
          <p>
            Put a petition, an event’s RSVP, a form or a link to a fundraising page on your own site. The embedded forms post to turnout, through the same checks as the
            action’s own page, and work only on the sites listed here: any other site is refused, and no other turnout page can be framed.
          </p>
          <h2>Sites allowed to embed</h2>
          <DataTable<EmbedOrigin>
            caption="Allowed origins"
            empty="No site is listed yet: embedded forms work nowhere until you add one."
            rows={origins}
            columns={[
              { label: 'Origin', head: true, text: (r) => r.origin },
              { label: 'Note', text: (r) => r.note },
              { label: 'Since (UTC)', text: (r) => minute(r.created_at) },
              {
                label: <span class="skip">Remove</span>,
                cell: (r) => (
                  <form method="post" action={`/admin/embeds/origins/${r.id}/remove`} class="inline">
                    <CsrfField token={page.csrf} />
                    <button type="submit" class="secondary" aria-label={`Remove ${r.origin}`}>
                      Remove
                    </button>
                  </form>
                ),
              },
            ]}
          />
          <h3>Add a site</h3>
          <ErrorSummary errors={errors} />
          <form method="post" action="/admin/embeds/origins" novalidate>
            <CsrfField token={page.csrf} />
            <Input
              name="origin"
              label="Origin"
              value={v.origin}
              error={errors.origin}
              hint={`The site’s address up to the host (and port): https://www.example.org. Each subdomain is its own origin.${http ? ' While turnout runs on http, http://localhost and http://127.0.0.1 origins are taken too, for development.' : ''}`}
            />
            <Input name="note" label="Note (optional)" value={v.note} hint="Which site this is, for the others on your team." />
            <button type="submit">Add</button>
          </form>
          <h2>Snippets</h2>
          <DataTable<EmbeddableAction>
            caption="Actions"
            empty="No actions yet."
            rows={actions}
            columns={[
              { label: 'Action', head: true, text: (a) => a.title, href: (a) => `/admin/embeds/${SEGMENT_OF[a.type]}/${encodeURIComponent(a.slug)}` },
              { label: 'Type', text: (a) => TYPE_LABEL[a.type] },
              { label: 'Status', text: (a) => a.status },
            ]}
          />
        </AdminLayout>,
        o.error ? 422 : 200,
      );
    };

    app.get<{ Querystring: Record<string, unknown> }>('/embeds', { config: { permission: 'manage_actions' } }, async (request, reply) =>
      render(request, reply, { notice: typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined }),
    );

    app.post<{ Body: Body }>('/embeds/origins', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const organizer = request.organizer!;
      const org = organizer.organization!;
      const body = request.body ?? {};
      const raw = typeof body.origin === 'string' ? body.origin : '';
      const note = typeof body.note === 'string' ? body.note.trim() : '';
      let origin: string;
      try {
        origin = parseOrigin(raw, allowsLocalHttp(ctx));
        if (note.length > 200) throw new OriginError(`The note must be 200 characters or fewer (it has ${note.length})`);
        if (note && !isCleanText(note, false)) throw new OriginError('The note must be one line, without control characters');
      } catch (error) {
        if (!(error instanceof OriginError)) throw error;
        return render(request, reply, { error: error.message, values: { origin: raw.slice(0, 300), note: note.slice(0, 300) } });
      }
      const added = await db.transaction().execute(async (trx) => {
        const row = { id: newId(), organization_id: org.id, origin, note, created_by: organizer.session.user_id, created_at: nowIso() };
        const inserted = await addOrigin(trx, row);
        if (inserted) await audit(trx, { organizationId: org.id, userId: organizer.session.user_id, action: 'embed_origin.added', details: { origin } });
        return inserted;
      });
      originCache(ctx).forget(org.id);
      return reply.redirect(`/admin/embeds?notice=${added ? 'added' : 'exists'}`, 303);
    });

    app.post<{ Params: { id: string } }>('/embeds/origins/:id/remove', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const organizer = request.organizer!;
      const org = organizer.organization!;
      const removed = UUID.test(request.params.id)
        ? await db.transaction().execute(async (trx) => {
            const row = await removeOrigin(trx, org.id, request.params.id.toLowerCase());
            if (row) await audit(trx, { organizationId: org.id, userId: organizer.session.user_id, action: 'embed_origin.removed', details: { origin: row.origin } });
            return row;
          })
        : undefined;
      if (!removed) {
        return sendAdmin(
          reply,
          <NotFoundPage page={adminPage(request, reply)} title="Not on the list" body="This organization lists no such origin." back={{ href: '/admin/embeds', label: 'Go to embeds' }} />,
          404,
        );
      }
      originCache(ctx).forget(org.id);
      return reply.redirect('/admin/embeds?notice=removed', 303);
    });

    app.get<{ Params: { segment: string; slug: string } }>('/embeds/:segment/:slug', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const type = SEGMENTS[request.params.segment];
      const action = type ? (await embeddableActions(ctx, org.id)).find((a) => a.type === type && a.slug === request.params.slug) : undefined;
      const page = adminPage(request, reply);
      if (!action) {
        return sendAdmin(reply, <NotFoundPage page={page} title="No such action" body="This organization has no such action." back={{ href: '/admin/embeds', label: 'Go to embeds' }} />, 404);
      }
      const origins = await listOrigins(db, org.id);
      const snippets = snippetsFor(ctx.config.baseUrl, type!, action.slug, action.title);
      return sendAdmin(
        reply,
        <AdminLayout page={page} title={`Embed: ${action.title}`}>
          <h1 safe>{`Embed: ${action.title}`}</h1>
          <p>
            <a href="/admin/embeds">All embeds and allowed sites</a>
          </p>
          {origins.length === 0 && type !== 'fundraising' ? (
            <p class="notice">No site is allowed to embed yet: the forms below show only their link until you add your site’s origin on the embeds page.</p>
          ) : (
            ''
          )}
          <>
          {snippets.map((s, i) => (
            <div class="field">
              <label for={`snippet-${i}`} safe>
                {s.label}
              </label>
              <span class="hint" id={`snippet-${i}-hint`} safe>
                {s.hint}
              </span>
              <textarea id={`snippet-${i}`} rows={String(s.code.split('\n').length + 1)} readonly aria-describedby={`snippet-${i}-hint`} safe>
                {s.code}
              </textarea>
            </div>
          ))}
          </>
        </AdminLayout>,
      );
    });
  };
}
