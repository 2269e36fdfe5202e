// The audit log in sentences: "Ana López closed the petition “Stop facial recognition”". Each
// stored kind (`petition.changed`) has its sentence here, built from the entry's details and the
// names of the ids it holds (looked up by the page); a kind not listed still reads as a sentence
// ("Ana López did “fundraising page archived” on …"). No sentence shows a raw id or JSON.

/** One stored audit row, as the log reads it. */
export interface AuditEntry {
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
  created_at: string;
  /** Who did it: their name or email, or null when turnout did it (a job, a supporter's link). */
  who: string | null;
}

/** Names by id (users, people, actions, organizations) and organizations by slug, each a phrase ready for a sentence. */
export type AuditNames = ReadonlyMap<string, string>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isId = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/** Every id an entry holds (its subject, its details' values), for the page to look up. */
export function idsOf(e: Pick<AuditEntry, 'subject' | 'details'>): string[] {
  const found = new Set<string>();
  const walk = (v: unknown, depth: number) => {
    if (isId(v)) found.add(v);
    else if (depth < 3 && Array.isArray(v)) v.forEach((x) => walk(x, depth + 1));
    else if (depth < 3 && v && typeof v === 'object') Object.values(v).forEach((x) => walk(x, depth + 1));
  };
  walk(e.subject, 0);
  walk(e.details, 0);
  return [...found];
}

