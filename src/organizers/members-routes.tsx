import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import type { Role } from '../db/schema.ts';
import { AdminLayout, CsrfField, ErrorSummary, Input } from '../kits/console/layout.tsx';
import { adminPage, sendAdmin } from '../kits/console/page.tsx';
import * as accounts from '../accounts/service.ts';
import { countOwners, membersOf, removeMembership } from '../accounts/repository.ts';
import { canGrant, isRole, ROLES } from '../accounts/policy.ts';
import { JOB_INVITATION } from '../accounts/jobs.ts';
import { normalizeEmail, isValidEmail } from '../actions/people/normalize.ts';

type Body = Record<string, unknown>;

const ROLE_HELP: Record<Role, string> = {
  owner: 'everything, including settings, the audit log and other owners',
  admin: 'actions, people, members (not owners)',
  organizer: 'creates and edits actions, sees people',
  viewer: 'counts and reports only',
};

/** Members and roles (the audit log is audit-routes.tsx, the organization's settings settings-routes.tsx). */
export function membersRoutes(ctx: Context) {
  const db = ctx.database.db;
  return async function (app: FastifyInstance) {
    const render = async (request: FastifyRequest, reply: FastifyReply, opts: { errors?: Record<string, string | undefined>; email?: string; notice?: string; status?: number } = {}) => {
      const org = request.organizer!.organization!;
      const members = await membersOf(db, org.id);
      const page = adminPage(request, reply, opts.notice);
      return sendAdmin(
        reply,
        <AdminLayout page={page} title="Members">
          <h1>Members</h1>
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Email</th>
                <th>Two-factor</th>
                <th>Role</th>
                <th>
                  <span class="skip">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr>
                  <td safe>{m.name}</td>
                  <td safe>{m.email}</td>
                  <td>{m.totp_enabled_at ? 'on' : 'off'}</td>
                  <td>
                    <form method="post" action={`/admin/members/${m.id}/role`} class="inline">
                      <CsrfField token={page.csrf} />
                      <label for={`role-${m.id}`} class="skip" safe>{`Role of ${m.name}`}</label>
                      <select id={`role-${m.id}`} name="role">
                        {ROLES.map((r) => (
                          <option value={r} selected={r === m.role}>
                            {r}
                          </option>
                        ))}
                      </select>
                      <button type="submit" class="secondary">
                        Change
                      </button>
                    </form>
                  </td>
                  <td>
                    <form method="post" action={`/admin/members/${m.id}/remove`} class="inline">
                      <CsrfField token={page.csrf} />
                      <button type="submit" class="secondary" aria-label={`Remove ${m.name}`}>
                        Remove
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Invite someone</h2>
          <ErrorSummary errors={opts.errors ?? {}} />
          <form method="post" action="/admin/members/invite">
            <CsrfField token={page.csrf} />
            <Input name="email" label="Email" type="email" value={opts.email} error={opts.errors?.email} required />
            <div class="field">
              <label for="role">Role</label>
              <select id="role" name="role">
                {ROLES.filter((r) => canGrant(org.role, r)).map((r) => (
                  <option value={r} selected={r === 'organizer'} safe>
                    {`${r}: ${ROLE_HELP[r]}`}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">Send invitation</button>
          </form>
        </AdminLayout>,
        opts.status ?? 200,
      );
    };

    app.get('/members', { config: { permission: 'manage_members' } }, async (request, reply) => render(request, reply));

    app.post<{ Body: Body }>('/members/invite', { config: { permission: 'manage_members' } }, async (request, reply) => {
      const organizer = request.organizer!;
      const org = organizer.organization!;
      const email = normalizeEmail(typeof request.body?.email === 'string' ? request.body.email.slice(0, 254) : '');
      const role = request.body?.role;
      if (!isValidEmail(email)) return render(request, reply, { errors: { email: 'Enter an email address in the right format, like name@example.org' }, email, status: 422 });
      if (!isRole(role) || !canGrant(org.role, role)) return render(request, reply, { errors: { role: 'Choose a role you are allowed to give' }, email, status: 422 });
      const link = await accounts.createAccountLink(db, ctx.config.secretKey, { kind: 'invitation', email, organizationId: org.id, role, createdBy: organizer.session.user_id });
      await ctx.committer.submit(async (uow) => {
        uow.enqueue(JOB_INVITATION, { linkId: link.id });
      });
      await accounts.audit(db, { organizationId: org.id, userId: organizer.session.user_id, action: 'member.invited', subject: email, details: { role } });
      return render(request, reply, { notice: `Invitation sent to ${email}.` });
    });

    app.post<{ Params: { userId: string }; Body: Body }>('/members/:userId/role', { config: { permission: 'manage_members' } }, async (request, reply) => {
      const organizer = request.organizer!;
      const org = organizer.organization!;
      const role = request.body?.role;
      const member = (await membersOf(db, org.id)).find((m) => m.id === request.params.userId);
      if (!member) return render(request, reply, { notice: 'No such member in this organization.', status: 404 });
      if (!isRole(role) || !canGrant(org.role, role) || !canGrant(org.role, member.role)) {
        return render(request, reply, { notice: 'You cannot give or take away that role.', status: 403 });
      }
      if (member.role === 'owner' && role !== 'owner' && (await countOwners(db, org.id)) === 1) {
        return render(request, reply, { notice: 'An organization needs at least one owner: make someone else owner first.', status: 409 });
      }
      await accounts.grantRole(db, { userId: member.id, organizationId: org.id, role, byUserId: organizer.session.user_id });
      return render(request, reply, { notice: `${member.name} is now ${role}.` });
    });

    app.post<{ Params: { userId: string } }>('/members/:userId/remove', { config: { permission: 'manage_members' } }, async (request, reply) => {
      const organizer = request.organizer!;
      const org = organizer.organization!;
      const member = (await membersOf(db, org.id)).find((m) => m.id === request.params.userId);
      if (!member) return render(request, reply, { notice: 'No such member in this organization.', status: 404 });
      if (!canGrant(org.role, member.role)) return render(request, reply, { notice: 'Only an owner can remove an owner.', status: 403 });
      if (member.role === 'owner' && (await countOwners(db, org.id)) === 1) {
        return render(request, reply, { notice: 'An organization needs at least one owner.', status: 409 });
      }
      await removeMembership(db, member.id, org.id);
      await accounts.audit(db, { organizationId: org.id, userId: organizer.session.user_id, action: 'member.removed', subject: member.id, details: { email: member.email } });
      return render(request, reply, { notice: `${member.name} no longer belongs to ${org.name}.` });
    });
  };
}
