import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { targets, harness, type Harness } from './helpers.ts';
import { organization } from './admin-helpers.ts';
import { GroupCommitter } from '../src/actions/committer.ts';
import { connect } from '../src/db/connect.ts';
import { rsvp, cancelAttendance, setCapacity, reminderTime, EventClosedError, JOB_REMINDER, type RsvpResult } from '../src/events/service.ts';
import { DEFAULT_REMINDERS } from '../src/events/fields.ts';
import { newId, nowIso } from '../src/util/ids.ts';

const person = (i: number) => ({ givenName: `P${i}`, familyName: 'Q', email: `p${i}@example.org`, postalCode: '10001', country: 'US' });
const rsvpInput = (i: number) => ({ person: person(i), phone: null, comment: null, optIn: false, optInWording: 'test', language: 'en', referral: { source: null, referrer: null } });

for (const target of targets()) {
  describe(`event RSVPs and the waitlist on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Week of Action')).id;
    });
    after(() => h.close());

    async function event(capacity: number | null, over: Record<string, unknown> = {}) {
      const id = newId();
      const now = nowIso();
      await h.ctx.database.db
        .insertInto('events')
        .values({
          id, organization_id: orgId, campaign_id: null, slug: `e-${id}`, title: 'Vigil', description: '', instructions: '',
          start_at: new Date(Date.now() + 7 * 86400_000).toISOString(), end_at: new Date(Date.now() + 7 * 86400_000 + 7200_000).toISOString(),
          timezone: 'America/Chicago', online: 0, join_url: null, venue: 'Library', address_lines: '["1 Main St"]', locality: 'Chicago', region: 'IL',
          postal_code: '60601', country: 'US', latitude: null, longitude: null, capacity, visibility: 'public', status: 'confirmed',
          reminders: JSON.stringify(DEFAULT_REMINDERS), host_name: null, host_email: null, host_email_confirmed_at: null, origin_system: 'turnout', created_at: now, modified_at: now,
          ...over,
        })
        .execute();
      return id;
    }
    const state = async (eventId: string) => {
      const e = await h.ctx.database.db.selectFrom('events').select(['accepted_count', 'waitlist_count']).where('id', '=', eventId).executeTakeFirstOrThrow();
      const rows = await h.ctx.database.db.selectFrom('attendances').select(['id', 'status', 'waitlist_position', 'person_id']).where('event_id', '=', eventId).execute();
      const accepted = rows.filter((r) => r.status === 'accepted').length;
      const waitlisted = rows.filter((r) => r.status === 'waitlisted').length;
      return { counts: { accepted: Number(e.accepted_count), waitlist: Number(e.waitlist_count) }, accepted, waitlisted, rows };
    };

    it('accepts up to capacity, then waitlists in order, and answers a repeat RSVP the same', async () => {
      const id = await event(2);
      const results: RsvpResult[] = [];
      for (let i = 0; i < 4; i++) results.push(await h.ctx.committer.submit((uow) => rsvp(uow, id, rsvpInput(i))));
      assert.deepEqual(results.map((r) => r.status), ['accepted', 'accepted', 'waitlisted', 'waitlisted']);
      const again = await h.ctx.committer.submit((uow) => rsvp(uow, id, rsvpInput(2)));
      assert.deepEqual(again, { ...results[2], created: false });
      const s = await state(id);
      assert.deepEqual(s.counts, { accepted: 2, waitlist: 2 });
      // Cancelling an accepted place promotes the first on the waitlist.
      await h.ctx.committer.submit((uow) => cancelAttendance(uow, results[0]!.attendanceId));
      const after1 = await state(id);
      assert.equal(after1.rows.find((r) => r.id === results[2]!.attendanceId)!.status, 'accepted');
      assert.equal(after1.rows.find((r) => r.id === results[3]!.attendanceId)!.status, 'waitlisted');
      assert.deepEqual(after1.counts, { accepted: 2, waitlist: 1 });
      const jobs = await h.ctx.database.db.selectFrom('jobs').select(['kind', 'payload']).where('kind', '=', 'event.promoted').execute();
      assert.ok(jobs.some((j) => JSON.parse(j.payload).attendanceId === results[2]!.attendanceId), 'the promoted person is told');
      assert.equal(await h.ctx.committer.submit((uow) => cancelAttendance(uow, results[0]!.attendanceId)), 'already');
    });

    it('never goes over capacity nor promotes anyone twice under concurrent RSVPs and cancellations', async () => {
      const id = await event(5);
      const first = await Promise.all(Array.from({ length: 12 }, (_, i) => h.ctx.committer.submit((uow) => rsvp(uow, id, rsvpInput(100 + i)))));
      assert.equal(first.filter((r) => r.status === 'accepted').length, 5);
      // A second writer (another process's pool) works on the same event at the same time.
      const other = connect(h.databaseUrl);
      const otherCommitter = new GroupCommitter(other.db, { concurrency: target.name === 'postgres' ? 4 : 1, dialect: other.dialect });
      const accepted = first.filter((r) => r.status === 'accepted').map((r) => r.attendanceId);
      const ops: Promise<unknown>[] = [];
      accepted.slice(0, 4).forEach((aid, i) => ops.push((i % 2 ? otherCommitter : h.ctx.committer).submit((uow) => cancelAttendance(uow, aid))));
      accepted.slice(0, 2).forEach((aid) => ops.push(otherCommitter.submit((uow) => cancelAttendance(uow, aid)))); // cancelled twice
      for (let i = 0; i < 6; i++) ops.push((i % 2 ? otherCommitter : h.ctx.committer).submit((uow) => rsvp(uow, id, rsvpInput(200 + i))));
      await Promise.all(ops);
      await otherCommitter.close();
      await other.close();
      const s = await state(id);
      assert.equal(s.accepted, 5, 'exactly full');
      assert.deepEqual(s.counts, { accepted: s.accepted, waitlist: s.waitlisted }, 'the counters match the rows');
      const promoted = await h.ctx.database.db.selectFrom('jobs').select('payload').where('kind', '=', 'event.promoted').execute();
      const ids = promoted.map((j) => JSON.parse(j.payload).attendanceId as string);
      assert.equal(new Set(ids).size, ids.length, 'nobody promoted twice');
      const positions = s.rows.filter((r) => r.status === 'waitlisted').map((r) => r.waitlist_position);
      assert.equal(new Set(positions).size, positions.length, 'waitlist positions are distinct');
    });

    it('raising the capacity promotes from the waitlist', async () => {
      const id = await event(1);
      for (let i = 0; i < 3; i++) await h.ctx.committer.submit((uow) => rsvp(uow, id, rsvpInput(300 + i)));
      await h.ctx.committer.submit((uow) => setCapacity(uow, id, 2));
      assert.deepEqual((await state(id)).counts, { accepted: 2, waitlist: 1 });
      await h.ctx.committer.submit((uow) => setCapacity(uow, id, null));
      assert.deepEqual((await state(id)).counts, { accepted: 3, waitlist: 0 });
    });

    it('refuses RSVPs to past, cancelled and unapproved events', async () => {
      const past = await event(null, { start_at: '2020-01-01T10:00:00.000Z', end_at: '2020-01-01T12:00:00.000Z' });
      const cancelled = await event(null, { status: 'cancelled' });
      const pending = await event(null, { status: 'pending' });
      for (const [id, reason] of [[past, 'past'], [cancelled, 'cancelled'], [pending, 'not_open']] as const) {
        await assert.rejects(h.ctx.committer.submit((uow) => rsvp(uow, id, rsvpInput(400))), (e: unknown) => e instanceof EventClosedError && e.reason === reason);
        assert.equal((await state(id)).rows.length, 0);
      }
    });

    it('records an RSVP without the confirmation email when an API client asks for no autoresponse, reminders kept', async () => {
      // Action Network's record helpers send an autoresponse only when asked: an integrator
      // copying RSVPs from another system must not email everyone again.
      const id = await event(null);
      const r = await h.ctx.committer.submit((uow) => rsvp(uow, id, { ...rsvpInput(450), notify: false }));
      const jobs = await h.ctx.database.db.selectFrom('jobs').select(['kind', 'payload']).execute();
      const mine = jobs.filter((j) => JSON.parse(j.payload).attendanceId === r.attendanceId).map((j) => j.kind).sort();
      assert.deepEqual(mine, [JOB_REMINDER, JOB_REMINDER]);
    });

    it('schedules reminders a day and three hours before, on the event’s own clock across a DST change', async () => {
      // Sunday 3 November 2030: clocks in Chicago go back at 02:00. An event at 18:00 on the 3rd.
      const start = DateTime.fromObject({ year: 2030, month: 11, day: 3, hour: 18 }, { zone: 'America/Chicago' }).toUTC().toISO()!;
      const ev = { start_at: start, timezone: 'America/Chicago' };
      assert.equal(DateTime.fromISO(reminderTime(ev, 1440), { zone: 'America/Chicago' }).toFormat('yyyy-MM-dd HH:mm'), '2030-11-02 18:00');
      assert.equal(DateTime.fromISO(reminderTime(ev, 180), { zone: 'America/Chicago' }).toFormat('yyyy-MM-dd HH:mm'), '2030-11-03 15:00');
      assert.equal(Date.parse(start) - Date.parse(reminderTime(ev, 1440)), 25 * 3600_000, 'the day before is 25 hours earlier that weekend');
      const id = await event(null, { start_at: start, end_at: DateTime.fromISO(start).plus({ hours: 2 }).toUTC().toISO()! });
      const r = await h.ctx.committer.submit((uow) => rsvp(uow, id, rsvpInput(500)));
      const jobs = await h.ctx.database.db.selectFrom('jobs').select(['run_at', 'payload']).where('kind', '=', JOB_REMINDER).execute();
      const mine = jobs.filter((j) => JSON.parse(j.payload).attendanceId === r.attendanceId).map((j) => j.run_at).sort();
      assert.deepEqual(mine, [reminderTime(ev, 1440), reminderTime(ev, 180)].sort());
    });
  });
}
