import type { FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';

export function apiRoutes(_ctx: Context) {
  return async function (app: FastifyInstance) {
    app.get('/', async () => ({ motd: 'turnout' }));
  };
}
