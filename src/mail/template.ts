import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';

// Mail to many (a mailing): every recipient of one version gets the same message but for a few
// values (their address, the person in the Message-ID and the unsubscribe link, that link's
// token). Composing each copy with nodemailer (the MIME tree, headers, quoted-printable) was
// about half of a worker's time in a mailing; a template is composed by nodemailer once, with a
// stand-in (a "mark") where each value goes, and each copy is the template with the values
// written in place of the marks.
//
// Only values that cannot change the encoding around them take the fast path: the same length as
// their mark, in characters quoted-printable and header folding leave as they are, so a value
// takes its mark's place byte for byte (quoted-printable's soft line breaks inside a mark stay
// where they are). The recipient's address goes on the `To:` line, any length, when it is a plain
// ASCII address. Before a template is used, it is filled with random values of those shapes and
// compared, byte for byte, with nodemailer composing the same message with those values; a
// template that differs is not used (its copies are composed one by one, as any other mail).

/** The characters a mark's value may have: those quoted-printable and header folding never touch. */
const PLAIN_VALUE = /^[A-Za-z0-9_-]*$/;
/**
 * A recipient address the `To:` line takes as it is (anything else is composed by nodemailer): an
 * ASCII dot-atom and a lower-case domain (nodemailer writes domains in lower case), short enough
 * that `To: ` and it fit on one line (nodemailer folds a longer one).
 */
const PLAIN_ADDRESS = /^(?=[^@]{1,64}@)(?=.{3,71}$)[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[a-z0-9-]+(?:\.[a-z0-9-]+)+$/;
const VALUE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

type Piece = Buffer | { mark: string; runs: number[] } | 'to';

export class MailTemplate {
  private constructor(
    private readonly pieces: Piece[],
    readonly marks: string[],
  ) {}

  /**
   * Composes `options` (nodemailer's message options, with `to` a mark address and the marks in
   * its text, HTML, headers and Message-ID) into a template, or null when filling it would not give
   * what nodemailer composes (then each copy is composed on its own).
   */
  static async compose(options: Mail.Options, marks: string[]): Promise<MailTemplate | null> {
    const to = String(options.to);
    if (!PLAIN_ADDRESS.test(to) || marks.some((m) => m.length === 0 || !PLAIN_VALUE.test(m))) return null;
    // Both compositions share the date and the MIME boundary, which are otherwise new each time.
    const shared = { date: new Date(), baseBoundary: randomBytes(8).toString('hex') };
    const template = MailTemplate.parse(await build({ ...options, ...shared }), to, marks);
    if (!template) return null;
    const probe = Object.fromEntries(marks.map((m) => [m, randomValue(m.length)]));
    const probeTo = `Probe.${randomValue((to.length % 7) + 3)}+x@probe-${randomValue(5).toLowerCase().replace(/_/g, '')}.invalid`;
    const expected = await build({ ...withValues(options, probe), to: probeTo, ...shared });
    const filled = template.fill(probeTo, probe);
    return filled && filled.equals(expected) ? template : null;
  }

  /** The message for one recipient, or null when a value does not fit its mark (compose it then). */
  fill(to: string, values: Record<string, string>): Buffer | null {
    if (!PLAIN_ADDRESS.test(to)) return null;
    for (const m of this.marks) {
      const v = values[m];
      if (v === undefined || v.length !== m.length || !PLAIN_VALUE.test(v)) return null;
    }
    const out: Buffer[] = [];
    for (const p of this.pieces) {
      if (Buffer.isBuffer(p)) out.push(p);
      else if (p === 'to') out.push(Buffer.from(to, 'latin1'));
      else {
        const v = values[p.mark]!;
        let at = 0;
        p.runs.forEach((n, i) => {
          if (i > 0) out.push(SOFT_BREAK);
          out.push(Buffer.from(v.slice(at, at + n), 'latin1'));
          at += n;
        });
      }
    }
    return Buffer.concat(out);
  }

  /** Cuts the composed message at its `To:` address and at every mark (soft line breaks allowed inside). */
  private static parse(message: Buffer, to: string, marks: string[]): MailTemplate | null {
    const text = message.toString('latin1');
    const headEnd = text.indexOf('\r\n\r\n');
    // The To line, the head's first line or any other (`\n` before it marks a line's start).
    const toLine = `\nTo: ${to}\r\n`;
    const toAt = `\n${text}`.indexOf(toLine);
    if (headEnd < 0 || toAt < 0 || toAt > headEnd || `\n${text}`.indexOf(toLine, toAt + 1) >= 0) return null;
    const found: { at: number; end: number; piece: Piece }[] = [{ at: toAt + 4, end: toAt + 4 + to.length, piece: 'to' }];
    for (const mark of marks) {
      const pattern = new RegExp([...mark].map(escapeRegExp).join('(?:=\\r\\n)?'), 'g');
      for (const match of text.matchAll(pattern)) {
        const runs = match[0].split('=\r\n').map((s) => s.length);
        found.push({ at: match.index, end: match.index + match[0].length, piece: { mark, runs } });
      }
    }
    found.sort((a, b) => a.at - b.at);
    const pieces: Piece[] = [];
    let at = 0;
    for (const f of found) {
      if (f.at < at) return null;
      pieces.push(message.subarray(at, f.at), f.piece);
      at = f.end;
    }
    pieces.push(message.subarray(at));
    return new MailTemplate(pieces, marks);
  }
}

const SOFT_BREAK = Buffer.from('=\r\n', 'latin1');

async function build(options: Mail.Options): Promise<Buffer> {
  return new MailComposer(options).compile().build();
}

function randomValue(length: number): string {
  return [...randomBytes(length)].map((b) => VALUE_CHARS[b & 63]).join('');
}

const escapeRegExp = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `options` with every mark in its strings replaced by its value. */
function withValues(options: Mail.Options, values: Record<string, string>): Mail.Options {
  const put = (s: string) => Object.entries(values).reduce((t, [m, v]) => t.split(m).join(v), s);
  const headers = options.headers as Record<string, string> | undefined;
  return {
    ...options,
    ...(typeof options.text === 'string' ? { text: put(options.text) } : {}),
    ...(typeof options.html === 'string' ? { html: put(options.html) } : {}),
    ...(typeof options.subject === 'string' ? { subject: put(options.subject) } : {}),
    ...(options.messageId ? { messageId: put(options.messageId) } : {}),
    ...(headers ? { headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, put(v)])) } : {}),
  };
}
