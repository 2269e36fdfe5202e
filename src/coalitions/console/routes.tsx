import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ActionKind, Context, PartneredAction } from '../../context.ts';
import { AdminLayout, CsrfField, ErrorSummary, Input } from '../../kits/console/layout.tsx';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { partnersOfAction, partnershipsOf, removePartner, type ActionType } from '../repository.ts';
import { AmbiguousPartnerError, CoalitionError, findPartner, invitePartner, respondToPartnership, type Organization } from '../service.ts';
import { audit } from '../../accounts/service.ts';

type Body = Record<string, unknown>;

type CoalitionAction = PartneredAction;

/** The action types that can have partners: every capability's `actions`. */
function actionKinds(ctx: Context): Map<string, ActionKind> {
  return new Map(ctx.capabilities.flatMap((c) => c.actions ?? []).filter((kind) => kind.partners).map((kind) => [kind.type, kind]));
}

/**
 * Coalitions in the console. The sponsor invites partners and sees, per partner, how many
 * signatures came through the partner's link and how many signers shared with them: counts,
 * never personal data. A partner accepts or declines, and sees the shared total.
 */
export function coalitionRoutes(ctx: Context) {
  const db = ctx.database.db;
  return async function (app: FastifyInstance) {
    const kinds = actionKinds(ctx);
    const findAction = (type: ActionType, organizationId: string, id: string) => kinds.get(type)!.find(ctx, organizationId, id);
    const forgetPublic = (type: ActionType, slug: string) => kinds.get(type)?.forget(ctx, slug);
    /** The organization's partnerships, each with the sponsor's action as its capability describes it. */
    const partnershipsWithActions = async (partnerId: string) => {
      const rows = await partnershipsOf(db, partnerId);
      const described = new Map<string, CoalitionAction>();
      for (const [type, kind] of kinds) {
        const ids = rows.filter((r) => r.action_type === type).map((r) => r.action_id);
        if (ids.length > 0) for (const action of await kind.describe(ctx, ids)) described.set(`${type}:${action.id}`, action);
      }
      return rows.flatMap((r) => {
        const action = described.get(`${r.action_type}:${r.action_id}`);
        return action ? [{ ...r, slug: action.slug, title: action.title, total: action.total, path: action.publicPath }] : [];
      });
    };
    const partnersPage = async (type: ActionType, request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, opts: { error?: string; notice?: string; slug?: string; status?: number; choices?: Organization[]; more?: boolean } = {}) => {
      const org = request.organizer!.organization!;
      const action = await findAction(type, org.id, request.params.id);
      if (!action) return notFound(request, reply);
      const [partners, counts] = await Promise.all([partnersOfAction(db, org.id, type, action.id), kinds.get(type)!.counts(ctx, org.id, action.id)]);
      const page = adminPage(request, reply, opts.notice);
      const viaPartners = partners.reduce((n, p) => n + (counts.bySource.get(p.source_code) ?? 0), 0);
      return sendAdmin(
        reply,
        <AdminLayout page={page} title={`Partners: ${action.title}`}>
          <h1 safe>{`Partners: ${action.title}`}</h1>
          <p safe>{`${action.totalText}; ${viaPartners} came through partners' links.`}</p>
          {partners.length === 0 ? (
            <p>No partners yet.</p>
          ) : (
            <table>
              <caption>Each partner's link, and counts only: partners see their own supporters, the sponsor sees no one else's.</caption>
              <thead>
                <tr>
                  <th scope="col">Partner</th>
                  <th scope="col">Status</th>
                  <th scope="col">Their link</th>
                  <th scope="col" class="num">
                    Via their link
                  </th>
                  <th scope="col" class="num">
                    Shared with them
                  </th>
                  <th scope="col">
                    <span class="skip">Remove</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {partners.map((p) => (
                  <tr>
                    <th scope="row" data-label="Partner" safe>
                      {p.name}
                    </th>
                    <td data-label="Status">{p.status === 'invited' ? 'invited, no answer yet' : p.status}</td>
                    <td data-label="Their link" safe>{`${ctx.config.baseUrl}${action.publicPath}?source=${p.source_code}`}</td>
                    <td class="num" data-label="Via their link" safe>
                      {String(counts.bySource.get(p.source_code) ?? 0)}
                    </td>
                    <td class="num" data-label="Shared with them" safe>
                      {String(counts.sharedWith.get(p.partner_organization_id) ?? 0)}
                    </td>
                    <td data-label="">
                      <form method="post" action={`${kinds.get(type)!.consoleBase}/${action.id}/partners/${p.id}/remove`} class="inline">
                        <CsrfField token={page.csrf} />
                        <button type="submit" class="secondary" aria-label={`Remove ${p.name}`}>
                          Remove
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>Invite a partner organization</h2>
          <ErrorSummary errors={{ partner: opts.error }} />
          <form method="post" action={`${kinds.get(type)!.consoleBase}/${action.id}/partners`}>
            <CsrfField token={page.csrf} />
            {opts.choices?.length ? (
              <div class="field has-error">
                <fieldset aria-describedby="partner_id-error">
                  <legend>Which organization do you mean?</legend>
                  <span class="error-message" id="partner_id-error">
                    {opts.more ? 'More than ten organizations match: these are the first ten. Type more of the name to narrow it.' : 'Several organizations match the name you typed.'}
                  </span>
                  {opts.choices.map((o, i) => (
                    <div class="checkbox">
                      <input type="radio" id={i === 0 ? 'partner_id' : `partner_id-${o.id}`} name="partner_id" value={o.id} required />
                      <label for={i === 0 ? 'partner_id' : `partner_id-${o.id}`} safe>
                        {`${o.name} (${o.slug})`}
                      </label>
                    </div>
                  ))}
                </fieldset>
              </div>
            ) : (
              ''
            )}
            <Input name="partner" label="Partner organization" hint="Its name as it appears on turnout, or the short name in its address, like neighbours-for-privacy. Its owners are emailed the invitation." value={opts.slug} error={opts.choices?.length ? undefined : opts.error} required />
            <button type="submit">Invite</button>
          </form>
          <p>
            <a href={action.consolePath} safe>
              {`Back to the ${kinds.get(type)!.noun}`}
            </a>
          </p>
        </AdminLayout>,
        opts.status ?? 200,
      );
    };

    type Params = { Params: { id: string }; Body: Body };
    for (const type of [...kinds.keys()] as ActionType[]) {
      const base = `${kinds.get(type)!.consoleBase.replace(/^\/admin/, '')}/:id/partners`;
      app.get<Params & { Querystring: { invited?: string } }>(base, { config: { permission: 'manage_actions' } }, (request, reply) =>
        partnersPage(type, request, reply, request.query.invited ? { notice: 'The partner is invited. They accept from their console’s Partnerships page.' } : {}),
      );

      app.post<Params>(base, { config: { permission: 'manage_actions' } }, async (request, reply) => {
        const org = request.organizer!.organization!;
        const action = await findAction(type, org.id, request.params.id);
        if (!action) return notFound(request, reply);
        const slug = typeof request.body?.partner === 'string' ? request.body.partner.slice(0, 200) : '';
        const picked = typeof request.body?.partner_id === 'string' && /^[0-9a-f-]{36}$/i.test(request.body.partner_id) ? request.body.partner_id : undefined;
        try {
          const partner = await findPartner(db, org.id, slug, picked);
          const byUserId = request.organizer!.session.user_id;
          await ctx.committer.submit((uow) => invitePartner(uow, { sponsorId: org.id, action: { type, id: action.id, title: action.title }, partner, byUserId }));
          // Post-redirect-get, so reloading the page does not send the invitation again.
          return reply.redirect(`${kinds.get(type)!.consoleBase}/${action.id}/partners?invited=1`, 303);
        } catch (e) {
          if (e instanceof AmbiguousPartnerError) return partnersPage(type, request, reply, { error: e.message, slug, choices: e.choices, more: e.more, status: 422 });
          if (e instanceof CoalitionError) return partnersPage(type, request, reply, { error: e.message, slug, status: 422 });
          throw e;
        }
      });

      app.post<{ Params: { id: string; partnershipId: string } }>(`${base}/:partnershipId/remove`, { config: { permission: 'manage_actions' } }, async (request, reply) => {
        const org = request.organizer!.organization!;
        const action = await findAction(type, org.id, request.params.id);
        if (!action) return notFound(request, reply);
        const before = (await partnersOfAction(db, org.id, type, action.id)).find((p) => p.id === request.params.partnershipId);
        const removed = await removePartner(db, request.params.partnershipId, org.id);
        if (Number(removed.numDeletedRows) === 0) return notFound(request, reply);
        forgetPublic(type, action.slug);
        await audit(db, { organizationId: org.id, userId: request.organizer!.session.user_id, action: 'partner.removed', subject: action.id, details: { partner_id: before?.partner_organization_id ?? null } });
        return reply.redirect(`${kinds.get(type)!.consoleBase}/${action.id}/partners`, 303);
      });
    }

    app.get('/partnerships', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const partnerships = await partnershipsWithActions(org.id);
      const page = adminPage(request, reply);
      return sendAdmin(
        reply,
        <AdminLayout page={page} title="Partnerships">
          <h1>Partnerships</h1>
          <p>Actions other organizations sponsor with you as a partner. You get the supporters who choose to share with you; the total is shared.</p>
          {partnerships.length === 0 ? (
            <p>No partnerships yet.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Action</th>
                  <th scope="col">Sponsor</th>
                  <th scope="col" class="num">
                    Total
                  </th>
                  <th scope="col">Your link</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {partnerships.map((p) => (
                  <tr>
                    <th scope="row" data-label="Action">
                      <a href={p.path} safe>
                        {p.title}
                      </a>
                    </th>
                    <td data-label="Sponsor" safe>{p.sponsor_name}</td>
                    <td class="num" data-label="Total" safe>
                      {String(p.total)}
                    </td>
                    <td data-label="Your link" safe>{`${ctx.config.baseUrl}${p.path}?source=${p.source_code}`}</td>
                    <td data-label="Status">
                      {p.status === 'invited' ? (
                        <>
                          <form method="post" action={`/admin/partnerships/${p.id}/accept`} class="inline">
                            <CsrfField token={page.csrf} />
                            <button type="submit" class="secondary" aria-label={`Accept partnership on ${p.title}`}>
                              Accept
                            </button>
                          </form>{' '}
                          <form method="post" action={`/admin/partnerships/${p.id}/decline`} class="inline">
                            <CsrfField token={page.csrf} />
                            <button type="submit" class="secondary" aria-label={`Decline partnership on ${p.title}`}>
                              Decline
                            </button>
                          </form>
                        </>
                      ) : (
                        <span>{p.status}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </AdminLayout>,
      );
    });

    for (const answer of ['accept', 'decline'] as const) {
      app.post<{ Params: { id: string } }>(`/partnerships/:id/${answer}`, { config: { permission: 'manage_actions' } }, async (request, reply) => {
        const org = request.organizer!.organization!;
        const ok = await respondToPartnership(db, { partnershipId: request.params.id, partnerId: org.id, accept: answer === 'accept', byUserId: request.organizer!.session.user_id });
        if (!ok) return notFound(request, reply);
        const row = (await partnershipsWithActions(org.id)).find((p) => p.id === request.params.id);
        if (row) forgetPublic(row.action_type, row.slug);
        return reply.redirect('/admin/partnerships', 303);
      });
    }
  };
}

function notFound(request: FastifyRequest, reply: FastifyReply) {
  return sendAdmin(
    reply,
    <AdminLayout page={adminPage(request, reply)} title="Not found">
      <h1>Not found</h1>
      <p>There is nothing here in this organization. Check the address.</p>
    </AdminLayout>,
    404,
  );
}