const quote = (s: unknown) => `“${String(s)}”`;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const count = (n: unknown, one: string, many: string) => {
  const v = num(n);
  return v === null ? `the ${many}` : `${v.toLocaleString('en-US')} ${v === 1 ? one : many}`;
};
/** "title, slug and status" from ['title', 'slug', 'status'], the fields' names in words. */
function fieldList(v: unknown): string {
  const words = (Array.isArray(v) ? v : []).map((f) => String(f).replace(/_/g, ' ')).filter(Boolean);
  if (words.length === 0) return 'details';
  if (words.length === 1) return words[0]!;
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
const article = (noun: string) => (/^[aeiou]/i.test(noun) ? 'an' : 'a');
const ROLES: Record<string, string> = { owner: 'an owner', admin: 'an admin', organizer: 'an organizer', viewer: 'a viewer' };
const role = (v: unknown) => ROLES[String(v)] ?? 'a member';

/** Writes sentences with the names of one page of entries. */
class Writer {
  constructor(
    readonly names: AuditNames,
    readonly e: AuditEntry,
  ) {}
  get d() {
    return this.e.details;
  }
  /** The one who acted; `turnout` for what the system did. */
  get who() {
    return this.e.who ?? 'turnout';
  }
  /** The subject as a phrase: its looked-up name, else the title kept in the details, else a word for what it is. */
  thing(noun: string, id: unknown = this.e.subject): string {
    const named = isId(id) ? this.names.get(id) : undefined;
    if (named) return named;
    const title = str(this.d.title) ?? str(this.d.name);
    if (title) return `the ${noun} ${quote(title)}`;
    // Not found: deleted, or a kind of record no lookup names (a mailing); "a mailing" is true of both.
    return `${article(noun)} ${noun}`;
  }
  person(id: unknown = this.e.subject): string {
    return (isId(id) && this.names.get(id)) || 'a person';
  }
  /** An email stored as the subject or a detail (a host, an invited member). */
  email(v: unknown): string {
    return str(v) ?? 'someone';
  }
}

type Sentence = (w: Writer) => string;

const changed = (noun: string): Sentence => (w) => {
  const to = (w.d.to ?? {}) as Record<string, unknown>;
  const fields = Array.isArray(w.d.changed) ? (w.d.changed as unknown[]) : [];
  if (fields.length === 1 && fields[0] === 'status' && typeof to.status === 'string') {
    if (to.status === 'closed') return `${w.who} closed ${w.thing(noun)}`;
    if (to.status === 'open') return `${w.who} opened ${w.thing(noun)}`;
    return `${w.who} set ${w.thing(noun)} to ${to.status.replace(/_/g, ' ')}`;
  }
  if (fields.length === 1 && fields[0] === 'challenge' && typeof to.challenge === 'string') {
    return `${w.who} set the anti-bot challenge of ${w.thing(noun)} to ${to.challenge}`;
  }
  return `${w.who} changed the ${fieldList(fields)} of ${w.thing(noun)}`;
};
const created = (noun: string): Sentence => (w) => `${w.who} created ${w.thing(noun)}`;
const delivered = (noun: string): Sentence => (w) =>
  `${w.who} recorded that ${w.thing(noun)} was delivered${str(w.d.delivered_on) ? ` on ${w.d.delivered_on}` : ''}${str(w.d.method) ? ` (${String(w.d.method).replace(/_/g, ' ')})` : ''}`;
const BLOCK_KINDS: Record<string, string> = { domain: 'the email domain', client_key: 'the connection' };
const blockOf = (w: Writer) => `${BLOCK_KINDS[String(w.d.kind)] ?? 'the sender'} ${quote(w.d.kind === 'client_key' ? String(w.d.value ?? '').slice(0, 8) + '…' : (w.d.value ?? ''))}`;

const SENTENCES: Record<string, Sentence> = {
  'user.signed_in': (w) => `${w.who} signed in`,
  'user.two_factor_enabled': (w) => `${w.who} turned on two-factor sign-in for their account`,
  'user.two_factor_disabled': (w) => `${w.who} turned off two-factor sign-in for their account`,
  'role.changed': (w) => (w.e.who ? `${w.who} made ${w.person()} ${role(w.d.role)}` : `${w.person()} became ${role(w.d.role)}`),
  'member.invited': (w) => `${w.who} invited ${w.email(w.e.subject)} to join as ${role(w.d.role)}`,
  'member.joined': (w) => `${w.person()} joined as ${role(w.d.role)}`,
  'member.removed': (w) => `${w.who} removed ${w.email(w.d.email)} from the organization`,
  'settings.changed': (w) => `${w.who} ${w.d.require_two_factor ? 'required' : 'stopped requiring'} two-factor sign-in for every member`,
  'block.added': (w) => `${w.who} blocked ${blockOf(w)}${str(w.d.note) ? ` (${w.d.note})` : ''}`,
  'block.removed': (w) => `${w.who} removed the block on ${blockOf(w)}, after ${count(w.d.refusals, 'refusal', 'refusals')}`,

  'petition.created': created('petition'),
  'petition.changed': changed('petition'),
  'signatures.exported': (w) => `${w.who} downloaded ${count(w.d.signatures, 'signature', 'signatures')} of ${w.thing('petition')}`,
  'signatures.invalidated': (w) => `${w.who} invalidated ${count(w.d.signatures, 'signature', 'signatures')} of ${w.thing('petition')}${str(w.d.reason) ? `: ${quote(w.d.reason)}` : ''}`,
  'signatures.restored': (w) => `${w.who} restored ${count(w.d.signatures, 'invalidated signature', 'invalidated signatures')} of ${w.thing('petition')}`,
  'petition.delivery_exported': (w) => `${w.who} downloaded ${w.thing('petition')} for delivery${str(w.d.format) ? ` as ${String(w.d.format).toUpperCase()}` : ''}`,
  'petition.delivered': delivered('petition'),
  'petition.delivery_removed': (w) => `${w.who} removed a delivery record of ${w.thing('petition')}`,

  'event.created': created('event'),
  'event.changed': changed('event'),
  'event.capacity_changed': (w) => `${w.who} changed the capacity of ${w.thing('event')} from ${w.d.from ?? 'unlimited'} to ${w.d.to ?? 'unlimited'}`,
  'event.cancelled': (w) => `${w.who} cancelled ${w.thing('event')}`,
  'attendances.exported': (w) => `${w.who} downloaded ${count(w.d.attendees, 'attendee', 'attendees')} of ${w.thing('event')}`,
  'event.host_offered': (w) => `A host offered to hold ${w.thing('event')} in ${w.thing('event campaign', w.d.campaign)}`,
  'event.approved': (w) => (w.e.who ? `${w.who} approved ${w.thing('event')}` : `${w.thing('event')} was published at once: its host is trusted`),
  'event.rejected': (w) => `${w.who} rejected ${w.thing('event')}`,
  'event.host_link_revoked': (w) => `${w.who} revoked the host's link of ${w.thing('event')}${w.d.new_link_sent ? ' and sent the host a new one' : ''}`,
  'event.host_message': (w) => `The host of ${w.thing('event')} emailed ${count(w.d.recipients, 'attendee', 'attendees')}${str(w.d.subject) ? `: ${quote(w.d.subject)}` : ''}`,
  'host.trusted': (w) => `${w.who} trusted the host ${w.email(w.e.subject)}: their next events are published without review`,
  'host.untrusted': (w) => `${w.who} stopped trusting the host ${w.email(w.e.subject)}`,
  'event_campaign.created': created('event campaign'),
  'event_campaign.changed': (w) => `${w.who} changed ${w.thing('event campaign')}`,

  'letter_campaign.created': created('letter campaign'),
  'letter_campaign.changed': (w) => (w.d.status === 'closed' ? `${w.who} closed ${w.thing('letter campaign')}` : `${w.who} changed ${w.thing('letter campaign')}`),
  'outreaches.exported': (w) => `${w.who} downloaded ${count(w.d.outreaches, 'letter', 'letters')} of ${w.thing('letter campaign')}`,
  'letter_targets.replaced': (w) => `${w.who} replaced the targets of ${w.thing('letter campaign')} with ${count(w.d.targets, 'target', 'targets')}`,
  'letter_target.bounced': (w) => `${w.who} marked a target of ${w.thing('letter campaign', w.d.campaign)} as bouncing`,
  'letter_target.resumed': (w) => `${w.who} resumed delivery to a target of ${w.thing('letter campaign', w.d.campaign)}${w.d.new_email ? ' at a new address' : ''}`,

  'open_letter.created': created('open letter'),
  'open_letter.changed': changed('open letter'),
  'open_letter.moderated': (w) => `${w.who} ${w.d.to === 'approved' ? 'approved' : w.d.to === 'rejected' ? 'rejected' : `set to ${String(w.d.to ?? 'another status')}`} the signature of ${quote(w.d.organization ?? 'an organization')} on ${w.thing('open letter')}`,
  'open_letter.merged': (w) => `${w.who} merged two signatures of ${quote(w.d.organization ?? 'an organization')} on ${w.thing('open letter')}`,
  'open_letter.trusted': (w) => `${w.who} trusted ${quote(w.d.organization ?? 'an organization')}: its next signatures are approved without review`,
  'open_letter.untrusted': (w) => `${w.who} stopped trusting an organization signing open letters`,
  'open_letter.exported': (w) => `${w.who} downloaded ${count(w.d.organizations, 'signing organization', 'signing organizations')} of ${w.thing('open letter')}`,
  'open_letter.delivered': delivered('open letter'),
  'open_letter.delivery_removed': (w) => `${w.who} removed a delivery record of ${w.thing('open letter')}`,

  'attendance.checked_in': (w) => `${w.who} checked in an attendee of ${w.thing('event', w.d.event)}`,
  'attendance.check_in_undone': (w) => `${w.who} undid the check-in of an attendee of ${w.thing('event', w.d.event)}`,
  'event_campaign.events_imported': (w) => `${w.who} imported ${count(w.d.events, 'event', 'events')} into ${w.thing('event campaign', w.d.campaign)}`,

  'form.created': created('form'),
  'form.updated': (w) => `${w.who} changed the ${fieldList(w.d.changed)} of ${w.thing('form')}`,
  'submissions.exported': (w) => `${w.who} downloaded ${count(w.d.submissions, 'submission', 'submissions')} of ${w.thing('form')}`,

  'embed_origin.added': (w) => `${w.who} allowed the site ${quote(w.d.origin ?? 'a site')} to embed this organization's actions`,
  'embed_origin.removed': (w) => `${w.who} stopped allowing the site ${quote(w.d.origin ?? 'a site')} to embed this organization's actions`,

  'webhook.created': (w) => `${w.who} added the webhook to ${quote(w.d.url ?? 'an address')}`,
  'webhook.changed': (w) => `${w.who} changed the webhook to ${quote(w.d.url ?? 'an address')}`,
  'webhook.deleted': (w) => `${w.who} deleted the webhook to ${quote(w.d.url ?? 'an address')}`,
  'webhook.enabled': (w) => `${w.who} turned on the webhook to ${quote(w.d.url ?? 'an address')}`,
  'webhook.disabled': (w) => `${w.who} turned off the webhook to ${quote(w.d.url ?? 'an address')}`,
  'webhook.secret_rolled': (w) => `${w.who} made a new signing secret for the webhook to ${quote(w.d.url ?? 'an address')}`,
  'webhook.resent': (w) => `${w.who} sent a delivery of the webhook to ${quote(w.d.url ?? 'an address')} again`,

  'fundraising_page.created': created('fundraising page'),
  'fundraising_page.changed': (w) => `${w.who} changed ${w.thing('fundraising page')}`,
  'donations.exported': (w) => `${w.who} downloaded ${count(w.d.donations, 'donation', 'donations')}${w.e.subject ? ` of ${w.thing('fundraising page')}` : ''}`,
  'donation_settings.changed': (w) => `${w.who} changed the fundraising settings${w.d.actblue_password === 'changed' ? ' and the ActBlue password' : w.d.actblue_password === 'removed' ? ' and removed the ActBlue credentials' : ''}`,

  'mailing.created': (w) => `${w.who} started ${w.thing('mailing')}`,
  'mailing.saved': (w) => `${w.who} edited ${w.thing('mailing')}`,
  'mailing.test': (w) => `${w.who} sent themselves a test of ${w.thing('mailing')}`,
  'mailing.scheduled': (w) => `${w.who} scheduled ${w.thing('mailing')}`,
  'mailing.sending': (w) => `${w.who} sent ${w.thing('mailing')}`,
  'mailing.paused': (w) => `${w.who} paused ${w.thing('mailing')}`,
  'mailing.resumed': (w) => `${w.who} resumed ${w.thing('mailing')}`,
  'mailing.cancelled': (w) => `${w.who} cancelled ${w.thing('mailing')}`,
  'mailing.unscheduled': (w) => `${w.who} took ${w.thing('mailing')} off the schedule`,
  'mailing.winner': (w) => `${w.who} picked the winning subject of ${w.thing('mailing')}`,
  'mailing.settings_changed': (w) => `${w.who} changed the sending settings${num(w.d.rate_per_second) !== null ? ` (${w.d.rate_per_second} emails a second${num(w.d.daily_cap) !== null ? `, at most ${num(w.d.daily_cap)!.toLocaleString('en-US')} a day` : ''})` : ''}`,

  'partner.invited': (w) => `${w.who} invited ${w.names.get(`slug:${String(w.d.partner)}`) ?? (w.d.partner_name ? quote(w.d.partner_name) : 'an organization')} to join ${w.thing('action')} as a partner`,
  'partner.removed': (w) => `${w.who} removed ${isId(w.d.partner_id) ? (w.names.get(w.d.partner_id) ?? 'a partner') : 'a partner'} from ${w.thing('action')}`,
  'partnership.accepted': (w) => `${w.who} accepted the invitation to join ${w.thing('action')} as a partner`,
  'partnership.declined': (w) => `${w.who} declined the invitation to join ${w.thing('action')} as a partner`,

  'people.imported': (w) =>
    `${w.who} imported ${str(w.d.file) ? quote(w.d.file) : 'a file'}: ${count(w.d.added, 'person', 'people')} added, ${count(w.d.merged, 'merged', 'merged')}, ${count(w.d.rejected, 'row', 'rows')} rejected${str(w.d.tag) ? `, tagged ${quote(w.d.tag)}` : ''}`,
  'person.erased': (w) => `${w.who} erased a person's personal data${num(w.d.signatures_kept) ? ` (their ${count(w.d.signatures_kept, 'signature', 'signatures')} still count)` : ''}`,
  'person.exported': (w) => `${w.who} downloaded everything kept about ${w.person()}`,
};

/** "fundraising page archived" from `fundraising_page.archived`. */
const words = (action: string) => action.replace(/[._]/g, ' ').trim();

/** A kind with no sentence: who, what in words, on what, and its simple details (never an id, never JSON). */
function fallback(w: Writer): string {
  const on = w.e.subject ? (isId(w.e.subject) ? w.names.get(w.e.subject) : str(w.e.subject)) : null;
  const parts = Object.entries(w.d)
    .filter(([, v]) => (typeof v === 'string' && !UUID.test(v) && v.length <= 80) || typeof v === 'number' || typeof v === 'boolean')
    .slice(0, 4)
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)}`);
  return `${w.who} did ${quote(words(w.e.action))}${on ? ` on ${on}` : ''}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/** The entry as one sentence, ending with the time it happened (UTC, to the minute). */
export function auditSentence(e: AuditEntry, names: AuditNames): string {
  const w = new Writer(names, e);
  const said = (SENTENCES[e.action] ?? fallback)(w);
  // "The event “…” was published": a sentence that starts with our own word gets a capital; a name stays as its owner wrote it.
  const sentence = /^(the|a|an) /.test(said) ? said.charAt(0).toUpperCase() + said.slice(1) : said;
  return `${sentence} at ${e.created_at.slice(11, 16)}`;
}

/** Whether a kind has a sentence of its own (the rest read through the fallback). */
export const hasSentence = (action: string) => action in SENTENCES;
