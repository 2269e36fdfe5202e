import nodemailer from 'nodemailer';
import { Transform } from 'node:stream';
import net from 'node:net';
import { mkdir, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import DataStream from 'nodemailer/lib/smtp-connection/data-stream.js';
import { MailTemplate } from './template.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Deterministic per message, so a resend after a crash is recognizable as the same message. */
  messageId: string;
  language: string;
  /** An HTML alternative of `text` (src/kits/mail/layout.ts makes both from one source). */
  html?: string;
  /** Headers beyond the usual ones (List-Unsubscribe, List-Unsubscribe-Post, List-Id …). */
  headers?: Record<string, string>;
  /** The envelope sender (Return-Path), for bounces: a VERP address naming the message. */
  returnPath?: string;
  /** The From display name (the address stays `MAIL_FROM`). */
  fromName?: string;
  replyTo?: string;
  /** Files sent with the message (an event's `.ics`), small enough to hold in memory. */
  attachments?: { filename: string; content: string | Buffer; contentType: string }[];
  /**
   * Called once the whole message but its end has been handed to the server, before the end that
   * makes the server accept it: the message is accepted only after this resolves, and abandoned
   * (the server never accepts it) if it throws. A sender records the send here, so a process
   * killed at any moment leaves no message both accepted and unrecorded (src/mailings/sender.ts).
   * A mailer that cannot hold the end (tests' memory mailer) never calls it.
   */
  beforeCommit?: () => Promise<void>;
  /**
   * The organization the email comes from: a plain-text email (no `html`) is sent in the one
   * email layout, in this organization's name and colour (src/kits/mail/transactional.ts).
   */
  organizationId?: string;
  /** Lines under the body in both parts (why the supporter gets this email, the postal address). */
  footer?: string[];
  /** `false`: sent as written, outside the layout (a supporter's letter to a decision-maker). */
  layout?: false;
  /**
   * Mail to many (a mailing): `mail` is this message with a mark in place of each value that
   * differs between its recipients (`to` a mark address), the same object for all of them, and
   * `fill` this recipient's value for each mark. The SMTP mailer composes `mail` once and sends
   * each recipient a copy with the values written in (src/mail/template.ts); the message is the
   * same as this one composed on its own. Marks and values: letters, digits, `-` and `_`, a
   * value as long as its mark.
   */
  shared?: { mail: OutgoingMail; fill: Record<string, string> };
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
  if (!url.searchParams.has('maxConnections')) url.searchParams.set('maxConnections', '24');
  return url.toString();
}

/**
 * SMTP when `SMTP_URL` is set; otherwise each message is written to `<DATA_DIR>/mail/` as an
 * `.eml` file a newcomer can open, named by its Message-ID so a repeat overwrites, not adds.
 */
