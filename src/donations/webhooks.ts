import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Context } from '../context.ts';
import { verifyPassword } from '../accounts/passwords.ts';
import { fundraisingCache } from './public-cache.ts';
import { verifiedEvent } from './stripe.ts';
import { applyStripeEvent, eventParts } from './stripe-events.ts';
import { applyActBlue, readActBlue } from './actblue.ts';
import * as repo from './repository.ts';
import { createHmac } from 'node:crypto';

// The payment providers' webhooks: the only way a gift is recorded as money received.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const refuse = (reply: FastifyReply, status: number, error: string) => reply.code(status).type('application/json; charset=utf-8').send({ error });

export function webhookRoutes(ctx: Context) {
  return async function (app: FastifyInstance) {
    const cache = fundraisingCache(ctx);

    // Stripe signs the exact bytes it sent: this scope keeps the JSON body as a Buffer.
    await app.register(async (scope) => {
      scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 512 * 1024 }, (_request, body, done) => done(null, body));
      scope.post('/webhooks/stripe', async (request, reply) => {
        if (!ctx.config.stripe.webhookSecret) return refuse(reply, 404, 'Stripe is not set up on this server');
        if (!Buffer.isBuffer(request.body)) return refuse(reply, 400, 'Send the event as application/json, as Stripe does');
        const signature = request.headers['stripe-signature'];
        if (typeof signature !== 'string' || signature === '') return refuse(reply, 400, 'Missing Stripe-Signature header');
        let event;
        try {
          event = await verifiedEvent(ctx.config.stripe, request.body, signature);
        } catch (error) {
          // A wrong secret, a changed body, or a timestamp more than 5 minutes old (a replay).
          return refuse(reply, 400, `Signature check failed: ${String((error as Error).message).split('\n')[0]!.slice(0, 200)}`);
        }
        const parts = eventParts(event);
        if (!parts) return refuse(reply, 400, 'The event has no id, type or data.object');
        const outcome = await ctx.committer.submit((uow) => applyStripeEvent(uow, parts));
        const pageId = (parts.object.metadata as { turnout_page?: unknown } | undefined)?.turnout_page;
        if (outcome === 'applied' && typeof pageId === 'string' && UUID.test(pageId)) {
          const page = await repo.findPageById(ctx.database.db, pageId);
          if (page) cache.forget(page.slug);
        }
        return reply.send({ received: true, outcome });
      });
    });

    // Verified credentials are remembered for a while, by a keyed hash: argon2 on every contribution would cap the rate.
    const verified = new Map<string, number>();
    const credentialKey = (org: string, header: string) => createHmac('sha256', ctx.config.secretKey).update(`actblue:${org}:${header}`).digest('base64url');

    app.post<{ Params: { org: string } }>('/webhooks/actblue/:org', async (request, reply) => {
      const org = request.params.org;
      const header = request.headers.authorization;
      const challenge = () => reply.header('www-authenticate', 'Basic realm="turnout ActBlue webhook", charset="UTF-8"');
      if (!UUID.test(org)) return refuse(challenge(), 401, 'Unknown organization or wrong credentials');
      const settings = await repo.findSettings(ctx.database.db, org);
      if (typeof header !== 'string' || !header.startsWith('Basic ') || !settings?.actblue_username || !settings.actblue_password_hash) {
        return refuse(challenge(), 401, 'Unknown organization or wrong credentials');
      }
      const key = credentialKey(org, `${settings.actblue_password_hash}:${header}`);
      if ((verified.get(key) ?? 0) < Date.now()) {
        const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        const ok = colon > 0 && decoded.slice(0, colon) === settings.actblue_username && (await verifyPassword(settings.actblue_password_hash, decoded.slice(colon + 1)));
        if (!ok) return refuse(challenge(), 401, 'Unknown organization or wrong credentials');
        if (verified.size > 1000) verified.clear();
        verified.set(key, Date.now() + 10 * 60_000);
      }
      const read = readActBlue(request.body);
      if ('problem' in read) return refuse(reply, 400, read.problem);
      const outcome = await ctx.committer.submit((uow) => applyActBlue(uow, org, read.contribution));
      const page = await repo.pageForActBlue(ctx.database.db, org, read.contribution.form, read.contribution.refcodes);
      if (page) cache.forget(page.slug);
      return reply.send({ received: true, ...outcome });
    });
  };
}
