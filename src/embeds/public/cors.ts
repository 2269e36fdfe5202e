import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import type { EmbedAction, EmbedKind } from '../kinds.ts';
import { originCache } from '../origins.ts';

// The embed script's endpoints are cross-origin by design, so they carry their own CSRF model:
// no cookie is read or set, and a request is taken only when its `Origin` header is one the
// action's organization listed. Browsers set `Origin` on every cross-origin fetch and page
// scripts cannot forge it; a request without one (a form posted from anywhere, curl) is refused.
// Answers name that one origin in Access-Control-Allow-Origin, never `*`, with `Vary: Origin`.

/** What the gate found for one request: the action and the listed origin it came from. */
export interface Admitted {
  action: EmbedAction;
  origin: string;
}

export type GateResult = { ok: true; admitted: Admitted } | { ok: false; status: 403 | 404; error: string };

/** Checks `Origin` against the organization's list; on success the answer is marked for that origin. */
export async function admit(ctx: Context, kind: EmbedKind, request: FastifyRequest, reply: FastifyReply, slug: string): Promise<GateResult> {
  reply.header('vary', 'Origin');
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === '' || origin === 'null') return { ok: false, status: 403, error: request.t('embed.origin_missing') };
  const action = await kind.load(ctx, slug);
  if (!action) return { ok: false, status: 404, error: request.t('error.not_found.title') };
  const listed = await originCache(ctx).get(action.organization_id);
  if (!listed.has(origin)) return { ok: false, status: 403, error: request.t('embed.origin_refused') };
  allowOrigin(reply, origin);
  return { ok: true, admitted: { action, origin } };
}

export function allowOrigin(reply: FastifyReply, origin: string): void {
  reply.header('access-control-allow-origin', origin);
  // Nothing to send but what the script reads; no cookies either way (no Allow-Credentials).
  reply.header('cross-origin-resource-policy', 'cross-origin');
}

/** A preflight's answer for an admitted origin: POST with a JSON body, remembered 10 minutes. */
export function preflight(reply: FastifyReply): FastifyReply {
  return reply
    .code(204)
    .header('access-control-allow-methods', 'GET, POST')
    .header('access-control-allow-headers', 'content-type')
    .header('access-control-max-age', '600')
    .send();
}

/** The answer of every embed endpoint: JSON, never cached by a shared cache for another origin. */
export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
