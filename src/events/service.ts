import { createHmac, timingSafeEqual } from 'node:crypto';
import { DateTime } from 'luxon';
import type { UnitOfWork } from '../actions/unit-of-work.ts';
import { recordTaker, type Referral } from '../actions/core.ts';
import type { PersonInput } from '../actions/people/validate.ts';
import type { AttendanceStatus, EventRow } from './tables.ts';
import { newId } from '../util/ids.ts';
import { insertUnderFreeSlug } from '../util/slug.ts';
import { parseShares, sharePerson, type Share, type SharedPerson } from '../actions/partners.ts';
import * as repo from './repository.ts';
import { type EventColumns, eventSlug, reminderMinutes } from './fields.ts';

export const JOB_RSVP_CONFIRMATION = 'event.rsvp_confirmation';
export const JOB_PROMOTED = 'event.promoted';
export const JOB_REMINDER = 'event.reminder';
export const JOB_EVENT_CHANGED = 'event.changed';
export const JOB_EVENT_CANCELLED = 'event.cancelled';

export class EventClosedError extends Error {
  constructor(readonly reason: 'past' | 'cancelled' | 'not_open') {
    super(`the event does not take RSVPs (${reason})`);
  }
}

export interface Rsvp {
  person: PersonInput;
  phone: string | null;
  comment: string | null;
  optIn: boolean | null;
  optInWording: string;
  language: string;
  referral: Referral;
  tags?: string[];
  /** false when an API client asked for no autoresponse: the RSVP is recorded without the confirmation email. */
  notify?: boolean;
}

export interface RsvpResult {
  attendanceId: string;
  status: Exclude<AttendanceStatus, 'cancelled'>;
  created: boolean;
}

/** When the event takes no more RSVPs: cancelled, not (yet) approved, or already over. */
export function closedReason(event: Pick<EventRow, 'status' | 'end_at'>, now: string): EventClosedError['reason'] | null {
  if (event.status === 'cancelled') return 'cancelled';
  if (event.status !== 'confirmed') return 'not_open';
  if (event.end_at <= now) return 'past';
  return null;
}

/**
 * Records an RSVP through the shared action core. Inside the transaction the event's row is
 * locked (PostgreSQL) or the writer is single (SQLite), so two RSVPs for the last place cannot
 * both take it: one is accepted and the other joins the waitlist, in order. RSVPing again
 * changes nothing and answers the same.
 */
export async function rsvp(uow: UnitOfWork, eventId: string, r: Rsvp): Promise<RsvpResult> {
  const event = await repo.lockEvent(uow.trx, uow.dialect, eventId);
  if (!event) throw new Error(`event ${eventId} vanished`);
  const closed = closedReason(event, uow.now);
  if (closed) throw new EventClosedError(closed);
  const personId = await recordTaker(
    uow,
    { organizationId: event.organization_id, person: r.person, language: r.language, optIn: r.optIn, optInWording: r.optInWording, tags: r.tags },
    { type: 'event', id: event.id },
  );
  const existing = await repo.findAttendanceOf(uow.trx, event.id, personId);
  if (existing && existing.status !== 'cancelled') {
    return { attendanceId: existing.id, status: existing.status, created: false };
  }
  const full = event.capacity !== null && event.accepted_count >= event.capacity;
  const status = full ? 'waitlisted' : 'accepted';
  const fields = {
    status,
    waitlist_position: full ? await repo.nextWaitlistPosition(uow.trx, event.id) : null,
    phone: r.phone,
    comment: r.comment,
    source: r.referral.source,
    referrer: r.referral.referrer,
    language: r.language,
    modified_at: uow.now,
    cancelled_at: null,
  } as const;
  let id: string;
  if (existing) {
    // Someone who cancelled and comes back is a new RSVP, at the end of any queue.
    id = existing.id;
    await repo.updateAttendance(uow.trx, id, fields);
  } else {
    id = newId();
    await repo.insertAttendance(uow.trx, { id, event_id: event.id, organization_id: event.organization_id, person_id: personId, created_at: uow.now, ...fields });
  }
  await repo.moveEventCounts(uow.trx, event.id, full ? { waitlist: 1 } : { accepted: 1 });
  uow.raise('attendance', event.organization_id, id);
  if (r.notify !== false) uow.enqueue(JOB_RSVP_CONFIRMATION, { attendanceId: id });
  if (!full) scheduleReminders(uow, event, id);
  return { attendanceId: id, status, created: true };
}

