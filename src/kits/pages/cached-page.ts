import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import Negotiator from 'negotiator';
import { LRUCache } from 'lru-cache';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A rendered page that many visitors are sent (a petition or event page, kept for 2 s): its
 * UTF-8 bytes and, made once on first demand, the same compressed with Brotli and with gzip.
 * Every browser asks for a compressed page; compressing once per render instead of once per
 * view is what makes it cheap: the 13 kB petition page goes out as about 3 kB.
 */
export class CachedPage {
  readonly raw: Buffer;
  private br?: Buffer;
  private gz?: Buffer;

  constructor(html: string) {
    this.raw = Buffer.from(html, 'utf8');
  }

  /** The bytes in the encoding the request accepts best, and that encoding (null: as they are). */
  encoded(request: FastifyRequest): { body: Buffer; encoding: 'br' | 'gzip' | null } {
    const accepted = request.headers['accept-encoding'];
    if (!accepted) return { body: this.raw, encoding: null };
    const best = encodingFor(accepted);
    if (best === 'br') return { body: (this.br ??= brotliCompressSync(this.raw, BROTLI)), encoding: 'br' };
    if (best === 'gzip') return { body: (this.gz ??= gzipSync(this.raw, { level: 9 })), encoding: 'gzip' };
    return { body: this.raw, encoding: null };
  }
}

const ENCODINGS = ['br', 'gzip', 'identity'];

/** Negotiator 1 takes a preference among equals; its type definitions (of 0.6) do not say so yet. */
interface PreferringEncodings {
  encoding(available: readonly string[], opts: { preferred: readonly string[] }): string | undefined;
}
// Quality 9 of 11: within a few per cent of the smallest, in a few milliseconds per page.
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } };

// Browsers send a handful of distinct Accept-Encoding headers: each is negotiated once.
const negotiated = new LRUCache<string, string>({ max: 200 });

function encodingFor(accepted: string): string {
  let best = negotiated.get(accepted);
  if (best === undefined) {
    // Among encodings the browser rates alike, ours decides: Brotli first (its pages are smallest).
    const negotiator = new Negotiator({ headers: { 'accept-encoding': accepted } }) as Negotiator & PreferringEncodings;
    best = negotiator.encoding(ENCODINGS, { preferred: ENCODINGS }) ?? 'identity';
    negotiated.set(accepted, best);
  }
  return best;
}

/** Sends a cached page as HTML, compressed when the request accepts it. */
export function sendCachedPage(request: FastifyRequest, reply: FastifyReply, page: CachedPage): FastifyReply {
  const { body, encoding } = page.encoded(request);
  // Added to what the request's language already put there (Accept-Language, Cookie: src/app/build-app.ts).
  const vary = reply.getHeader('vary');
  reply.code(200).type('text/html; charset=utf-8').header('vary', vary ? `${String(vary)}, Accept-Encoding` : 'Accept-Encoding');
  if (encoding) reply.header('content-encoding', encoding);
  return reply.send(body);
}
