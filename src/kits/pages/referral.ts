import type { FastifyRequest } from 'fastify';
import { isCleanText } from '../../actions/people/normalize.ts';

/** `?source=` codes are kept with the signature when they look like a code, and dropped otherwise. */
export function cleanSource(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const v = raw.trim();
  return v && v.length <= 100 && isCleanText(v) ? v : null;
}

/** The referring site, origin only: which site sent the signer matters, the page they read does not. */
export function referringSite(request: FastifyRequest): string | null {
  const referer = request.headers.referer;
  if (!referer) return null;
  try {
    const url = new URL(referer);
    if (url.host === request.headers.host) return null;
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}