/**
 * Cancels an attendance. A place that frees up goes to the first person on the waitlist, who is
 * told by email; the event row's lock keeps two cancellations from promoting the same person.
 */
export async function cancelAttendance(uow: UnitOfWork, attendanceId: string): Promise<'cancelled' | 'already'> {
  const first = await repo.findAttendance(uow.trx, attendanceId);
  if (!first) return 'already';
  const event = await repo.lockEvent(uow.trx, uow.dialect, first.event_id);
  // Read again under the lock: another cancellation may have changed it meanwhile.
  const attendance = await repo.findAttendance(uow.trx, attendanceId);
  if (!event || !attendance || attendance.status === 'cancelled') return 'already';
  await repo.updateAttendance(uow.trx, attendance.id, { status: 'cancelled', waitlist_position: null, cancelled_at: uow.now, modified_at: uow.now });
  if (attendance.status === 'accepted') {
    await repo.moveEventCounts(uow.trx, event.id, { accepted: -1 });
    await promoteFromWaitlist(uow, { ...event, accepted_count: event.accepted_count - 1 });
  } else {
    await repo.moveEventCounts(uow.trx, event.id, { waitlist: -1 });
  }
  return 'cancelled';
}

/** Fills free places from the waitlist, first come first served. The event row must be locked. */
export async function promoteFromWaitlist(uow: UnitOfWork, event: EventRow): Promise<string[]> {
  if (event.status !== 'confirmed' || event.end_at <= uow.now) return [];
  const free = event.capacity === null ? Number.MAX_SAFE_INTEGER : event.capacity - event.accepted_count;
  if (free <= 0) return [];
  const next = await repo.firstWaitlisted(uow.trx, event.id, Math.min(free, 1000));
  for (const a of next) {
    await repo.updateAttendance(uow.trx, a.id, { status: 'accepted', waitlist_position: null, modified_at: uow.now });
    uow.enqueue(JOB_PROMOTED, { attendanceId: a.id });
    scheduleReminders(uow, event, a.id);
  }
  if (next.length > 0) await repo.moveEventCounts(uow.trx, event.id, { accepted: next.length, waitlist: -next.length });
  return next.map((a) => a.id);
}

/** Changes an event's capacity; a larger one promotes people from the waitlist at once. */
export async function setCapacity(uow: UnitOfWork, eventId: string, capacity: number | null) {
  const event = await repo.lockEvent(uow.trx, uow.dialect, eventId);
  if (!event) return;
  await repo.updateEvent(uow.trx, event.id, { capacity, modified_at: uow.now });
  await promoteFromWaitlist(uow, { ...event, capacity });
}

/**
 * When a reminder `minutes` before the start is due. Whole days are counted on the calendar of
 * the event's time zone, so "one day before" an 18:00 event is 18:00 the day before even across
 * a daylight-saving change; other offsets are exact durations.
 */
export function reminderTime(event: Pick<EventRow, 'start_at' | 'timezone'>, minutes: number): string {
  const start = DateTime.fromISO(event.start_at, { zone: event.timezone });
  const at = minutes % 1440 === 0 ? start.minus({ days: minutes / 1440 }) : start.minus({ minutes });
  return at.toUTC().toISO()!;
}

/**
 * Queues one reminder per configured offset still in the future. Each job carries the start time
 * it was made for: if the event moves, the job finds a different start and sends nothing, and the
 * change queued new ones.
 */
export function scheduleReminders(uow: UnitOfWork, event: Pick<EventRow, 'start_at' | 'timezone' | 'reminders'>, attendanceId: string) {
  for (const minutes of reminderMinutes(event)) {
    const runAt = reminderTime(event, minutes);
    if (runAt > uow.now) uow.enqueue(JOB_REMINDER, { attendanceId, startAt: event.start_at, minutes }, { runAt, maxAttempts: 5 });
  }
}

