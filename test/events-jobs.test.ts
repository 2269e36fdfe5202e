import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { organization } from './admin-helpers.ts';
import { makeEvent, eventInput, dayFromNow } from './events-support.ts';
import { cancelAttendance, cancelEvent, rsvp, updateEvent, JOB_REMINDER } from '../src/events/service.ts';
import { checkEvent } from '../src/events/fields.ts';
import { nowIso } from '../src/util/ids.ts';

const person = (email: string, given = 'Ana') => ({ givenName: given, familyName: 'Q', email, postalCode: '60605', country: 'US' });
const input = (email: string, language = 'en', given = 'Ana') => ({ person: person(email, given), phone: null, comment: null, optIn: false, optInWording: 'test', language, referral: { source: null, referrer: null } });

for (const target of targets()) {
  describe(`event emails and reminders on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Reminder Org')).id;
    });
    after(() => h.close());

    const db = () => h.ctx.database.db;
    const join = (eventId: string, email: string, language = 'en', given = 'Ana') => h.ctx.committer.submit((uow) => rsvp(uow, eventId, input(email, language, given)));
    /** Makes every pending reminder due now, as if the day had come, and runs the jobs. */
    const runReminders = async () => {
      await db().updateTable('jobs').set({ run_at: nowIso() }).where('kind', '=', JOB_REMINDER).where('status', '=', 'pending').execute();
      await h.runJobs();
    };
    const reminders = (email: string) => h.mailer.sent.filter((m) => m.to === email && m.subject.startsWith('Reminder'));

    it('reminds attendees a day and three hours before, and never a cancelled attendee', async () => {
      const event = await makeEvent(h, orgId, { title: 'Reminded' });
      const a = await join(event.id, 'stays@example.org');
      const b = await join(event.id, 'leaves@example.org');
      await h.ctx.committer.submit((uow) => cancelAttendance(uow, b.attendanceId));
      await h.runJobs();
      await runReminders();
      const sent = reminders('stays@example.org');
      assert.equal(sent.length, 2);
      assert.match(sent[0]!.text, /A reminder that “Reminded” is coming up/);
      assert.match(sent[0]!.text, /400 S State St/);
      assert.deepEqual(
        sent.map((m) => m.messageId.replace(/\.\d+@/, '@')).sort(),
        [`<attendance-${a.attendanceId}.reminder.1440@turnout.test>`, `<attendance-${a.attendanceId}.reminder.180@turnout.test>`],
      );
      assert.equal(reminders('leaves@example.org').length, 0);
    });

    it('emails everyone when an event is cancelled, and sends no reminder afterwards', async () => {
      const event = await makeEvent(h, orgId, { title: 'Called off', capacity: 1 });
      await join(event.id, 'cancel-a@example.org');
      await join(event.id, 'cancel-b@example.org'); // waitlisted
      await h.runJobs();
      assert.equal(await h.ctx.committer.submit((uow) => cancelEvent(uow, event.id)), 'cancelled');
      assert.equal(await h.ctx.committer.submit((uow) => cancelEvent(uow, event.id)), 'already');
      await h.runJobs();
      for (const email of ['cancel-a@example.org', 'cancel-b@example.org']) {
        const mails = h.mailer.sent.filter((m) => m.to === email && m.subject === 'Cancelled: Called off');
        assert.equal(mails.length, 1, email);
        assert.match(mails[0]!.text, /has been cancelled/);
      }
      await runReminders();
      assert.equal(reminders('cancel-a@example.org').length, 0);
    });

    it('emails the new time when an event moves, and its old reminders send nothing', async () => {
      const event = await makeEvent(h, orgId, { title: 'Moving', capacity: 1 });
      await join(event.id, 'mover@example.org');
      await join(event.id, 'mover-wait@example.org');
      await h.runJobs();
      const later = dayFromNow(31);
      const { columns } = checkEvent(eventInput({ title: 'Moving', capacity: 1, startDate: later, endDate: later, startTime: '19:00', endTime: '21:00' }));
      const result = await h.ctx.committer.submit((uow) => updateEvent(uow, event.id, columns!));
      assert.equal(result.timeChanged, true);
      assert.equal(result.placeChanged, false);
      await h.runJobs();
      const changed = h.mailer.sent.find((m) => m.to === 'mover@example.org' && m.subject === 'Changed: Moving');
      assert.ok(changed);
      assert.match(changed.text, /The time of “Moving” has changed/);
      assert.match(changed.text, /7:00\s*–\s*9:00\sPM/);
      assert.match(changed.text, /400 S State St/);
      const waiting = h.mailer.sent.find((m) => m.to === 'mover-wait@example.org' && m.subject === 'Changed: Moving');
      assert.ok(waiting, 'the waitlist hears of it too');
      assert.doesNotMatch(waiting.text, /400 S State St/);
      assert.match(waiting.text, /still on the waitlist/);
      const pending = await db().selectFrom('jobs').select('payload').where('kind', '=', JOB_REMINDER).where('status', '=', 'pending').execute();
      const starts = new Set(pending.map((j) => JSON.parse(j.payload).startAt as string));
      assert.ok(starts.has(event.start_at) && starts.has(result.event.start_at), 'old and new reminders are both queued');
      await runReminders();
      const sent = reminders('mover@example.org');
      assert.equal(sent.length, 2, 'only the reminders for the new time');
      for (const m of sent) assert.match(m.text, /7:00\s*–\s*9:00\sPM/);
      assert.equal(reminders('mover-wait@example.org').length, 0);
    });

    it('emails the new place, and only sends the reminders the organizer still wants', async () => {
      const event = await makeEvent(h, orgId, { title: 'New place' });
      await join(event.id, 'place@example.org');
      await h.runJobs();
      const { columns } = checkEvent(eventInput({ title: 'New place', addressLines: ['1 Federal Plaza'], venue: 'Plaza', reminders: [60] }));
      const result = await h.ctx.committer.submit((uow) => updateEvent(uow, event.id, columns!));
      assert.deepEqual([result.timeChanged, result.placeChanged], [false, true]);
      await h.runJobs();
      const changed = h.mailer.sent.find((m) => m.to === 'place@example.org' && m.subject === 'Changed: New place');
      assert.match(changed!.text, /The place of “New place” has changed/);
      assert.match(changed!.text, /Plaza\n1 Federal Plaza/);
      await runReminders();
      const sent = reminders('place@example.org');
      assert.equal(sent.length, 1);
      assert.match(sent[0]!.messageId, /\.reminder\.60\./);
    });

    it('sends nothing for a reminder whose event has already started', async () => {
      const event = await makeEvent(h, orgId, { title: 'Started' });
      await join(event.id, 'started@example.org');
      await db().updateTable('events').set({ start_at: new Date(Date.now() - 60_000).toISOString() }).where('id', '=', event.id).execute();
      // The reminders were made for the old start: make one that matches the new one.
      const row = await db().selectFrom('events').selectAll().where('id', '=', event.id).executeTakeFirstOrThrow();
      const a = await db().selectFrom('attendances').select('id').where('event_id', '=', event.id).executeTakeFirstOrThrow();
      await h.ctx.committer.submit(async (uow) => {
        uow.enqueue(JOB_REMINDER, { attendanceId: a.id, startAt: row.start_at, minutes: 180 });
      });
      await runReminders();
      assert.equal(reminders('started@example.org').length, 0);
    });

    it('writes reminders and cancellations in the attendee’s language', async () => {
      const event = await makeEvent(h, orgId, { title: 'Vigilia' });
      await join(event.id, 'es@example.org', 'es', 'Inés');
      await runReminders();
      const [reminder] = h.mailer.sent.filter((m) => m.to === 'es@example.org' && m.subject.startsWith('Recordatorio'));
      assert.ok(reminder);
      assert.equal(reminder.subject, 'Recordatorio: Vigilia');
      assert.match(reminder.text, /Hola, Inés:/);
      assert.match(reminder.text, /Te recordamos que «Vigilia» se acerca/);
      await h.ctx.committer.submit((uow) => cancelEvent(uow, event.id));
      await h.runJobs();
      const cancelled = h.mailer.sent.find((m) => m.to === 'es@example.org' && m.subject === 'Cancelado: Vigilia');
      assert.ok(cancelled);
      assert.match(cancelled.text, /se ha cancelado/);
    });
  });
}
