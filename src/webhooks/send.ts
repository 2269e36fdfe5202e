import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { checkedLookup, resolveChecked, UnsafeAddressError } from './address.ts';

/** How one attempt ended, as the log keeps it: the status (if an answer came), the time, our own error text. */
export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** The address was refused: retrying will not help until the DNS changes. */
  refused?: boolean;
}

const MAX_ANSWER = 64 * 1024;

/**
 * POSTs a signed body. Connects only to an address checked by `resolveChecked`, follows no
 * redirect, gives up after `timeoutMs` (the whole exchange, so a hanging receiver cannot hold
 * the worker), and reads at most 64 KiB of the answer, which it does not keep.
 */
export async function postWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  o: { allowPrivate: boolean; timeoutMs: number },
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(target);
  if (url.protocol !== 'https:' && !(o.allowPrivate && url.protocol === 'http:')) {
    return { ok: false, statusCode: null, durationMs: 0, error: 'the address is not https://', refused: true };
  }
  // An address written as an IP is connected to without a lookup: check it here.
  if (isIP(url.hostname.replace(/^\[|\]$/g, ''))) {
    try {
      await resolveChecked(url.hostname, o.allowPrivate);
    } catch (e) {
      return { ok: false, statusCode: null, durationMs: elapsed(), error: (e as Error).message, refused: true };
    }
  }
  const signal = AbortSignal.timeout(o.timeoutMs);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (r: SendResult) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const request = client.request(
      url,
      {
        method: 'POST',
        agent: false,
        lookup: checkedLookup(o.allowPrivate) as never,
        signal,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'turnout-webhooks/1' },
      },
      (response) => {
        const statusCode = response.statusCode ?? 0;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER) response.destroy();
        });
        const done = () => {
          const ok = statusCode >= 200 && statusCode < 300;
          const redirect = statusCode >= 300 && statusCode < 400;
          finish({
            ok,
            statusCode,
            durationMs: elapsed(),
            error: ok ? null : redirect ? `answered ${statusCode} (a redirect, not followed)` : `answered ${statusCode}`,
          });
        };
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      },
    );
    request.on('error', (e: NodeJS.ErrnoException) => {
      if (signal.aborted) finish({ ok: false, statusCode: null, durationMs: elapsed(), error: `no answer within ${o.timeoutMs / 1000} s` });
      else if (e.code === 'EWEBHOOKADDRESS' || e instanceof UnsafeAddressError) finish({ ok: false, statusCode: null, durationMs: elapsed(), error: e.message, refused: true });
      else finish({ ok: false, statusCode: null, durationMs: elapsed(), error: `could not connect: ${e.code ?? e.message}` });
    });
    request.end(body);
  });
}
