// Shared by the test/webhooks*.test.ts suites: a local receiver (plain http on 127.0.0.1, which
// the harness allows with WEBHOOKS_ALLOW_PRIVATE=1) that keeps every request it gets.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { Harness } from './helpers.ts';
import { createEndpoint } from '../src/webhooks/service.ts';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers a path: a status, or 'hang' (never answers). */
export type Behaviour = number | 'hang' | { redirect: string };

export class Receiver {
  readonly received: Received[] = [];
  /** By path; a path not listed answers 200. */
  readonly behaviour = new Map<string, Behaviour>();
  private server: Server | null = null;
  private hanging = new Set<import('node:http').ServerResponse>();
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const b = this.behaviour.get(path) ?? 200;
        if (b === 'hang') {
          this.hanging.add(res);
          res.on('close', () => this.hanging.delete(res));
          return;
        }
        if (typeof b === 'object') {
          res.writeHead(302, { location: b.redirect }).end();
          return;
        }
        res.writeHead(b, { 'content-type': 'text/plain' }).end(b < 300 ? 'thanks' : 'no');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** The three Standard Webhooks headers of a request, as the library takes them. */
export function webhookHeaders(r: Received): Record<string, string> {
  return { 'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']), 'webhook-signature': String(r.headers['webhook-signature']) };
}

/** Verifies a request with the specification's reference library; returns the parsed body (throws when forged). */
export function verified(secret: string, r: Received): any {
  return new Webhook(secret).verify(r.body, webhookHeaders(r));
}

/** An endpoint of the organization, made through the service as the console does; returns it with its secret. */
export async function endpoint(h: Harness, organizationId: string, url: string, events: string[]) {
  return createEndpoint(h.ctx.database.db, h.config, organizationId, null, { url, description: 'CRM sync', events });
}

export const ALLOW = { WEBHOOKS_ALLOW_PRIVATE: '1' };

/** Counts the jobs of one kind. */
export async function jobCount(h: Harness, kind: string): Promise<number> {
  const r = await h.ctx.database.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', kind).executeTakeFirstOrThrow();
  return Number(r.n);
}