export function createMailer(opts: { smtpUrl: string | undefined; from: string; dataDir: string }): Mailer {
  if (opts.smtpUrl) {
    const transport = nodemailer.createTransport(pooled(opts.smtpUrl));
    transport.use('stream', holdTheEnd as unknown as Parameters<typeof transport.use>[1]);
    // Plain connections without Nagle's delay: a message's last bytes (held until its send is
    // recorded, above) go out at once instead of waiting up to 40 ms for an acknowledgement.
    (transport.transporter as unknown as { getSocket: GetSocket }).getSocket = noDelaySocket;
    const templates = new WeakMap<OutgoingMail, Promise<MailTemplate | null>>();
    const templateOf = (shared: NonNullable<OutgoingMail['shared']>) => {
      let t = templates.get(shared.mail);
      if (!t) {
        const { envelope: _envelope, beforeCommit: _hook, ...options } = message(opts.from, shared.mail);
        // A template that cannot be made (nodemailer refused the message) leaves each copy to be composed on its own.
        t = MailTemplate.compose(options, Object.keys(shared.fill)).catch(() => null);
        templates.set(shared.mail, t);
      }
      return t;
    };
    return {
      async send(mail) {
        const raw = mail.shared ? (await templateOf(mail.shared))?.fill(mail.to, mail.shared.fill) : null;
        if (!raw) return void (await transport.sendMail(message(opts.from, mail)));
        await transport.sendMail({
          envelope: { from: mail.returnPath ?? addressOf(opts.from), to: [mail.to] },
          raw,
          messageId: mail.messageId,
          beforeCommit: mail.beforeCommit,
        } as Parameters<typeof transport.sendMail>[0]);
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
      await mail.beforeCommit?.();
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
    from: mail.fromName ? { name: mail.fromName, address: addressOf(from) } : from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    ...(mail.html !== undefined ? { html: mail.html } : {}),
    ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
    ...(mail.attachments?.length ? { attachments: mail.attachments } : {}),
    ...(mail.returnPath ? { envelope: { from: mail.returnPath, to: [mail.to] } } : {}),
    messageId: mail.messageId,
    // Latin-script text: quoted-printable, without nodemailer counting every character of each
    // part and header to choose (a twelfth of the worker's time in a mailing).
    textEncoding: 'quoted-printable' as const,
    headers: { 'Content-Language': mail.language, 'Auto-Submitted': 'auto-generated', ...mail.headers },
    beforeCommit: mail.beforeCommit,
  };
}

type GetSocket = (options: { host?: string; port?: number; secure?: boolean }, callback: (err: Error | null, socket: { connection: net.Socket } | false) => void) => void;

const noDelaySocket: GetSocket = (options, callback) => {
  if (options.secure || !options.host) return setImmediate(() => callback(null, false));
  const socket = net.connect({ host: options.host, port: options.port ?? 25, noDelay: true });
  const failed = (e: Error) => callback(e, false);
  socket.once('error', failed);
  socket.once('connect', () => {
    socket.off('error', failed);
    callback(null, { connection: socket });
  });
};

/** The address of `Name <address>` or of a bare address. */
function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from;
}

/**
 * A nodemailer stream plugin: every message leaves as one write (a socket without Nagle's delay
 * would otherwise send each of the composer's small chunks as a packet of its own, a system call
 * each), and a message that has `beforeCommit` keeps its last bytes until the hook resolves, so
 * the SMTP server sees the message's end (and answers 250) only after the send is recorded; a hook
 * that throws makes the stream fail and the message is dropped.
 *
 * The hook runs only once the connection has begun to send the message: after the server
 * accepted the envelope and answered DATA, when the connection pipes the message stream into its
 * data stream. Until then nothing of the message has left: a message of a few kilobytes fits in
 * the buffers of the streams nodemailer adds after this one, which take it at once, so "the
 * stream was read" alone said nothing about the server (a record made then, and a process killed
 * during the envelope, left a row `sent` whose message never went). When the envelope fails
 * (a recipient refused, the connection dropped), nodemailer pipes the message into a stream that
 * discards it: the hook is then never called, and nothing is recorded.
 */
function holdTheEnd(mail: { data: { beforeCommit?: () => Promise<void> }; message: HeldMessage }, done: (err?: Error | null) => void): void {
  const hook = mail.data.beforeCommit ?? null;
  if (!hook) {
    mail.message.transform(() => new HoldTheEnd(null));
    return done();
  }
  let began!: () => void;
  let abandoned!: (e: Error) => void;
  const sending = new Promise<void>((resolve, reject) => {
    began = resolve;
    abandoned = reject;
  });
  sending.catch(() => undefined);
  const create = mail.message.createReadStream.bind(mail.message);
  mail.message.createReadStream = (...args) => {
    const outer = create(...args);
    const pipe = outer.pipe.bind(outer) as (dest: NodeJS.WritableStream, options?: { end?: boolean }) => NodeJS.WritableStream;
    outer.pipe = ((dest: NodeJS.WritableStream, options?: { end?: boolean }) => {
      if (dest instanceof DataStream) began();
      else abandoned(new Error('the envelope was not accepted: the message was not sent'));
      return pipe(dest, options);
    }) as typeof outer.pipe;
    return outer;
  };
  mail.message.transform(() => new HoldTheEnd(() => sending.then(hook)));
  done();
}

/** What the plugin uses of nodemailer's message node. */
interface HeldMessage {
  transform(t: () => Transform): void;
  createReadStream(...args: unknown[]): NodeJS.ReadableStream;
}

/**
 * Gathers a message and gives it, but for its last two bytes, in one piece once its input has
 * ended; the last two bytes follow once the next stream has read everything before them and
 * `hook` resolved (the plugin's hook first waits for the connection to begin sending, above).
 */
class HoldTheEnd extends Transform {
  private chunks: Buffer[] = [];
  private finish: ((err: Error | null, last?: Buffer) => void) | null = null;
  private tail = Buffer.alloc(0);
  private released = false;

  constructor(private readonly hook: (() => Promise<void>) | null) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, next: (err?: Error | null) => void): void {
    this.chunks.push(chunk);
    next();
  }

  override _flush(next: (err: Error | null, last?: Buffer) => void): void {
    const all = Buffer.concat(this.chunks);
    this.chunks = [];
    if (!this.hook) return next(null, all);
    this.tail = Buffer.from(all.subarray(Math.max(0, all.length - 2)));
    this.push(all.subarray(0, all.length - this.tail.length));
    this.finish = next;
    this.release();
  }

  override _read(size: number): void {
    super._read(size);
    this.release();
  }

  /** Once the input has ended and the reader (the connection, flowing) has taken all but the tail. */
  private release(): void {
    if (this.released || !this.finish || !this.hook || this.readableFlowing !== true || this.readableLength > 0) return;
    this.released = true;
    const finish = this.finish;
    this.hook().then(
      () => finish(null, this.tail),
      (e: Error) => finish(e),
    );
  }
}
