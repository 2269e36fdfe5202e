import type { FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';
import { Layout } from '../kits/pages/layout.tsx';
import { pageContext, sendPage } from '../kits/pages/page.ts';

/** The home page: each capability's open actions (Capability.home), in the list's order. */
export function homeRoutes(ctx: Context) {
  return async function (app: FastifyInstance) {
    app.get('/', async (request, reply) => {
      const page = pageContext(request);
      const sections = (await Promise.all(ctx.capabilities.map((c) => c.home?.(ctx, page) ?? null))).filter((s) => s !== null);
      const html = (await Promise.all(sections)).join('');
      const { t } = page;
      return sendPage(
        reply,
        <Layout page={page} title={t('home.title')}>
          <h1 safe>{t('home.title')}</h1>
          {sections.length === 0 ? <p safe>{t('home.empty')}</p> : (html as 'safe')}
        </Layout>,
      );
    });
  };
}