/** The token in an attendee's private link: an HMAC of the attendance id, so nothing secret is stored. */
export function attendeeToken(secret: Buffer, attendanceId: string): string {
  return createHmac('sha256', secret).update(`attendance:${attendanceId}`).digest('base64url');
}

/** A host's private link token; bumping the event's `host_link_version` revokes the old ones. */
export function hostToken(secret: Buffer, eventId: string, version: number): string {
  return createHmac('sha256', secret).update(`event-host:${eventId}:${version}`).digest('base64url');
}

export function tokenMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

// ---------------------------------------------------------------------------------------------
// Creating, changing and cancelling events (the console and the API; the host form can share
// createEvent/updateEvent with its own checks). The fields and their checks: fields.ts.

export interface NewEventOptions {
  /** The wanted web address; made from the title when absent, and numbered when taken. */
  slug?: string;
  status?: EventRow['status'];
  campaignId?: string | null;
  hostName?: string | null;
  hostEmail?: string | null;
  originSystem?: string;
}

/** Creates an event (confirmed unless told otherwise) under a free web address. */
export async function createEvent(uow: UnitOfWork, organizationId: string, columns: EventColumns, opts: NewEventOptions = {}): Promise<EventRow> {
  const id = newId();
  await insertUnderFreeSlug(eventSlug(opts.slug ?? columns.title), (slug) => repo.eventSlugExists(uow.trx, slug), (slug) => repo.insertEventUnlessSlugTaken(uow.trx, {
    id,
    organization_id: organizationId,
    campaign_id: opts.campaignId ?? null,
    slug,
    ...columns,
    status: opts.status ?? 'confirmed',
    host_name: opts.hostName ?? null,
    host_email: opts.hostEmail ?? null,
    host_email_confirmed_at: null,
    origin_system: opts.originSystem ?? 'turnout',
    created_at: uow.now,
    modified_at: uow.now,
  }));
  return (await repo.findEventById(uow.trx, id))!;
}

const TIME_COLUMNS = ['start_at', 'end_at', 'timezone'] as const;
const PLACE_COLUMNS = ['online', 'join_url', 'venue', 'address_lines', 'locality', 'region', 'postal_code', 'country'] as const;

export interface EventUpdate {
  event: EventRow;
  changed: (keyof EventColumns)[];
  timeChanged: boolean;
  placeChanged: boolean;
}

/**
 * Writes the changes that differ from the event as it is. A new time or place is emailed to
 * every active attendee (accepted or waitlisted) and the reminders are scheduled again: the old
 * reminder jobs carry the old start and send nothing. A larger capacity promotes people from
 * the waitlist; a smaller one moves nobody out (they were told they have a place), it only
 * sends the next RSVPs to the waitlist. A cancelled event cannot be changed.
 */
export async function updateEvent(uow: UnitOfWork, eventId: string, changes: Partial<EventColumns>): Promise<EventUpdate> {
  const event = await repo.lockEvent(uow.trx, uow.dialect, eventId);
  if (!event) throw new Error(`event ${eventId} vanished`);
  const differing: Partial<EventColumns> = {};
  for (const [column, value] of Object.entries(changes) as [keyof EventColumns, unknown][]) {
    if (value !== undefined && value !== event[column]) (differing as Record<string, unknown>)[column] = value;
  }
  const changed = Object.keys(differing) as (keyof EventColumns)[];
  if (changed.length === 0) return { event, changed, timeChanged: false, placeChanged: false };
  if (event.status === 'cancelled') throw new EventClosedError('cancelled');
  await repo.updateEvent(uow.trx, event.id, { ...differing, modified_at: uow.now });
  const updated: EventRow = { ...event, ...differing, modified_at: uow.now };
  const timeChanged = TIME_COLUMNS.some((c) => c in differing);
  const placeChanged = PLACE_COLUMNS.some((c) => c in differing);
  const startMoved = 'start_at' in differing || 'timezone' in differing;
  const remindersChanged = 'reminders' in differing;
  const open = updated.status === 'confirmed' && updated.end_at > uow.now;
  if ((timeChanged || placeChanged || remindersChanged) && (open || event.end_at > uow.now)) {
    const before = new Set(reminderMinutes(event));
    const added = reminderMinutes(updated).filter((m) => !before.has(m));
    for (const a of await repo.activeAttendances(uow.trx, event.id)) {
      if (timeChanged || placeChanged) uow.enqueue(JOB_EVENT_CHANGED, { attendanceId: a.id, time: timeChanged, place: placeChanged });
      if (a.status !== 'accepted' || updated.status !== 'confirmed') continue;
      if (startMoved) scheduleReminders(uow, updated, a.id);
      else if (added.length > 0) scheduleReminders(uow, { ...updated, reminders: JSON.stringify(added) }, a.id);
    }
  }
  if ('capacity' in differing) await promoteFromWaitlist(uow, updated);
  return { event: updated, changed, timeChanged, placeChanged };
}

