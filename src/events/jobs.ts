import type { Kysely } from 'kysely';
import './messages.ts';
import type { Database, Job } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { isLanguage, translator, type Language, type MessageKey, type Translate } from '../i18n/index.ts';
import { findPerson } from '../actions/people/repository.ts';
import { findAttendance, findEventWithOrganization } from './repository.ts';
import {
  attendeeToken,
  JOB_EVENT_CANCELLED,
  JOB_EVENT_CHANGED,
  JOB_PROMOTED,
  JOB_REMINDER,
  JOB_RSVP_CONFIRMATION,
} from './service.ts';
import { reminderMinutes } from './fields.ts';
import { eventWhen, placeLines } from './format.ts';
import { eventIcs } from './calendar.ts';
import type { OutgoingMail } from '../mail/mailer.ts';
import { localized } from '../kits/pages/localized.ts';

export interface EventJobDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  secretKey: Buffer;
  baseUrl: string;
}

async function load(db: Kysely<Database>, attendanceId: string) {
  const attendance = await findAttendance(db, attendanceId);
  if (!attendance) return null;
  const [event, person] = await Promise.all([findEventWithOrganization(db, attendance.event_id), findPerson(db, attendance.organization_id, attendance.person_id)]);
  // An erased person has no email: nothing to send and nothing to retry.
  if (!event || !person?.email) return null;
  const lang: Language = isLanguage(attendance.language) ? attendance.language : 'en';
  // Every email (and its calendar file) names the event in the attendee's language.
  const shown = { ...event, title: localized(lang, event.title, event.title_es).text, description: localized(lang, event.description, event.description_es).text };
  return { attendance, event: shown, person, lang, t: translator(lang) };
}

type Loaded = NonNullable<Awaited<ReturnType<typeof load>>>;

/**
 * The emails of events. Each job names one attendance, and each email is built from the event
 * as it is when the job runs, so a message sent late still has the current time and place. The
 * Message-ID is derived from the attendance, the kind of email and the job (a reminder: its
 * offset and the start it was made for), so a resend after a crash is the same message.
 */
