import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { newId } from '../util/ids.ts';
import { parseMessageId, parseVerp } from './compose.ts';
import { parseMail } from './mail-parser.ts';
import * as repo from './repository.ts';

// Delivery reports, from a DSN or an ARF complaint sent to the VERP return path, or a provider's
// webhook: a hard bounce stops mail to the person (the audience and each send leave them out), a
// complaint unsubscribes them, a soft bounce is only counted.

export type BounceKind = 'hard' | 'soft' | 'complaint';

export interface Report {
  kind: BounceKind;
  source: string;
  detail: string | null;
  /** What names the message, best first: our VERP address, our Message-ID, the recipient's address. */
  verp?: string;
  messageId?: string;
  email?: string;
}

export type Applied = { applied: number; unknown: boolean };

/** Applies a report to the people it names; a report for no message of ours changes nothing. */
export async function applyReport(db: Kysely<Database>, key: Buffer, report: Report): Promise<Applied> {
  const now = new Date().toISOString();
  const targets: { personId: string; organizationId: string; mailingId: string | null }[] = [];
  const named = (report.verp && parseVerp(key, report.verp)) || (report.messageId && parseMessageId(report.messageId)) || null;
  if (named) {
    const recipient = await repo.findRecipient(db, named.mailingId, named.personId);
    if (recipient) targets.push({ personId: recipient.person_id, organizationId: recipient.organization_id, mailingId: recipient.mailing_id });
  } else if (report.email) {
    // A provider's event without our ids: every organization's person at that address who was mailed.
    for (const p of await repo.findPersonByEmail(db, report.email.trim().toLowerCase())) targets.push({ personId: p.id, organizationId: p.organization_id, mailingId: null });
  }
  if (targets.length === 0) return { applied: 0, unknown: true };
  await db.transaction().execute(async (trx) => {
    for (const t of targets) {
      await repo.insertBounce(trx, { id: newId(), organization_id: t.organizationId, person_id: t.personId, mailing_id: t.mailingId, kind: report.kind, source: report.source, detail: report.detail?.slice(0, 500) ?? null, created_at: now });
      if (report.kind === 'complaint') await repo.unsubscribePerson(trx, t.organizationId, t.personId, now);
    }
  });
  return { applied: targets.length, unknown: false };
}

/** The fields of a delivery-status or feedback-report part (`Name: value` lines, continued lines joined). */
function fields(text: string): Map<string, string>[] {
  const groups: Map<string, string>[] = [];
  for (const block of text.replace(/\r\n/g, '\n').split(/\n\s*\n/)) {
    const map = new Map<string, string>();
    for (const line of block.replace(/\n[ \t]+/g, ' ').split('\n')) {
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m) map.set(m[1]!.toLowerCase(), m[2]!.trim());
    }
    if (map.size > 0) groups.push(map);
  }
  return groups;
}

/**
 * What a report emailed to a VERP address says: a DSN (RFC 3464) or an ARF complaint (RFC 5965).
 * `rcptTo` is the address it was sent to (our VERP address). Null when it is neither.
 */
export async function readReportEmail(raw: Buffer | string, rcptTo: string[]): Promise<Report | null> {
  const mail = await parseMail(raw);
  const original = mail.parts.find((p) => p.contentType === 'message/rfc822' || p.contentType === 'text/rfc822-headers')?.content ?? '';
  const messageId = /^message-id:\s*(<[^>\r\n]+>)/im.exec(original)?.[1];
  const verp = rcptTo.find((a) => /^b[a-z2-7]{52}\./i.test(a));
  const feedback = mail.parts.find((p) => p.contentType === 'message/feedback-report');
  if (feedback) {
    const type = fields(feedback.content)[0]?.get('feedback-type') ?? 'abuse';
    return { kind: 'complaint', source: 'arf', detail: `feedback-type ${type}`.slice(0, 500), verp, messageId };
  }
  const status = mail.parts.find((p) => p.contentType === 'message/delivery-status' || p.contentType === 'message/global-delivery-status');
  if (!status) return null;
  const perRecipient = fields(status.content).slice(1);
  const failed = perRecipient.find((f) => (f.get('action') ?? '').toLowerCase() === 'failed') ?? perRecipient.find((f) => (f.get('action') ?? '').toLowerCase() === 'delayed');
  if (!failed) return null;
  const code = failed.get('status') ?? '';
  const hard = (failed.get('action') ?? '').toLowerCase() === 'failed' && code.startsWith('5');
  // Anyone can send a DSN: it must name a message of ours (the signed VERP address or our
  // Message-ID); the recipient's address alone is not enough, or a forged report could stop mail.
  return { kind: hard ? 'hard' : 'soft', source: 'dsn', detail: [code, failed.get('diagnostic-code')].filter(Boolean).join(' ').slice(0, 500), verp, messageId };
}

/** Amazon SES through SNS: a Bounce (Permanent is hard) or a Complaint notification. */
export function readSesNotification(body: unknown): Report[] {
  const message = typeof body === 'object' && body !== null ? (body as { Message?: unknown }).Message : undefined;
  let n: Record<string, any>;
  try {
    n = typeof message === 'string' ? JSON.parse(message) : (body as Record<string, any>);
  } catch {
    return [];
  }
  const type = n?.notificationType ?? n?.eventType;
  const headers: { name: string; value: string }[] = Array.isArray(n?.mail?.headers) ? n.mail.headers : [];
  const messageId = headers.find((h) => typeof h?.name === 'string' && h.name.toLowerCase() === 'message-id')?.value;
  if (type === 'Bounce' && Array.isArray(n.bounce?.bouncedRecipients)) {
    const hard = n.bounce.bounceType === 'Permanent';
    return n.bounce.bouncedRecipients
      .filter((r: any) => typeof r?.emailAddress === 'string')
      .map((r: any) => ({ kind: hard ? 'hard' : 'soft', source: 'ses', detail: String(r.diagnosticCode ?? n.bounce.bounceSubType ?? '').slice(0, 500) || null, messageId, email: r.emailAddress }));
  }
  if (type === 'Complaint' && Array.isArray(n.complaint?.complainedRecipients)) {
    return n.complaint.complainedRecipients
      .filter((r: any) => typeof r?.emailAddress === 'string')
      .map((r: any) => ({ kind: 'complaint', source: 'ses', detail: String(n.complaint.complaintFeedbackType ?? 'abuse').slice(0, 500), messageId, email: r.emailAddress }));
  }
  return [];
}

/** Postmark's bounce and spam-complaint webhooks (`RecordType` Bounce / SpamComplaint). */
export function readPostmarkEvent(body: unknown): Report[] {
  const e = (typeof body === 'object' && body !== null ? body : {}) as Record<string, any>;
  if (typeof e.Email !== 'string') return [];
  const headers: { Name: string; Value: string }[] = Array.isArray(e.Headers) ? e.Headers : [];
  const messageId = headers.find((h) => typeof h?.Name === 'string' && h.Name.toLowerCase() === 'message-id')?.Value;
  if (e.RecordType === 'SpamComplaint' || e.Type === 'SpamComplaint') return [{ kind: 'complaint', source: 'postmark', detail: 'spam complaint', messageId, email: e.Email }];
  if (e.RecordType === 'Bounce') {
    const hard = ['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated', 'Blocked'].includes(e.Type);
    return [{ kind: hard ? 'hard' : 'soft', source: 'postmark', detail: String(e.Description ?? e.Type ?? '').slice(0, 500) || null, messageId, email: e.Email }];
  }
  return [];
}
