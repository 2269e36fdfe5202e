import type { FastifyReply, FastifyRequest } from 'fastify';
import './abuse-messages.ts';
import type { Context } from '../../context.ts';
import { blockingEntry, blockListCache, countRefusal } from '../../actions/block-list.ts';
import { actionClientKey, clientKey as rateKey } from './client-key.ts';
import { challengeGate, CHALLENGE_CSP, CHALLENGE_FIELD, emailDomain, STRICT_LIMIT, type ChallengeMode } from './challenge.ts';
import { NoticePage } from './layout.tsx';
import { pageContext, sendPage } from './page.ts';

/** The action a public form acts on, as the guard needs it. */
export interface GuardedAction {
  id: string;
  organization_id: string;
  challenge: ChallengeMode;
}

/** Whether the action's form carries the challenge now; if so the page is sent with its script allowed. */
export function challengeOn(ctx: Context, reply: FastifyReply, action: GuardedAction): boolean {
  const on = challengeGate(ctx).active(action.id, action.challenge);
  if (on) reply.header('content-security-policy', CHALLENGE_CSP);
  return on;
}

/** How a refusal is answered: by default a translated page; the embeds' JSON endpoints answer JSON. */
export type GuardRefusal = (status: 403 | 429, title: string, body: string) => void;

/**
 * What every public form does with a valid submission before it writes: refuse it, with a
 * neutral page, when the organization blocks its email domain or client key (the refusal is
 * counted); count it for the surge detector; and, while the challenge is on, let it through
 * without a valid solution only within the strict per-client limit. All in memory: no database
 * round trip on the normal path (the block lists are read at most every 2 s per process).
 * Returns the client key to store with the action, or null when an answer was sent.
 */
export async function guardSubmission(
  ctx: Context,
  request: FastifyRequest,
  reply: FastifyReply,
  action: GuardedAction,
  email: string,
  refuse: GuardRefusal = (status, title, body) => void sendPage(reply, NoticePage({ page: pageContext(request), title, body }), status),
): Promise<{ clientKey: string } | null> {
  const now = Date.now();
  const clientKey = actionClientKey(ctx.config.secretKey, action.organization_id, request.ip, now);
  const domain = emailDomain(email);
  const lists = await blockListCache(ctx).get(action.organization_id);
  const blocked = lists.domains.size + lists.clientKeys.size > 0 ? blockingEntry(lists, { emailDomain: domain, clientKey }, new Date(now).toISOString()) : null;
  if (blocked) {
    countRefusal(ctx.committer, blocked);
    const t = request.t;
    refuse(403, t('blocked.title'), t('blocked.body'));
    return null;
  }
  const gate = challengeGate(ctx);
  gate.detector.note(action.id, clientKey, domain, now);
  if (gate.active(action.id, action.challenge, now)) {
    const body = request.body as Record<string, unknown> | undefined;
    const verdict = await gate.verify(body?.[CHALLENGE_FIELD], now);
    if (verdict !== 'valid' && ctx.config.rateLimits && !gate.withinStrictLimit(rateKey(ctx.config.secretKey, request.ip, now), true, now)) {
      const t = request.t;
      reply.header('retry-after', String(Math.ceil(STRICT_LIMIT.windowMs / 1000)));
      refuse(429, t('challenge.limited.title'), t('challenge.limited.body'));
      return null;
    }
  }
  return { clientKey };
}
