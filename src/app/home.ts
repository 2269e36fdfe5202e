import type { FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';
import { pageContext, sendPage } from './build-app.ts';
import { HomePage } from '../petitions/public/pages.tsx';
import { listOpenPetitions } from '../petitions/repository.ts';

export function homeRoutes(ctx: Context) {
  return async function (app: FastifyInstance) {
    app.get('/', async (request, reply) => {
      const petitions = await listOpenPetitions(ctx.database.db);
      return sendPage(reply, HomePage({ page: pageContext(request), petitions }));
    });
  };
}
