import type { FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';
import { AdminLayout } from '../kits/console/layout.tsx';
import { adminPage, sendAdmin } from '../kits/console/page.tsx';

/** The console's first page: each capability's part (Capability.dashboard), in the list's order. */
export function dashboardRoutes(ctx: Context) {
  return async function (app: FastifyInstance) {
    app.get('/', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const org = request.organizer!.organization!;
      const parts = (await Promise.all(ctx.capabilities.map((c) => c.dashboard?.(ctx, org.id) ?? null))).filter((p) => p !== null);
      const html = (await Promise.all(parts)).join('');
      return sendAdmin(
        reply,
        <AdminLayout page={adminPage(request, reply)} title={`Dashboard: ${org.name}`}>
          <h1 safe>{org.name}</h1>
          {html as 'safe'}
        </AdminLayout>,
      );
    });
  };
}
