import type { FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';
import { AdminLayout } from '../kits/console/layout.tsx';
import { adminPage, sendAdmin } from '../kits/console/page.tsx';
import { auditEvents, auditNameRows } from '../accounts/repository.ts';
import { auditSentence, idsOf, type AuditEntry } from './audit-sentences.ts';

/** The names of every id a page of entries holds: people, users, organizations and every capability's actions. */
async function namesFor(ctx: Context, organizationId: string, entries: readonly AuditEntry[]): Promise<Map<string, string>> {
  const ids = [...new Set(entries.flatMap(idsOf))];
  const slugs = [...new Set(entries.filter((e) => e.action === 'partner.invited' && typeof e.details.partner === 'string').map((e) => e.details.partner as string))];
  const names = new Map<string, string>();
  if (ids.length === 0 && slugs.length === 0) return names;
  const kinds = ctx.capabilities.flatMap((c) => c.actions ?? []);
  const [rows, ...actions] = await Promise.all([auditNameRows(ctx.database.db, organizationId, ids, slugs), ...kinds.map((k) => (ids.length ? k.describe(ctx, ids) : Promise.resolve([])))]);
  for (const o of rows.orgs) {
    names.set(o.id, `“${o.name}”`);
    names.set(`slug:${o.slug}`, `“${o.name}”`);
  }
  for (const u of rows.users) names.set(u.id, u.name || u.email || 'a member');
  for (const p of rows.people) {
    const name = [p.given_name, p.family_name].filter(Boolean).join(' ');
    names.set(p.id, p.email === null ? 'a person since erased' : name || p.email);
  }
  const nouns = new Map(kinds.map((k) => [k.type, k.noun]));
  for (const list of actions) for (const a of list) names.set(a.id, `the ${nouns.get(a.type) ?? a.type.replace(/_/g, ' ')} “${a.title}”`);
  return names;
}

function parseDetails(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const dayHeading = (day: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));

/** The audit log: the latest 200 entries as sentences, by day (UTC), newest first. */
export function auditRoutes(ctx: Context) {
  return async function (app: FastifyInstance) {
    app.get('/audit', { config: { permission: 'view_audit' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const rows = await auditEvents(ctx.database.db, org.id);
      const entries: AuditEntry[] = rows.map((r) => ({
        action: r.action,
        subject: r.subject,
        details: parseDetails(r.details),
        created_at: r.created_at,
        who: r.user_id ? r.user_name || r.user_email || 'A member since removed' : null,
      }));
      const names = await namesFor(ctx, org.id, entries);
      const days = new Map<string, { sentence: string; at: string }[]>();
      for (const e of entries) {
        const day = e.created_at.slice(0, 10);
        if (!days.has(day)) days.set(day, []);
        days.get(day)!.push({ sentence: auditSentence(e, names), at: e.created_at });
      }
      return sendAdmin(
        reply,
        <AdminLayout page={adminPage(request, reply)} title="Audit log">
          <h1>Audit log</h1>
          <p>What members of the organization did, and what turnout did for them, newest first. Times are UTC.</p>
          {entries.length === 0 ? <p>Nothing has happened yet.</p> : ''}
          <>{[...days].map(([day, list]) => (
            <section aria-labelledby={`day-${day}`}>
              <h2 id={`day-${day}`} safe>
                {dayHeading(day)}
              </h2>
              <ul class="audit">
                {list.map((l) => (
                  <li>
                    <time datetime={l.at} safe>
                      {l.sentence}
                    </time>
                  </li>
                ))}
              </ul>
            </section>
          ))}</>
        </AdminLayout>,
      );
    });
  };
}
