import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { EventCampaign } from './tables.ts';
import type { EventRow } from '../events/index.ts';
import type { UnitOfWork } from '../actions/unit-of-work.ts';
import { audit } from '../accounts/service.ts';
import './messages.ts';
import type { FieldErrors } from '../actions/people/validate.ts';
import { isCleanText } from '../actions/people/normalize.ts';
import { insertUnderFreeSlug, slugify } from '../util/slug.ts';
import { createEvent, hostToken, recordCheckIn, tokenMatches, updateEvent } from '../events/index.ts';
import { type EventColumns } from '../events/index.ts';
import { eventQueries as events } from '../events/index.ts';
import { newId } from '../util/ids.ts';
import * as repo from './repository.ts';

export const JOB_HOST_CONFIRM = 'event_campaign.host_confirm';
export const JOB_HOST_APPROVED = 'event_campaign.host_approved';
export const JOB_HOST_REJECTED = 'event_campaign.host_rejected';
export const JOB_HOST_NEW_LINK = 'event_campaign.host_new_link';
export const JOB_HOST_MESSAGE = 'event_campaign.host_message';
export { scheduleReviewDigest } from './review-digest.ts';
import { scheduleReviewDigest } from './review-digest.ts';

export const CAMPAIGN_LIMITS = { title: 200, description: 10_000, slug: 60, originSystem: 100 } as const;

/** Messages a host may send their attendees per event in a day: enough to organize, too few to spam. */
export const HOST_MESSAGES_PER_DAY = 3;
export const HOST_MESSAGE_LIMITS = { subject: 150, body: 5000 } as const;

type Db = Kysely<Database>;

/** A campaign the rules refuse, such as a closed one offered an event. */
export class CampaignError extends Error {}

/** Fields checkCampaignFields refuses, given to createCampaign/updateCampaign without asking it first. */
export class CampaignFieldsError extends Error {
  constructor(readonly errors: FieldErrors) {
    super(`campaign fields refused: ${Object.keys(errors).join(', ')}`);
  }
}

export interface CampaignFields {
  title: string;
  description: string;
  status: 'open' | 'closed';
  slug?: string;
  origin_system?: string;
  /** The Spanish versions ('' or null: none); absent keeps them. */
  title_es?: string | null;
  description_es?: string | null;
}

/**
 * Checks a campaign's fields as the console and the API send them (absent ones are not checked)
 * and says what is wrong with each, in message keys (messages.ts) the console and the API
 * translate. Nothing is written here.
 */
export function checkCampaignFields(f: { title?: string; description?: string; title_es?: string | null; description_es?: string | null }): FieldErrors {
  const errors: FieldErrors = {};
  if (f.title !== undefined) {
    const title = f.title.trim();
    const field = 'campaignedit.field.title';
    if (!title) errors.title = { key: 'campaignedit.error.required', values: { field } };
    else if (!isCleanText(title)) errors.title = { key: 'campaignedit.error.invalid_line', values: { field } };
    else if (title.length > CAMPAIGN_LIMITS.title) errors.title = { key: 'form.error.too_long', values: { field, max: CAMPAIGN_LIMITS.title } };
  }
  if (f.description !== undefined) {
    const field = 'campaignedit.field.description';
    if (!isCleanText(f.description, true)) errors.description = { key: 'campaignedit.error.invalid_text', values: { field } };
    else if (f.description.length > CAMPAIGN_LIMITS.description) errors.description = { key: 'form.error.too_long', values: { field, max: CAMPAIGN_LIMITS.description } };
  }
  // The Spanish versions: optional, with the English fields' bounds.
  const titleEs = f.title_es?.trim();
  if (titleEs) {
    const field = 'campaignedit.field.title_es';
    if (!isCleanText(titleEs)) errors.title_es = { key: 'campaignedit.error.invalid_line', values: { field } };
    else if (titleEs.length > CAMPAIGN_LIMITS.title) errors.title_es = { key: 'form.error.too_long', values: { field, max: CAMPAIGN_LIMITS.title } };
  }
  const descriptionEs = f.description_es?.trim();
  if (descriptionEs) {
    const field = 'campaignedit.field.description_es';
    if (!isCleanText(descriptionEs, true)) errors.description_es = { key: 'campaignedit.error.invalid_text', values: { field } };
    else if (descriptionEs.length > CAMPAIGN_LIMITS.description) errors.description_es = { key: 'form.error.too_long', values: { field, max: CAMPAIGN_LIMITS.description } };
  }
  return errors;
}

