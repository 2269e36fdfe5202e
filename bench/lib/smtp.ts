import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  messageId: string;
  to: string[];
}

/**
 * A real SMTP server on loopback (no TLS, no authentication) that keeps the Message-ID and
 * recipients of every message it accepted: a message counts once the server has answered 250
 * to its DATA, `delayMs` after the message arrived.
 */
export async function startSmtpSink(opts: { delayMs?: number } = {}): Promise<{ port: number; url: string; received: ReceivedMail[]; close(): Promise<void> }> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', callback);
      stream.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const head = text.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
        const messageId = /^message-id:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? '';
        const accept = () => {
          received.push({ messageId, to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()) });
          callback();
        };
        // A real server takes a while to accept a message (a queue, a spam check): `delayMs` plays it.
        if (opts.delayMs) setTimeout(accept, opts.delayMs);
        else accept();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      // A client killed mid-message resets its connection: expected here, and not a message.
      server.on('error', () => {});
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
