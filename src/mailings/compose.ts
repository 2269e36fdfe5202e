import { createHmac, timingSafeEqual } from 'node:crypto';
import './messages.ts';
import { translator, type Language } from '../i18n/index.ts';
import { renderEmail, type RenderedEmail } from '../kits/mail/layout.ts';
import type { Mailing, MailingSettings } from './tables.ts';

// What one message of a mailing is: its version (language, subject), its body in the layout,
// its unsubscribe link and token, its Message-ID and its VERP return path.

export interface Version {
  lang: Language;
  subject: string;
  preheader: string;
  body: string;
}

export function testSubjects(m: Pick<Mailing, 'test_subjects'>): { en: string; es: string }[] {
  try {
    const v = JSON.parse(m.test_subjects) as unknown;
    return Array.isArray(v) ? (v as { en: string; es: string }[]) : [];
  } catch {
    return [];
  }
}

/** The mailing's subjects under test: the mailing's own first, then the others. */
export function subjectsOf(m: Mailing): { en: string; es: string }[] {
  return [{ en: m.subject_en, es: m.subject_es }, ...testSubjects(m)];
}

/** The version a person reads: theirs if the mailing has it, else the other. */
export function versionFor(m: Mailing, personLanguage: string | null, variant: number | null): Version {
  const hasEs = m.body_es.trim() !== '' && m.subject_es.trim() !== '';
  const hasEn = m.body_en.trim() !== '' && m.subject_en.trim() !== '';
  const lang: Language = (personLanguage === 'es' && hasEs) || !hasEn ? 'es' : 'en';
  const subjects = subjectsOf(m);
  const pick = variant ?? m.test_winner ?? 0;
  const subject = subjects[pick]?.[lang] || (lang === 'es' ? m.subject_es : m.subject_en);
  return lang === 'es' ? { lang, subject, preheader: m.preheader_es, body: m.body_es } : { lang, subject, preheader: m.preheader_en, body: m.body_en };
}

const mac = (key: Buffer, what: string) => createHmac('sha256', key).update(what).digest();

/** The unsubscribe link's token: an HMAC of the mailing and the person with the instance's key (none stored). */
export function unsubscribeToken(key: Buffer, mailingId: string, personId: string): string {
  return mac(key, `unsubscribe\u0000${mailingId}\u0000${personId}`).subarray(0, 18).toString('base64url');
}

export function isValidUnsubscribeToken(key: Buffer, mailingId: string, personId: string, token: string): boolean {
  const want = Buffer.from(unsubscribeToken(key, mailingId, personId));
  const got = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want);
}

export function unsubscribeUrl(baseUrl: string, key: Buffer, mailingId: string, personId: string): string {
  return unsubscribeLink(baseUrl, mailingId, personId, unsubscribeToken(key, mailingId, personId));
}

/** The unsubscribe link with its token made already (or a mark in place of person and token: src/mailings/sender.ts). */
export function unsubscribeLink(baseUrl: string, mailingId: string, personId: string, token: string): string {
  return `${baseUrl}/unsubscribe/${mailingId}/${personId}/${token}`;
}

/** `<mailing-<mailing>.<person>@host>`: the same for every send of one mailing to one person. */
export function messageIdOf(mailingId: string, personId: string, host: string): string {
  return `<mailing-${mailingId}.${personId}@${host}>`;
}

/** The mailing and person a Message-ID of ours names, or null. */
export function parseMessageId(messageId: string): { mailingId: string; personId: string } | null {
  const m = /<?mailing-([0-9a-f-]{36})\.([0-9a-f-]{36})@[^>]+>?/i.exec(messageId);
  return m ? { mailingId: m[1]!.toLowerCase(), personId: m[2]!.toLowerCase() } : null;
}

// VERP: the bounce address names the mailing and the person, signed, within SMTP's 64-character
// local part: `b` + the two UUIDs in base32 (52) + `.` + 6 characters of HMAC.
const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

function unbase32(text: string): Buffer | null {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text) {
    const i = B32.indexOf(ch);
    if (i < 0) return null;
    value = ((value << 5) | i) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidOf = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

export function verpAddress(key: Buffer, mailingId: string, personId: string, domain: string): string {
  const ids = base32(Buffer.concat([uuidBytes(mailingId), uuidBytes(personId)]));
  const sig = base32(mac(key, `verp\u0000${ids}`).subarray(0, 4)).slice(0, 6);
  return `b${ids}.${sig}@${domain}`;
}

/** The mailing and person a VERP address names, if its signature holds. */
export function parseVerp(key: Buffer, address: string): { mailingId: string; personId: string } | null {
  const m = /^b([a-z2-7]{52})\.([a-z2-7]{6})@/.exec(address.trim().toLowerCase());
  if (!m) return null;
  const sig = base32(mac(key, `verp\u0000${m[1]}`).subarray(0, 4)).slice(0, 6);
  if (sig !== m[2]) return null;
  const bytes = unbase32(m[1]!);
  if (!bytes || bytes.length < 32) return null;
  return { mailingId: uuidOf(bytes.subarray(0, 16)), personId: uuidOf(bytes.subarray(16, 32)) };
}

/** One version of the mailing in the layout, with `{{unsubscribe}}` standing for the person's link. */
export const UNSUBSCRIBE_MARK = 'https://unsubscribe.invalid/__link__';

export function renderVersion(organization: string, settings: Pick<MailingSettings, 'postal_address'>, v: Version, rewrite?: (url: string, i: number) => string): RenderedEmail {
  const t = translator(v.lang);
  return renderEmail(
    {
      organization,
      lang: v.lang,
      preheader: v.preheader,
      footer: [t('mailing.footer.why', { org: organization }), settings.postal_address],
      footerLink: { label: t('mailing.footer.unsubscribe'), href: UNSUBSCRIBE_MARK },
    },
    v.body,
    rewrite,
  );
}