/**
 * Cancels an event: it takes no more RSVPs, every active attendee is emailed, and no reminder is
 * sent afterwards (the reminder job finds the event cancelled). Attendances keep their status,
 * so the organizer still sees who had signed up.
 */
export async function cancelEvent(uow: UnitOfWork, eventId: string): Promise<'cancelled' | 'already'> {
  const event = await repo.lockEvent(uow.trx, uow.dialect, eventId);
  if (!event) throw new Error(`event ${eventId} vanished`);
  if (event.status === 'cancelled') return 'already';
  await repo.updateEvent(uow.trx, event.id, { status: 'cancelled', modified_at: uow.now });
  // Nobody needs to hear that an event which already happened is cancelled.
  if (event.end_at > uow.now && event.status === 'confirmed') {
    for (const a of await repo.activeAttendances(uow.trx, event.id)) uow.enqueue(JOB_EVENT_CANCELLED, { attendanceId: a.id });
  }
  return 'cancelled';
}

/**
 * Records whether an attendee came (checked in at the door, or afterwards). The event's
 * `attended_count` moves with it, under the event's lock. A cancelled attendance cannot be checked in.
 */
export async function recordCheckIn(uow: UnitOfWork, eventId: string, attendanceId: string, attended: boolean): Promise<'changed' | 'unchanged' | 'missing'> {
  const event = await repo.lockEvent(uow.trx, uow.dialect, eventId);
  const attendance = event ? await repo.findAttendance(uow.trx, attendanceId) : undefined;
  if (!event || !attendance || attendance.event_id !== event.id || attendance.status === 'cancelled') return 'missing';
  if ((attendance.attended === 1) === attended) return 'unchanged';
  await repo.updateAttendance(uow.trx, attendance.id, { attended: attended ? 1 : 0, modified_at: uow.now });
  await repo.moveEventCounts(uow.trx, event.id, { attended: attended ? 1 : -1 });
  return 'changed';
}

/**
 * Puts an RSVP'd supporter on the list of each partner whose box they ticked, and notes the
 * partners on the attendance. No copy of the attendance is made in the partner's organization:
 * the waitlist and the counts are the sponsor's alone.
 */
export async function shareRsvp(uow: UnitOfWork, eventId: string, attendanceId: string, person: SharedPerson, shares: Share[]) {
  if (shares.length === 0) return;
  for (const share of shares) await sharePerson(uow, { type: 'event', id: eventId }, person, share);
  const attendance = await repo.findAttendance(uow.trx, attendanceId);
  const merged = [...parseShares(attendance?.shared_with ?? null), ...shares].filter((v, i, all) => all.findIndex((x) => x.id === v.id) === i);
  await repo.updateAttendance(uow.trx, attendanceId, { shared_with: JSON.stringify(merged) });
}

/** A phone number as typed, if it looks like one (7 to 15 digits, with spaces, dots, dashes, brackets or a leading +); null otherwise. */
export function cleanPhone(raw: string): string | null {
  const v = raw.trim().replace(/\s+/g, ' ');
  if (!/^\+?[\d ().-]+$/.test(v)) return null;
  const digits = v.replace(/\D/g, '').length;
  return digits >= 7 && digits <= 15 && v.length <= 30 ? v : null;
}
