import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { applyReport, readReportEmail } from './bounces.ts';

// An SMTP listener for delivery reports: the MX of the return path's domain (or a forward from
// it) hands DSNs and complaints to it. It accepts every message (a refused bounce bounces again)
// and applies those that name a message of ours; others are dropped.

export interface BounceListener {
  port: number;
  close(): Promise<void>;
}

export async function startBounceListener(o: { db: Kysely<Database>; secretKey: Buffer; port: number; host?: string; log?: (msg: string, extra?: Record<string, unknown>) => void }): Promise<BounceListener> {
  // smtp-server is loaded only by the process that listens.
  const { SMTPServer } = await import('smtp-server');
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: 2 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= 2 * 1024 * 1024) chunks.push(c);
      });
      stream.on('error', callback);
      stream.on('end', () => {
        const rcptTo = session.envelope.rcptTo.map((r) => r.address);
        readReportEmail(Buffer.concat(chunks), rcptTo)
          .then((report) => (report ? applyReport(o.db, o.secretKey, report) : { applied: 0, unknown: true }))
          .then((r) => {
            if (r.unknown) o.log?.('delivery report for no message of ours: dropped', { rcptTo: rcptTo.length });
            callback();
          })
          .catch((e: unknown) => {
            // The database is away: a temporary refusal, so the sender tries again later.
            o.log?.('delivery report not applied', { error: String(e) });
            const err = new Error('Try again later') as Error & { responseCode: number };
            err.responseCode = 451;
            callback(err);
          });
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      server.on('error', (e) => o.log?.('bounce listener error', { error: String(e) }));
      resolve();
    });
  });
  const address = server.server.address();
  return { port: typeof address === 'object' && address ? address.port : o.port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