/** A Spanish version as stored: trimmed, null for none, undefined when absent. */
const spanish = (v: string | null | undefined) => (v === undefined ? undefined : v?.trim() || null);

function guard(f: Parameters<typeof checkCampaignFields>[0]) {
  const errors = checkCampaignFields(f);
  if (Object.keys(errors).length > 0) throw new CampaignFieldsError(errors);
}

export async function createCampaign(db: Db, organizationId: string, f: CampaignFields, now: string): Promise<EventCampaign> {
  guard(f);
  const id = newId();
  const base = slugify(f.slug || f.title, 'week-of-action');
  await insertUnderFreeSlug(base, (slug) => repo.campaignSlugExists(db, slug), (slug) => repo.insertCampaignUnlessSlugTaken(db, {
    id,
    organization_id: organizationId,
    slug,
    title: f.title.trim(),
    description: f.description.trim(),
    title_es: spanish(f.title_es) ?? null,
    description_es: spanish(f.description_es) ?? null,
    status: f.status,
    origin_system: f.origin_system?.trim() || 'turnout',
    created_at: now,
    modified_at: now,
  }));
  return (await repo.findCampaign(db, organizationId, id))!;
}

export async function updateCampaign(
  db: Db,
  campaign: EventCampaign,
  changes: Partial<Pick<CampaignFields, 'title' | 'description' | 'status' | 'title_es' | 'description_es'>>,
  now: string,
): Promise<EventCampaign> {
  guard(changes);
  const set = {
    ...(changes.title !== undefined ? { title: changes.title.trim() } : {}),
    ...(changes.description !== undefined ? { description: changes.description.trim() } : {}),
    ...(changes.status !== undefined ? { status: changes.status } : {}),
    ...(changes.title_es !== undefined ? { title_es: spanish(changes.title_es) } : {}),
    ...(changes.description_es !== undefined ? { description_es: spanish(changes.description_es) } : {}),
  };
  if (Object.keys(set).length > 0) await repo.updateCampaign(db, campaign.organization_id, campaign.id, { ...set, modified_at: now });
  return (await repo.findCampaign(db, campaign.organization_id, campaign.id))!;
}

/** The token in a host's email-confirmation link: an HMAC of the event id, so nothing is stored. */
export function hostEmailToken(secret: Buffer, eventId: string): string {
  return createHmac('sha256', secret).update(`event-host-email:${eventId}`).digest('base64url');
}

export const isHostEmailToken = (secret: Buffer, eventId: string, token: string) => tokenMatches(hostEmailToken(secret, eventId), token);

/** Whether a host link is the current one for the event: an old version's link no longer opens. */
export const isHostLink = (secret: Buffer, event: Pick<EventRow, 'id' | 'host_link_version'>, token: string) =>
  tokenMatches(hostToken(secret, event.id, event.host_link_version), token);

/**
 * Someone offers to host an event in an open campaign: the event is saved as pending and the
 * host gets a link to confirm their email. Nothing is public until the email is confirmed and,
 * unless the organization trusts the host, an organizer approves it.
 */
export async function offerToHost(
  uow: UnitOfWork,
  campaign: Pick<EventCampaign, 'id' | 'organization_id' | 'status'>,
  offer: { hostName: string; hostEmail: string; event: EventColumns; language: string },
): Promise<EventRow> {
  if (campaign.status !== 'open') throw new CampaignError('this campaign takes no more events');
  const event = await createEvent(uow, campaign.organization_id, offer.event, {
    status: 'pending',
    campaignId: campaign.id,
    hostName: offer.hostName,
    hostEmail: offer.hostEmail,
  });
  // The offer's record also keeps the host's language, for the emails that follow a decision.
  await audit(uow.trx, { organizationId: campaign.organization_id, userId: null, action: 'event.host_offered', subject: event.id, details: { campaign: campaign.id, language: offer.language } });
  uow.enqueue(JOB_HOST_CONFIRM, { eventId: event.id, language: offer.language });
  return event;
}

/**
 * An organizer (through the API) adds an event to a campaign. A host named by the organizer
 * counts as confirmed: a tentative event goes straight to the moderation queue, and approving
 * it sends the host their private link.
 */
export async function addCampaignEvent(
  uow: UnitOfWork,
  campaign: Pick<EventCampaign, 'id' | 'organization_id'>,
  event: EventColumns,
  opts: { status: 'confirmed' | 'pending'; hostName: string | null; hostEmail: string | null; originSystem?: string },
): Promise<EventRow> {
  const created = await createEvent(uow, campaign.organization_id, event, { campaignId: campaign.id, status: opts.status, hostName: opts.hostName, hostEmail: opts.hostEmail, originSystem: opts.originSystem });
  if (!opts.hostEmail) return created;
  await events.updateEvent(uow.trx, created.id, { host_email_confirmed_at: uow.now });
  if (opts.status === 'pending') await scheduleReviewDigest(uow, campaign.organization_id);
  return { ...created, host_email_confirmed_at: uow.now };
}

