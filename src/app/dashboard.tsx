import type { FastifyInstance } from 'fastify';
import type { AttentionItem, Capability, Context, DashboardPart } from '../context.ts';
import { AdminLayout } from '../kits/console/layout.tsx';
import { adminPage, sendAdmin } from '../kits/console/page.tsx';

/** A capability's answer as a part: a bare section (JSX, a string) or a `DashboardPart`. */
function asPart(answer: DashboardPart | JSX.Element | null): DashboardPart {
  if (answer === null) return {};
  if (typeof answer === 'string' || answer instanceof Promise) return { section: answer };
  return answer;
}

/** Every capability's part of the dashboard: what needs attention, most urgent first, and the sections in the list's order. */
export async function dashboardParts(ctx: Context, capabilities: readonly Capability[], organizationId: string) {
  const answers = await Promise.all(
    capabilities.map(async (c) => {
      if (!c.dashboard) return {};
      const part = asPart(await c.dashboard(ctx, organizationId));
      return { attention: part.attention ?? [], section: part.section ? await part.section : null };
    }),
  );
  // Most urgent first; within one urgency, the list's order.
  const attention: AttentionItem[] = answers.flatMap((a, i) => (a.attention ?? []).map((item) => ({ item, i }))).sort((a, b) => a.item.urgency - b.item.urgency || a.i - b.i).map((a) => a.item);
  const sections = answers.map((a) => a.section).filter((s): s is string => Boolean(s));
  return { attention, sections };
}

/** The console's first page: what needs attention, then each capability's section (Capability.dashboard), in the list's order. */
export function dashboardRoutes(ctx: Context) {
  return async function (app: FastifyInstance) {
    app.get('/', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const { attention, sections } = await dashboardParts(ctx, ctx.capabilities, org.id);
      return sendAdmin(
        reply,
        <AdminLayout page={adminPage(request, reply)} title={`Dashboard: ${org.name}`}>
          <h1 safe>{org.name}</h1>
          <section aria-labelledby="dashboard-attention" class="attention">
            <h2 id="dashboard-attention">Needs attention</h2>
            {attention.length === 0 ? (
              <p>Nothing waits for you.</p>
            ) : (
              <ul>
                {attention.map((a) => (
                  <li>
                    <a href={a.href} safe>
                      {a.text}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {sections.join('') as 'safe'}
        </AdminLayout>,
      );
    });
  };
}
