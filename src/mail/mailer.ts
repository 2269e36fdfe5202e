import nodemailer from 'nodemailer';
import { mkdir, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Deterministic per message, so a resend after a crash is recognizable as the same message. */
  messageId: string;
  language: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * The SMTP URL with a pool of connections unless it says otherwise: a new connection per
 * message (greeting, TLS, authentication, each time) held the worker to about 120 messages a
 * second against a server on the same machine.
 */
export function pooled(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  if (!url.searchParams.has('maxConnections')) url.searchParams.set('maxConnections', '10');
  return url.toString();
}

/**
 * SMTP when `SMTP_URL` is set; otherwise each message is written to `<DATA_DIR>/mail/` as an
 * `.eml` file a newcomer can open, named by its Message-ID so a repeat overwrites, not adds.
 */
export function createMailer(opts: { smtpUrl: string | undefined; from: string; dataDir: string }): Mailer {
  if (opts.smtpUrl) {
    const transport = nodemailer.createTransport(pooled(opts.smtpUrl));
    return {
      async send(mail) {
        await transport.sendMail(message(opts.from, mail));
      },
      close: () => transport.close(),
    };
  }
  const dir = path.join(opts.dataDir, 'mail');
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      await mkdir(dir, { recursive: true });
      const info = await transport.sendMail(message(opts.from, mail));
      const name = mail.messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9._-]/g, '_');
      const file = path.join(dir, `${name}.eml`);
      // Written under a temporary name first so a reader never sees half a message.
      await writeFile(`${file}.tmp`, info.message as Buffer);
      await rename(`${file}.tmp`, file);
    },
    close: () => transport.close(),
  };
}

function message(from: string, mail: OutgoingMail) {
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    messageId: mail.messageId,
    headers: { 'Content-Language': mail.language, 'Auto-Submitted': 'auto-generated' },
  };
}
