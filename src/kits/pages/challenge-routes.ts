import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { challengeGate } from './challenge.ts';

const SOLVER = readFileSync(new URL('./assets/challenge.js', import.meta.url));

/** The solver (a static script from this site) and fresh challenges, one per visitor, for every form that carries one. */
export function challengeRoutes(ctx: { config: { secretKey: Buffer; rateLimits: boolean } }) {
  return async function (app: FastifyInstance) {
    app.get('/assets/challenge.js', (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(SOLVER),
    );
    // One a page view while the challenge is on; a client asking for many more is not a reader.
    const limit = ctx.config.rateLimits ? { max: 60, timeWindow: '1 minute' } : false;
    app.get('/challenge', { config: { rateLimit: limit } }, async (_request, reply) => {
      const challenge = await challengeGate(ctx).create();
      return reply.header('cache-control', 'no-store').send(challenge);
    });
  };
}