export function eventJobHandlers(deps: EventJobDeps): Record<string, JobHandler> {
  const host = new URL(deps.baseUrl).hostname;
  const privateUrl = (l: Loaded) => `${deps.baseUrl}/events/${l.event.slug}/attendances/${l.attendance.id}/${attendeeToken(deps.secretKey, l.attendance.id)}`;

  /** When, where (the full address or the join link), what to know, and the private link: what an attendee with a place needs. */
  const details = (l: Loaded, t: Translate) => {
    const { event } = l;
    const where = event.online ? t('mail.event.join', { url: event.join_url ?? '' }) : `${t('mail.event.where')}\n${placeLines(event).join('\n')}`;
    const parts = [t('mail.event.when', { when: eventWhen(event, l.lang) }), where];
    if (event.instructions) parts.push(`${t('mail.event.instructions')}\n${event.instructions}`);
    parts.push(t('mail.event.manage', { url: privateUrl(l) }));
    return parts.join('\n\n');
  };

  const send = async (l: Loaded, kind: string, subject: MessageKey, body: string, attachments?: OutgoingMail['attachments']) => {
    const { t } = l;
    const hello = l.person.given_name ? t('mail.hello', { name: l.person.given_name }) : t('mail.hello_anon');
    await deps.mailer.send({
      to: l.person.email!,
      subject: t(subject, { title: l.event.title }),
      text: `${hello}\n\n${body}\n\n${l.event.organization_name}\n`,
      messageId: `<attendance-${l.attendance.id}.${kind}@${host}>`,
      language: l.lang,
      ...(attachments ? { attachments } : {}),
    });
  };

  /** The attendee's calendar file, the same as their private link's (one UID per event, so opening it again updates the entry). */
  const calendar = (l: Loaded): OutgoingMail['attachments'] => [
    {
      filename: `${l.event.slug.replace(/[^a-z0-9-]/g, '') || 'event'}.ics`,
      content: eventIcs(l.event, { baseUrl: deps.baseUrl, pageUrl: `${deps.baseUrl}/events/${l.event.slug}` }),
      contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
    },
  ];

  /** An attendance that still has a place or a waitlist spot at an event that still happens. */
  const active = (l: Loaded) => l.attendance.status !== 'cancelled' && l.event.status === 'confirmed';

  return {
    [JOB_RSVP_CONFIRMATION]: async ({ attendanceId }: { attendanceId: string }, job: Job) => {
      const l = await load(deps.db, attendanceId);
      if (!l || !active(l)) return;
      const { t, event } = l;
      if (l.attendance.status === 'accepted') {
        await send(l, `rsvp.${job.id}`, 'mail.event.confirm.subject', `${t('mail.event.confirm.intro', { title: event.title })}\n\n${details(l, t)}\n\n${t('mail.event.calendar_attached')}`, calendar(l));
      } else {
        const body = [
          t('mail.event.waitlist.intro', { title: event.title }),
          t('mail.event.when', { when: eventWhen(event, l.lang) }),
          t('mail.event.waitlist.manage', { url: privateUrl(l) }),
        ].join('\n\n');
        await send(l, `waitlisted.${job.id}`, 'mail.event.waitlist.subject', body);
      }
    },

    [JOB_PROMOTED]: async ({ attendanceId }: { attendanceId: string }, job: Job) => {
      const l = await load(deps.db, attendanceId);
      if (!l || !active(l) || l.attendance.status !== 'accepted') return;
      await send(l, `promoted.${job.id}`, 'mail.event.promoted.subject', `${l.t('mail.event.promoted.intro', { title: l.event.title })}\n\n${details(l, l.t)}\n\n${l.t('mail.event.calendar_attached')}`, calendar(l));
    },

    // A reminder is sent only if it is still true: the attendee still has a place, the event is
    // still on, it starts when it did when the reminder was made (a moved event scheduled new
    // ones), the organizer still wants this reminder, and the event has not started yet.
    [JOB_REMINDER]: async ({ attendanceId, startAt, minutes }: { attendanceId: string; startAt: string; minutes: number }) => {
      const l = await load(deps.db, attendanceId);
      if (!l || !active(l) || l.attendance.status !== 'accepted') return;
      if (l.event.start_at !== startAt || !reminderMinutes(l.event).includes(minutes)) return;
      if (l.event.start_at <= new Date().toISOString()) return;
      const stamp = startAt.replace(/[^0-9]/g, '');
      await send(l, `reminder.${minutes}.${stamp}`, 'mail.event.reminder.subject', `${l.t('mail.event.reminder.intro', { title: l.event.title })}\n\n${details(l, l.t)}`);
    },

    [JOB_EVENT_CHANGED]: async ({ attendanceId, time, place }: { attendanceId: string; time?: boolean; place?: boolean }, job: Job) => {
      const l = await load(deps.db, attendanceId);
      if (!l || !active(l)) return;
      const { t, event } = l;
      const intro = t(time && place ? 'mail.event.changed.both' : place ? 'mail.event.changed.place' : 'mail.event.changed.time', { title: event.title });
      // Someone on the waitlist hears of the new time, not the address they do not have yet.
      const rest =
        l.attendance.status === 'accepted'
          ? details(l, t)
          : [t('mail.event.when', { when: eventWhen(event, l.lang) }), t('mail.event.changed.waitlist'), t('mail.event.waitlist.manage', { url: privateUrl(l) })].join('\n\n');
      // Someone with a place gets the new calendar file: the same UID and a higher SEQUENCE update their entry.
      const accepted = l.attendance.status === 'accepted';
      await send(l, `changed.${job.id}`, 'mail.event.changed.subject', `${intro}\n\n${rest}${accepted ? `\n\n${t('mail.event.calendar_attached')}` : ''}`, accepted ? calendar(l) : undefined);
    },

    [JOB_EVENT_CANCELLED]: async ({ attendanceId }: { attendanceId: string }, job: Job) => {
      const l = await load(deps.db, attendanceId);
      if (!l || l.attendance.status === 'cancelled' || l.event.status !== 'cancelled') return;
      await send(l, `cancelled.${job.id}`, 'mail.event.cancelled.subject', l.t('mail.event.cancelled.body', { title: l.event.title, when: eventWhen(l.event, l.lang) }));
    },
  };
}
