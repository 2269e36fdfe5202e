import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { AdminLayout, CsrfField, ErrorSummary, Input } from '../kits/console/layout.tsx';
import { adminPage, sendAdmin } from '../kits/console/page.tsx';
import { DataTable } from '../kits/console/table.tsx';
import { NotFoundPage } from '../kits/console/list-pages.tsx';
import { minute, number } from '../kits/console/format.ts';
import { audit } from '../accounts/service.ts';
import { addBlockedSender, blockListCache, listBlockedSenders, removeBlockedSender, type BlockedSender } from '../actions/block-list.ts';
import { actionClientKeyPeriodEnd } from '../kits/pages/client-key.ts';
import { isCleanText } from '../actions/people/normalize.ts';
import { newId, nowIso } from '../util/ids.ts';

type Body = Record<string, unknown>;

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;
const CLIENT_KEY = /^[A-Za-z0-9_-]{16}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOTICES: Record<string, string> = {
  added: 'Added. New actions from it are refused from now on.',
  exists: 'That is on the list already.',
  removed: 'Removed from the list. Actions from it are taken again.',
};

const KIND_LABEL = { email_domain: 'Email domain', client_key: 'Client key' } as const;

/** The organization's block lists: email domains and client keys every public form refuses (src/actions/block-list.ts). */
export function blocksRoutes(ctx: Context) {
  const db = ctx.database.db;
  return async function (app: FastifyInstance) {
    const render = async (request: FastifyRequest, reply: FastifyReply, o: { errors?: Record<string, string | undefined>; values?: Record<string, string>; notice?: string } = {}) => {
      const org = request.organizer!.organization!;
      const rows = await listBlockedSenders(db, org.id);
      const page = adminPage(request, reply, o.notice);
      const errors = o.errors ?? {};
      const v = o.values ?? {};
      const now = nowIso();
      return sendAdmin(
        reply,
        <AdminLayout page={page} title="Block lists">
          <h1>Block lists</h1>
          <p>
            New signatures and RSVPs from these email domains and client keys are refused, on every public form of this organization, with a neutral
            message that does not say why. Each refusal is counted. What was taken before stays; to take it out of a petition's count, invalidate
            those signatures from the petition's page.
          </p>
          <DataTable<BlockedSender>
            caption="Blocked"
            empty="Nothing is blocked."
            rows={rows}
            columns={[
              { label: 'Blocked', head: true, text: (r) => r.value },
              { label: 'Kind', text: (r) => KIND_LABEL[r.kind] },
              { label: 'Note', text: (r) => r.note },
              { label: 'Refused', num: true, text: (r) => number(r.refusals) },
              { label: 'Since (UTC)', text: (r) => minute(r.created_at) },
              { label: 'Until (UTC)', text: (r) => (r.expires_at === null ? 'until removed' : r.expires_at > now ? minute(r.expires_at) : `lapsed ${minute(r.expires_at)}`) },
              {
                label: <span class="skip">Remove</span>,
                cell: (r) => (
                  <form method="post" action={`/admin/blocks/${r.id}/remove`} class="inline">
                    <CsrfField token={page.csrf} />
                    <button type="submit" class="secondary" aria-label={`Remove ${r.value}`}>
                      Remove
                    </button>
                  </form>
                ),
              },
            ]}
          />
          <h2>Block</h2>
          <ErrorSummary errors={errors} />
          <form method="post" action="/admin/blocks" novalidate>
            <CsrfField token={page.csrf} />
            <div class="field">
              <label for="kind">What to block</label>
              <select id="kind" name="kind">
                <option value="email_domain" selected={v.kind !== 'client_key'}>
                  An email domain (and its subdomains)
                </option>
                <option value="client_key" selected={v.kind === 'client_key'}>
                  A client key
                </option>
              </select>
            </div>
            <Input
              name="value"
              label="Domain or client key"
              value={v.value}
              error={errors.value}
              hint={`Like spam.example. A client key is 16 characters, as a petition's invalidation page lists them; keys change every 30 days, so a key's block lapses with it (the current keys change on ${minute(actionClientKeyPeriodEnd().toISOString())} UTC).`}
            />
            <Input name="note" label="Note (optional)" value={v.note} error={errors.note} hint="Why, for the others on your team. Supporters never see it." />
            <button type="submit">Block</button>
          </form>
        </AdminLayout>,
        Object.values(errors).some(Boolean) ? 422 : 200,
      );
    };

    app.get<{ Querystring: Record<string, unknown> }>('/blocks', { config: { permission: 'manage_actions' } }, async (request, reply) =>
      render(request, reply, { notice: typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined }),
    );

    app.post<{ Body: Body }>('/blocks', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const organizer = request.organizer!;
      const org = organizer.organization!;
      const body = request.body ?? {};
      const kind = body.kind === 'client_key' ? 'client_key' : 'email_domain';
      const raw = typeof body.value === 'string' ? body.value.trim() : '';
      const note = typeof body.note === 'string' ? body.note.trim() : '';
      const value = kind === 'email_domain' ? raw.toLowerCase().replace(/^@/, '') : raw;
      const errors: Record<string, string | undefined> = {};
      if (!value) errors.value = kind === 'email_domain' ? 'Enter an email domain, like spam.example' : 'Enter a client key';
      else if (kind === 'email_domain' && !DOMAIN.test(value)) errors.value = 'Enter a domain like spam.example: letters, digits, hyphens and dots, no @ or spaces';
      else if (kind === 'client_key' && !CLIENT_KEY.test(value)) errors.value = 'A client key is 16 letters, digits, - or _, as the invalidation page lists them';
      if (note.length > 200) errors.note = `The note must be 200 characters or fewer (it has ${note.length})`;
      else if (note && !isCleanText(note, false)) errors.note = 'The note must be one line, without control characters';
      if (Object.values(errors).some(Boolean)) return render(request, reply, { errors, values: { kind, value: raw, note } });
      const now = new Date();
      const added = await addBlockedSender(db, {
        id: newId(),
        organization_id: org.id,
        kind,
        value,
        note,
        refusals: 0,
        created_by: organizer.session.user_id,
        created_at: now.toISOString(),
        expires_at: kind === 'client_key' ? actionClientKeyPeriodEnd(now.getTime()).toISOString() : null,
      });
      if (added) {
        await audit(db, { organizationId: org.id, userId: organizer.session.user_id, action: 'block.added', details: { kind, value, note } });
        blockListCache(ctx).forget(org.id);
      }
      return reply.redirect(`/admin/blocks?notice=${added ? 'added' : 'exists'}`, 303);
    });

    app.post<{ Params: { id: string } }>('/blocks/:id/remove', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const organizer = request.organizer!;
      const org = organizer.organization!;
      const removed = UUID.test(request.params.id) ? await removeBlockedSender(db, org.id, request.params.id.toLowerCase()) : undefined;
      // Another organization's entry is missing, like a wrong id.
      if (!removed) {
        return sendAdmin(
          reply,
          <NotFoundPage page={adminPage(request, reply)} title="Not on the list" body="There is no such entry in this organization's block lists." back={{ href: '/admin/blocks', label: 'Go to the block lists' }} />,
          404,
        );
      }
      {
        await audit(db, {
          organizationId: org.id,
          userId: organizer.session.user_id,
          action: 'block.removed',
          details: { kind: removed.kind, value: removed.value, refusals: removed.refusals },
        });
        blockListCache(ctx).forget(org.id);
      }
      return reply.redirect('/admin/blocks?notice=removed', 303);
    });
  };
}
