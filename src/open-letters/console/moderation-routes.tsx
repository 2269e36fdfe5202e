import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import { can } from '../../accounts/policy.ts';
import { audit } from '../../accounts/service.ts';
import { nowIso } from '../../util/ids.ts';
import { isCleanText } from '../../actions/people/normalize.ts';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { AdminLayout, CsrfField } from '../../kits/console/layout.tsx';
import { DataTable } from '../../kits/console/table.tsx';
import { minute } from '../../kits/console/format.ts';
import { letterCache } from '../public-cache.ts';
import * as repo from '../repository.ts';
import { mergeSignatures, ModerationError, moderateSignature, placeSignature, trustOrganization, type Decision } from '../service.ts';
import { findFor, letterNotFound, showLetter, UUID } from './routes.tsx';

type Body = Record<string, unknown>;
type SignatureParams = { Params: { id: string; signatureId: string }; Body: Body };
const DECISIONS: Decision[] = ['approved', 'rejected', 'pending'];

/** Moderation of a letter's organizations: approve or reject with a reason, merge duplicates, place in groups, trust; and the trusted list. */
export function openLetterModerationRoutes(ctx: Context) {
  const db = ctx.database.db;
  const auditAs = (request: FastifyRequest, action: string, subject: string, details: Record<string, unknown>) =>
    audit(db, { organizationId: request.organizer!.organization!.id, userId: request.organizer!.session.user_id, action, subject, details });
  const signatureId = (request: FastifyRequest<SignatureParams>) => (UUID.test(request.params.signatureId) ? request.params.signatureId.toLowerCase() : null);
  const done = (letterId: string, notice: string) => `/admin/open_letters/${letterId}?notice=${notice}`;

  return async function (app: FastifyInstance) {
    app.post<SignatureParams>('/open_letters/:id/signatures/:signatureId/moderate', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const letter = await findFor(ctx, request);
      const id = signatureId(request);
      if (!letter || !id) return letterNotFound(request, reply);
      const decision = request.body?.decision as Decision;
      const reason = typeof request.body?.reason === 'string' ? request.body.reason.trim().slice(0, 500) : '';
      if (!DECISIONS.includes(decision) || (reason && !isCleanText(reason))) return showLetter(ctx, request, reply, letter, { notice: 'Choose to approve or reject, and give the reason on one line.' });
      try {
        const before = await moderateSignature(db, letter, id, decision, reason || null, nowIso());
        await auditAs(request, 'open_letter.moderated', letter.id, { signature: id, organization: before.org_name, from: before.status, to: decision, reason: reason || null });
      } catch (error) {
        if (error instanceof ModerationError) return showLetter(ctx, request, reply, letter, { notice: error.message });
        throw error;
      }
      letterCache(ctx).forget(letter.slug);
      return reply.redirect(done(letter.id, decision), 303);
    });

    app.post<{ Params: { id: string }; Body: Body }>('/open_letters/:id/merge', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const letter = await findFor(ctx, request);
      if (!letter) return letterNotFound(request, reply);
      const duplicate = String(request.body?.duplicate ?? '');
      const kept = String(request.body?.kept ?? '');
      if (!UUID.test(duplicate) || !UUID.test(kept)) return showLetter(ctx, request, reply, letter, { notice: 'Choose the two organizations to merge.' });
      try {
        const merged = await mergeSignatures(db, letter, duplicate.toLowerCase(), kept.toLowerCase(), nowIso());
        await auditAs(request, 'open_letter.merged', letter.id, { duplicate: merged.duplicate.id, kept: merged.kept.id, organization: merged.kept.org_name });
      } catch (error) {
        if (error instanceof ModerationError) return showLetter(ctx, request, reply, letter, { notice: error.message });
        throw error;
      }
      letterCache(ctx).forget(letter.slug);
      return reply.redirect(done(letter.id, 'merged'), 303);
    });

    app.post<SignatureParams>('/open_letters/:id/signatures/:signatureId/place', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const letter = await findFor(ctx, request);
      const id = signatureId(request);
      if (!letter || !id) return letterNotFound(request, reply);
      const group = typeof request.body?.group === 'string' && request.body.group.trim() ? request.body.group.trim() : null;
      try {
        await placeSignature(db, letter, id, group, request.body?.featured === 'yes', nowIso());
      } catch (error) {
        if (error instanceof ModerationError) return showLetter(ctx, request, reply, letter, { notice: error.message });
        throw error;
      }
      letterCache(ctx).forget(letter.slug);
      return reply.redirect(done(letter.id, 'placed'), 303);
    });

    app.post<SignatureParams>('/open_letters/:id/signatures/:signatureId/trust', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const letter = await findFor(ctx, request);
      const id = signatureId(request);
      if (!letter || !id) return letterNotFound(request, reply);
      try {
        const s = await trustOrganization(db, letter, id, request.organizer!.session.user_id, nowIso());
        await auditAs(request, 'open_letter.trusted', letter.id, { signature: id, organization: s.org_name });
      } catch (error) {
        if (error instanceof ModerationError) return showLetter(ctx, request, reply, letter, { notice: error.message });
        throw error;
      }
      return reply.redirect(done(letter.id, 'trusted'), 303);
    });

    // A logo as uploaded for review (approved or not), within the organization only.
    app.get<SignatureParams>('/open_letters/:id/signatures/:signatureId/logo.png', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const letter = await findFor(ctx, request);
      const id = signatureId(request);
      const logo = letter && id ? await repo.consoleLogo(db, letter.organization_id, letter.id, id) : undefined;
      if (!logo) return letterNotFound(request, reply);
      return reply.type('image/png').header('content-security-policy', "default-src 'none'").header('cache-control', 'private, no-store').send(logo.bytes);
    });

    app.get<{ Querystring: Record<string, unknown> }>('/open_letters/trusted', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const trusted = await repo.trustedOf(db, org.id);
      const page = adminPage(request, reply, request.query.notice === 'untrusted' ? 'No longer trusted.' : undefined);
      const manage = can(org.role, 'manage_actions');
      return sendAdmin(
        reply,
        <AdminLayout page={page} title="Trusted organizations">
          <p>
            <a href="/admin/open_letters">Back to open letters</a>
          </p>
          <h1>Trusted organizations</h1>
          <p>A trusted organization’s next signature on one of your letters goes on the list as soon as its signer confirms the email, when the signer writes from the organization’s website domain or signed for it before.</p>
          <DataTable
            rows={trusted}
            empty="No trusted organizations yet. Trust one from a letter's list of approved organizations."
            columns={[
              { label: 'Organization', head: true, text: (t) => t.name },
              { label: 'Website domain', text: (t) => t.org_domain ?? '' },
              { label: 'Trusted since (UTC)', text: (t) => minute(t.created_at) },
              ...(manage
                ? [{
                    label: 'Stop',
                    cell: (t: { id: string }) => (
                      <form method="post" action={`/admin/open_letters/trusted/${t.id}/delete`} class="inline">
                        <CsrfField token={page.csrf} />
                        <button type="submit" class="secondary">Stop trusting</button>
                      </form>
                    ),
                  }]
                : []),
            ]}
          />
        </AdminLayout>,
      );
    });

    app.post<{ Params: { trustedId: string } }>('/open_letters/trusted/:trustedId/delete', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const id = request.params.trustedId;
      if (!UUID.test(id) || !(await repo.deleteTrusted(db, org.id, id.toLowerCase()))) return letterNotFound(request, reply);
      await auditAs(request, 'open_letter.untrusted', id, {});
      return reply.redirect('/admin/open_letters/trusted?notice=untrusted', 303);
    });
  };
}
