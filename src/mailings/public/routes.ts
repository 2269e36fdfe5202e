import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import '../messages.ts';
import { pageContext, sendPage } from '../../kits/pages/page.ts';
import { NoticePage } from '../../kits/pages/layout.tsx';
import { ConfirmButtonPage } from '../../kits/pages/confirm-page.tsx';
import { checkUnsubscribeLink, isWebhookToken, unsubscribeThrough } from '../unsubscribe.ts';
import { applyReport, readPostmarkEvent, readSesNotification } from '../bounces.ts';
import { clickSignature } from '../sender.ts';
import { countClick } from '../repository.ts';
import { insertJobs } from '../../jobs/repository.ts';
import { job } from '../service.ts';

type UnsubscribeParams = { Params: { mailingId: string; personId: string; token: string } };
type ClickParams = { Params: { mailingId: string; variant: string; link: string; sig: string } };

/** The unsubscribe link and its one-click POST, counted links, and the providers' delivery webhooks. */
export function mailingPublicRoutes(ctx: Context) {
  const db = ctx.database.db;
  const key = ctx.config.secretKey;
  const limit = ctx.config.rateLimits ? { max: 20, timeWindow: '1 minute' } : false;

  const invalid = (request: FastifyRequest, reply: FastifyReply) =>
    sendPage(reply, NoticePage({ page: pageContext(request), title: request.t('mailing.unsubscribe.invalid_title'), body: request.t('mailing.unsubscribe.invalid_body') }), 404);

  return async function (app: FastifyInstance) {
    // RFC 8058 allows the one-click POST as multipart/form-data: its body says nothing we need.
    app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: 16 * 1024 }, (_request, _body, done) => done(null, {}));

    const path = '/unsubscribe/:mailingId/:personId/:token';
    // The visible link shows one button: mail scanners open links and must not unsubscribe anyone.
    app.get<UnsubscribeParams>(path, async (request, reply) => {
      const { mailingId, personId, token } = request.params;
      reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
      const org = await checkUnsubscribeLink(db, key, mailingId, personId, token);
      if (org === null) return invalid(request, reply);
      const t = request.t;
      return sendPage(reply, ConfirmButtonPage({ page: pageContext(request), title: t('mailing.unsubscribe.title', { org }), body: t('mailing.unsubscribe.body', { org }), action: `/unsubscribe/${mailingId}/${personId}/${token}`, button: t('mailing.unsubscribe.button') }));
    });

    // The button, and mail apps' one-click POST (`List-Unsubscribe=One-Click`): both unsubscribe at once.
    app.post<UnsubscribeParams>(path, { config: { rateLimit: limit } }, async (request, reply) => {
      const { mailingId, personId, token } = request.params;
      reply.header('cache-control', 'no-store');
      const org = await unsubscribeThrough(db, key, mailingId, personId, token);
      if (org === null) return invalid(request, reply);
      return sendPage(reply, NoticePage({ page: pageContext(request), title: request.t('mailing.unsubscribe.done_title'), body: request.t('mailing.unsubscribe.done_body', { org }) }));
    });

    // A counted link (only when the organization counts clicks): one more for the link, nobody's name.
    app.get<ClickParams>('/m/:mailingId/:variant/:link/:sig', async (request, reply) => {
      const { mailingId, sig } = request.params;
      const variant = Number(request.params.variant);
      const link = Number(request.params.link);
      const good = /^[0-9a-f-]{36}$/.test(mailingId) && Number.isInteger(variant) && Number.isInteger(link) && sig === clickSignature(key, mailingId, variant, link);
      const url = good ? await countClick(db, mailingId, link, variant) : undefined;
      if (!url) return invalid(request, reply);
      return reply.code(302).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(url);
    });
  };
}

/**
 * Delivery events of two providers, at `/webhooks/mail/ses/<token>` (Amazon SES through an SNS
 * HTTPS subscription) and `/webhooks/mail/postmark/<token>` (Postmark's bounce and spam-complaint
 * webhooks). The token is the instance's, shown in the mailing settings; a wrong one is a 404.
 */
export function mailWebhookRoutes(ctx: Context) {
  const db = ctx.database.db;
  const key = ctx.config.secretKey;
  return async function (app: FastifyInstance) {
    // SNS posts JSON as text/plain.
    app.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(null, null);
      }
    });
    app.post<{ Params: { provider: string; token: string }; Body: unknown }>('/webhooks/mail/:provider/:token', async (request, reply) => {
      const { provider, token } = request.params;
      if ((provider !== 'ses' && provider !== 'postmark') || !isWebhookToken(key, token)) return reply.code(404).send({ error: 'Not found' });
      const body = request.body as Record<string, unknown> | null;
      if (!body || typeof body !== 'object') return reply.code(400).send({ error: 'The body must be a JSON object.' });
      if (provider === 'ses' && body.Type === 'SubscriptionConfirmation') {
        const url = typeof body.SubscribeURL === 'string' ? body.SubscribeURL : '';
        if (!/^https:\/\/sns\.[a-z0-9-]+\.amazonaws\.com\//.test(url)) return reply.code(400).send({ error: 'SubscribeURL is not an Amazon SNS address.' });
        const now = new Date().toISOString();
        await insertJobs(db, [job('mailing.sns_confirm', { url }, now, now)]);
        return reply.code(202).send({ ok: true });
      }
      const reports = provider === 'ses' ? readSesNotification(body) : readPostmarkEvent(body);
      let applied = 0;
      let unknown = 0;
      for (const report of reports) {
        const r = await applyReport(db, key, report);
        applied += r.applied;
        if (r.unknown) unknown++;
      }
      // Unknown messages are answered 200 too: the provider would only send them again.
      return reply.code(200).send({ applied, unknown, ignored: reports.length === 0 });
    });
  };
}