/**
 * An organizer adds events to a campaign from the console (one from the form, or the accepted
 * rows of a CSV file, all in one transaction): approved at once, since an organizer made them.
 * A host named with an email gets their private link, as when an organizer approves an offer.
 */
export async function organizerAddEvents(
  uow: UnitOfWork,
  campaign: Pick<EventCampaign, 'id' | 'organization_id'>,
  rows: { columns: EventColumns; host: { name: string; email: string } | null; slug?: string }[],
  by: { userId: string; via: 'console' | 'csv' },
): Promise<EventRow[]> {
  const created: EventRow[] = [];
  for (const row of rows) {
    const event = await createEvent(uow, campaign.organization_id, row.columns, {
      campaignId: campaign.id,
      status: 'confirmed',
      hostName: row.host?.name ?? null,
      hostEmail: row.host?.email ?? null,
      slug: row.slug,
    });
    if (row.host) {
      await events.updateEvent(uow.trx, event.id, { host_email_confirmed_at: uow.now });
      uow.enqueue(JOB_HOST_APPROVED, { eventId: event.id });
    }
    created.push(event);
  }
  if (created.length > 0) {
    await audit(uow.trx, {
      organizationId: campaign.organization_id,
      userId: by.userId,
      action: by.via === 'csv' ? 'event_campaign.events_imported' : 'event.created',
      subject: by.via === 'csv' ? campaign.id : created[0]!.id,
      details: { campaign: campaign.id, events: created.length, ...(by.via === 'console' ? { title: created[0]!.title } : {}) },
    });
  }
  return created;
}

export type HostConfirmOutcome = 'live' | 'awaiting_approval' | 'invalid';

/**
 * The host confirmed their email. A trusted host's event goes live at once (and they get their
 * management link); any other waits for an organizer. Confirming again changes nothing.
 */
export async function confirmHostEmail(uow: UnitOfWork, eventId: string): Promise<HostConfirmOutcome> {
  const event = await events.lockEvent(uow.trx, uow.dialect, eventId);
  if (!event || event.status === 'rejected' || event.status === 'cancelled' || !event.host_email) return 'invalid';
  if (event.host_email_confirmed_at) return event.status === 'confirmed' ? 'live' : 'awaiting_approval';
  const trusted = event.status === 'pending' && (await repo.isTrustedHost(uow.trx, event.organization_id, event.host_email));
  await events.updateEvent(uow.trx, event.id, {
    host_email_confirmed_at: uow.now,
    ...(trusted ? { status: 'confirmed' as const } : {}),
    modified_at: uow.now,
  });
  if (!trusted) {
    if (event.status === 'pending') await scheduleReviewDigest(uow, event.organization_id);
    return event.status === 'confirmed' ? 'live' : 'awaiting_approval';
  }
  await audit(uow.trx, { organizationId: event.organization_id, userId: null, action: 'event.approved', subject: event.id, details: { trusted_host: event.host_email } });
  uow.enqueue(JOB_HOST_APPROVED, { eventId: event.id });
  return 'live';
}

/** An organizer's decision on a pending event whose host confirmed their email. */
export async function moderateEvent(
  uow: UnitOfWork,
  m: { organizationId: string; eventId: string; byUserId: string; decision: 'approve' | 'reject'; trustHost?: boolean },
): Promise<'done' | 'not_pending'> {
  const event = await events.lockEvent(uow.trx, uow.dialect, m.eventId);
  if (!event || event.organization_id !== m.organizationId || event.status !== 'pending' || !event.host_email_confirmed_at) return 'not_pending';
  const status = m.decision === 'approve' ? 'confirmed' : 'rejected';
  await events.updateEvent(uow.trx, event.id, { status, modified_at: uow.now });
  await audit(uow.trx, { organizationId: m.organizationId, userId: m.byUserId, action: m.decision === 'approve' ? 'event.approved' : 'event.rejected', subject: event.id, details: { title: event.title, host: event.host_email } });
  uow.enqueue(m.decision === 'approve' ? JOB_HOST_APPROVED : JOB_HOST_REJECTED, { eventId: event.id });
  if (m.decision === 'approve' && m.trustHost && event.host_email) {
    await repo.trustHost(uow.trx, m.organizationId, event.host_email, uow.now);
    await audit(uow.trx, { organizationId: m.organizationId, userId: m.byUserId, action: 'host.trusted', subject: event.host_email });
  }
  return 'done';
}

