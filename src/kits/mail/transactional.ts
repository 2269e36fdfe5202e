import type { Kysely } from 'kysely';
import MarkdownIt from 'markdown-it';
import type { Database } from '../../db/schema.ts';
import type { Mailer, OutgoingMail } from '../../mail/mailer.ts';
import { organizationBrand } from '../../orgs/brand.ts';
import { htmlEmail, textEmail, type EmailFrame } from './layout.ts';

// Every email turnout sends comes in one layout (src/kits/mail/layout.ts). A capability's own
// emails (confirmations, autoresponses, reminders, receipts) are written as plain text; this
// mailer gives each one without an HTML part the layout: the organization's name and accent at
// the top, the text as paragraphs with its addresses as links, the footer under it, and the
// same text with the footer as the plain part. Mailings bring their own HTML and pass through.

// Plain text, not Markdown: only paragraphs, line breaks and addresses made links. A `*` or a `#`
// in a petition's title stays what it is, and anything that looks like HTML is escaped.
const plain = new MarkdownIt('zero', { linkify: true, breaks: true }).enable(['paragraph', 'newline', 'linkify']);
plain.validateLink = (url: string) => /^(?:https?:\/\/|mailto:)/i.test(url);

/** The HTML of a plain-text body: escaped, in paragraphs, its web and email addresses links. */
export function plainTextHtml(text: string): string {
  return plain.render(text);
}

/** The frame of an email from its organization (by id) or, for an email of the instance itself (a sign-in link), from `instance`. */
export async function frameOf(db: Kysely<Database>, mail: OutgoingMail, instance: string): Promise<EmailFrame> {
  const brand = mail.organizationId ? await organizationBrand(db, mail.organizationId) : null;
  return { organization: brand?.name || instance, accent: brand?.accent ?? null, lang: mail.language, footer: mail.footer ?? [] };
}

/** `inner`, with each plain-text email put in the layout first. */
export function withLayout(inner: Mailer, db: Kysely<Database>, instance = 'turnout'): Mailer {
  return {
    async send(mail) {
      if (mail.html !== undefined || mail.layout === false) return inner.send(mail);
      const frame = await frameOf(db, mail, instance);
      return inner.send({ ...mail, text: textEmail(frame, mail.text.trimEnd()), html: htmlEmail(frame, plainTextHtml(mail.text)) });
    },
    close: () => inner.close(),
  };
}