/** Revokes every host link of an event issued so far; the host gets the new one if asked. */
export async function revokeHostLink(uow: UnitOfWork, r: { organizationId: string; eventId: string; byUserId: string; sendNewLink: boolean }): Promise<boolean> {
  const event = await events.lockEvent(uow.trx, uow.dialect, r.eventId);
  if (!event || event.organization_id !== r.organizationId) return false;
  await events.updateEvent(uow.trx, event.id, { host_link_version: event.host_link_version + 1, modified_at: uow.now });
  await audit(uow.trx, { organizationId: r.organizationId, userId: r.byUserId, action: 'event.host_link_revoked', subject: event.id, details: { new_link_sent: r.sendNewLink && Boolean(event.host_email) } });
  if (r.sendNewLink && event.host_email) uow.enqueue(JOB_HOST_NEW_LINK, { eventId: event.id, version: event.host_link_version + 1 });
  return true;
}

/** A host marks an attendee as there (or not); the events service keeps the event's count. */
export async function checkIn(uow: UnitOfWork, eventId: string, attendanceId: string, attended: boolean): Promise<boolean> {
  return (await recordCheckIn(uow, eventId, attendanceId, attended)) === 'changed';
}

/** A host changes their event from their private link, through the same update as the console's. */
export async function hostUpdateEvent(uow: UnitOfWork, eventId: string, columns: EventColumns) {
  return updateEvent(uow, eventId, columns);
}

/**
 * A host's message to the people going: one email job per attendee, so a failure retries one
 * address, not all. Each event may send HOST_MESSAGES_PER_DAY in 24 hours (counted in the audit log).
 */
export async function sendHostMessage(
  uow: UnitOfWork,
  event: Pick<EventRow, 'id' | 'organization_id'>,
  message: { subject: string; body: string },
): Promise<{ sent: number } | 'rate_limited'> {
  const since = new Date(Date.parse(uow.now) - 86_400_000).toISOString();
  if ((await repo.hostMessagesSince(uow.trx, event.organization_id, event.id, since)) >= HOST_MESSAGES_PER_DAY) return 'rate_limited';
  const going = (await events.activeAttendances(uow.trx, event.id)).filter((a) => a.status === 'accepted');
  const messageId = newId();
  for (const a of going) uow.enqueue(JOB_HOST_MESSAGE, { eventId: event.id, attendanceId: a.id, messageId, subject: message.subject, body: message.body });
  await audit(uow.trx, { organizationId: event.organization_id, userId: null, action: 'event.host_message', subject: event.id, details: { recipients: going.length, subject: message.subject } });
  return { sent: going.length };
}

export interface RegionTotals {
  /** Two-letter state, or null for online events and events without one. */
  region: string | null;
  online: boolean;
  events: number;
  rsvps: number;
  attended: number;
}

export interface CampaignTotals {
  events: number;
  rsvps: number;
  attended: number;
  byRegion: RegionTotals[];
}

/** Totals per campaign of an organization (or of one campaign): confirmed events, accepted RSVPs, attendance, by state. */
export async function campaignTotals(db: Db, organizationId: string, campaignId?: string): Promise<Map<string, CampaignTotals>> {
  const rows = await repo.campaignTotalsByRegion(db, organizationId, campaignId);
  const totals = new Map<string, CampaignTotals>();
  for (const row of rows) {
    const key = row.campaign_id!;
    const t = totals.get(key) ?? { events: 0, rsvps: 0, attended: 0, byRegion: [] };
    const r: RegionTotals = { region: row.online ? null : row.region, online: row.online === 1, events: Number(row.events), rsvps: Number(row.rsvps ?? 0), attended: Number(row.attended ?? 0) };
    t.events += r.events;
    t.rsvps += r.rsvps;
    t.attended += r.attended;
    const same = t.byRegion.find((x) => x.region === r.region && x.online === r.online);
    if (same) {
      same.events += r.events;
      same.rsvps += r.rsvps;
      same.attended += r.attended;
    } else t.byRegion.push(r);
    totals.set(key, t);
  }
  for (const t of totals.values()) t.byRegion.sort((a, b) => Number(a.online) - Number(b.online) || (a.region ?? '~').localeCompare(b.region ?? '~'));
  return totals;
}

export const emptyTotals = (): CampaignTotals => ({ events: 0, rsvps: 0, attended: 0, byRegion: [] });
