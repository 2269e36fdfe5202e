import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organization } from './admin-helpers.ts';
import { makeCampaign, target, writer } from './letters-support.ts';
import { readTargetList, TargetListError, matchTargets } from '../src/letters/targets.ts';
import { checkCampaign } from '../src/letters/fields.ts';
import { campaignInput } from './letters-support.ts';
import { firstAllowed } from '../src/letters/pacing.ts';
import { erasePerson } from '../src/people/service.ts';
import { CAPABILITIES } from '../src/app/capabilities.ts';
import { outreachRecords } from '../src/letters/person-records.ts';

for (const t of targets()) {
  describe(`letters to decision-makers on ${t.name}`, () => {
    let h: Harness;
    let orgId: string;
    before(async () => {
      h = await harness(t);
      orgId = (await organization(h, 'Library Friends')).id;
    });
    after(() => h.close());
    const db = () => h.ctx.database.db;
    const post = (slug: string, fields: Record<string, string>, query = '') => h.app.inject({ method: 'POST', url: `/letters/${slug}${query}`, headers: FORM, payload: form(fields) });
    const count = async (table: 'outreaches' | 'letter_sends' | 'people', where?: [string, string]) => {
      let q = db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
      if (where) q = q.where(where[0] as never, '=', where[1] as never);
      return Number((await q.executeTakeFirstOrThrow()).n);
    };

    it('shows the campaign, its targets, the locked parts and what goes to the target, in English and Spanish', async () => {
      const c = await makeCampaign(h, orgId, { title: 'Page shown', body_editable: false });
      const en = await h.app.inject({ url: `/letters/${c.slug}` });
      assert.equal(en.statusCode, 200);
      assert.match(en.body, /Council Member Ana Ruiz, City Council/);
      assert.match(en.body, /I live in your district/);
      assert.match(en.body, /cannot be changed/);
      assert.match(en.body, /your email address so they can reply/);
      assert.doesNotMatch(en.body, /<textarea[^>]*name="body"/);
      const es = await h.app.inject({ url: `/letters/${c.slug}?lang=es` });
      assert.match(es.body, /Lo que reciben los destinatarios/);
      assert.match(es.body, /Enviar mi carta/);
    });

    it('records a letter through the action core, one queued letter per target, and counts a repeat writer once', async () => {
      const c = await makeCampaign(h, orgId, { title: 'Two targets' }, [target('Ana Ruiz', 'ana@council.example'), target('Bo Chen', 'bo@council.example')]);
      const res = await post(c.slug, { ...writer(), subject: 'Hours matter', body: 'Open on Sundays, please.', opt_in: 'yes' });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `/letters/${c.slug}/thanks`);
      const again = await post(c.slug, { ...writer({ email: 'MAYA@example.org' }), body: 'A second try.' });
      assert.equal(again.statusCode, 303);
      const outreach = await db().selectFrom('outreaches').selectAll().where('campaign_id', '=', c.id).execute();
      assert.equal(outreach.length, 1);
      assert.equal(outreach[0]!.subject, 'Hours matter');
      assert.equal(outreach[0]!.body, 'Open on Sundays, please.');
      assert.equal(outreach[0]!.signature, 'Maya Lee\nChicago, IL 60605');
      assert.equal(outreach[0]!.state, 'IL');
      assert.equal(await count('letter_sends', ['outreach_id', outreach[0]!.id]), 2);
      const row = await db().selectFrom('letter_campaigns').select('outreach_count').where('id', '=', c.id).executeTakeFirstOrThrow();
      assert.equal(row.outreach_count, 1);
      const person = await db().selectFrom('people').selectAll().where('email', '=', 'maya@example.org').where('organization_id', '=', orgId).executeTakeFirstOrThrow();
      assert.equal(person.email_status, 'subscribed');
      const thanks = await h.app.inject({ url: `/letters/${c.slug}/thanks?lang=es` });
      assert.match(thanks.body, /Gracias por escribir/);
    });

    it('keeps HTML in the body as text, refuses a body past the limit and an edited locked part, writing nothing', async () => {
      const c = await makeCampaign(h, orgId, { title: 'Limits', body_max_length: 120, subject_editable: false });
      const html = await post(c.slug, { ...writer({ email: 'html@example.org' }), body: '<script>alert(1)</script><b>bold</b>' });
      assert.equal(html.statusCode, 303);
      const stored = await db().selectFrom('outreaches').select('body').where('campaign_id', '=', c.id).executeTakeFirstOrThrow();
      assert.equal(stored.body, '<script>alert(1)</script><b>bold</b>');
      const before = await count('outreaches');
      const long = await post(c.slug, { ...writer({ email: 'long@example.org' }), body: 'x'.repeat(121) });
      assert.equal(long.statusCode, 422);
      assert.match(long.body, /must be 120 characters or fewer \(it has 121\)/);
      const locked = await post(c.slug, { ...writer({ email: 'locked@example.org' }), subject: 'Something else', letter_closing: 'Not thanks' });
      assert.equal(locked.statusCode, 422);
      assert.match(locked.body, /This part of the letter cannot be changed/);
      const es = await post(c.slug, { ...writer({ email: 'locked@example.org', lang: 'es' }), subject: 'Otra cosa' });
      assert.match(es.body, /Esta parte de la carta no se puede cambiar/);
      // The locked subject sent as it is, is fine.
      const same = await post(c.slug, { ...writer({ email: 'same@example.org' }), subject: 'Keep the library open' });
      assert.equal(same.statusCode, 303);
      assert.equal(await count('outreaches'), before + 1);
      assert.equal(await count('people', ['email', 'long@example.org']), 0);
    });

    it('asks for a street address when the organizer wants one, and signs with it', async () => {
      const c = await makeCampaign(h, orgId, { title: 'Address', ask_address: true });
      const page = await h.app.inject({ url: `/letters/${c.slug}` });
      assert.match(page.body, /name="street_address"/);
      assert.match(page.body, /your street address, city and state/);
      const missing = await post(c.slug, writer({ email: 'noaddr@example.org' }));
      assert.equal(missing.statusCode, 422);
      assert.match(missing.body, /Enter your street address/);
      const ok = await post(c.slug, { ...writer({ email: 'addr@example.org' }), street_address: '1 State St' });
      assert.equal(ok.statusCode, 303);
      const o = await db().selectFrom('outreaches').select(['signature', 'street_address']).where('campaign_id', '=', c.id).executeTakeFirstOrThrow();
      assert.equal(o.signature, 'Maya Lee\n1 State St\nChicago, IL 60605');
    });

    it('matches each supporter to the targets of their ZIP or state, says so plainly when none, and uses the fallback when set', async () => {
      const list = readTargetList(
        'name,title,email,state,zip_codes,district\n' +
          'Sen. Ada,Senator,ada@senate.example,IL,,\n' +
          'Rep. Bea,Representative,bea@house.example,IL,60605 60606,IL-7\n' +
          'Rep. Cy,Representative,cy@house.example,IL,60201,IL-9\n' +
          'Sen. Dee,Senator,dee@senate.example,CA,,\n',
      );
      assert.equal(list.length, 4);
      const c = await makeCampaign(h, orgId, { title: 'Matched', target_mode: 'matched' }, list);
      assert.equal((await post(c.slug, writer({ email: 'chi@example.org' }))).statusCode, 303);
      const sends = await db()
        .selectFrom('letter_sends')
        .innerJoin('letter_targets', 'letter_targets.id', 'letter_sends.target_id')
        .select('letter_targets.email')
        .where('letter_sends.campaign_id', '=', c.id)
        .orderBy('letter_targets.email')
        .execute();
      assert.deepEqual(sends.map((s) => s.email), ['ada@senate.example', 'bea@house.example']);
      const texas = await post(c.slug, writer({ email: 'tx@example.org', postal_code: '73301' }));
      assert.equal(texas.statusCode, 422);
      assert.match(texas.body, /We did not find anyone to write to for the ZIP code 73301. This campaign writes to officials in CA, IL/);
      const es = await post(c.slug, writer({ email: 'tx@example.org', postal_code: '73301', lang: 'es' }));
      assert.match(es.body, /No encontramos a nadie a quien escribir/);
      assert.equal(await count('people', ['email', 'tx@example.org']), 0);

      const withFallback = await makeCampaign(h, orgId, { title: 'Fallback', target_mode: 'matched' }, list, target('Gov. Eve', 'eve@gov.example', { title: 'Governor' }));
      const res = await post(withFallback.slug, writer({ email: 'tx2@example.org', postal_code: '73301' }));
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `/letters/${withFallback.slug}/thanks?to=fallback`);
      const thanks = await h.app.inject({ url: res.headers.location as string });
      assert.match(thanks.body, /so your letter goes to Governor Gov. Eve/);
    });

    it('reports every problem of a target list by line and imports none of it', () => {
      const bad = 'name,title,email,state\nAda,Senator,,IL\nBea,Rep,bea@x.example,IL\nBea,Rep,bea@x.example,IL\nCy,Rep,cy@x.example,ZZ\n';
      assert.throws(() => readTargetList(bad), (e: unknown) => {
        assert.ok(e instanceof TargetListError);
        assert.deepEqual(e.problems.map((p) => p.line), [2, 4, 5]);
        assert.match(e.problems[0]!.message, /the email is missing/);
        assert.match(e.problems[1]!.message, /repeats line 3/);
        assert.match(e.problems[2]!.message, /not a US state code/);
        return true;
      });
      assert.throws(() => readTargetList('name,email,state\n"Ada,ada@x.example,IL\n'), (e: unknown) => e instanceof TargetListError && /quoted cell is never closed/.test(e.message));
      assert.throws(() => readTargetList('name,email,state\nA "quoted" name,ada@x.example,IL\n'), (e: unknown) => e instanceof TargetListError && /quoting is broken/.test(e.message));
      assert.throws(() => readTargetList('name,title\nAda,Senator\n'), (e: unknown) => e instanceof TargetListError && /no “email” column/.test(e.message));
    });

    it('checks a campaign\u2019s fields: window, zone, cap, body limit', () => {
      assert.deepEqual(checkCampaign(campaignInput()), {});
      const e = checkCampaign(campaignInput({ window_start: '17:00', window_end: '09:00', time_zone: 'Mars/Base', hourly_cap: 0, body_max_length: 5, letter_body: '' }));
      assert.ok(e.window_end && e.time_zone && e.hourly_cap && e.body_max_length);
      const zone = 'America/Chicago';
      // 08:00 Chicago waits for 09:00; 17:00 goes to 09:00 the next day (across the DST change of 2027-03-14 too).
      const at = (s: string) => Date.parse(s);
      assert.equal(new Date(firstAllowed(at('2027-03-13T14:00:00Z'), { hourlyCap: 60, windowStart: '09:00', windowEnd: '17:00', timeZone: zone })).toISOString(), '2027-03-13T15:00:00.000Z');
      assert.equal(new Date(firstAllowed(at('2027-03-13T23:00:00Z'), { hourlyCap: 60, windowStart: '09:00', windowEnd: '17:00', timeZone: zone })).toISOString(), '2027-03-14T14:00:00.000Z');
      assert.equal(matchTargets('matched', [], { postalCode: 'SW1A 1AA', country: 'GB' }).state, null);
    });

    it('answers a closed campaign with 409 and writes nothing', async () => {
      const c = await makeCampaign(h, orgId, { title: 'Closed', status: 'closed' });
      const page = await h.app.inject({ url: `/letters/${c.slug}` });
      assert.match(page.body, /This campaign is closed/);
      const res = await post(c.slug, writer({ email: 'late@example.org' }));
      assert.equal(res.statusCode, 409);
      assert.equal(await count('people', ['email', 'late@example.org']), 0);
      assert.equal((await h.app.inject({ url: '/letters/no-such-campaign' })).statusCode, 404);
    });

    it('lists a person\u2019s letters, and erasure clears what they wrote and cancels what is not sent', async () => {
      const c = await makeCampaign(h, orgId, { title: 'Erased' });
      await post(c.slug, { ...writer({ email: 'erase.me@example.org' }), body: 'My private words.' }, '?source=friend');
      const person = await db().selectFrom('people').select('id').where('email', '=', 'erase.me@example.org').executeTakeFirstOrThrow();
      const records = await outreachRecords(h.ctx, orgId, person.id);
      assert.equal(records.key, 'outreaches');
      assert.match(records.actions[0]!.label, /Wrote the letter “Erased”/);
      assert.equal((records.exported[0] as { message: string }).message, 'My private words.');
      const result = await erasePerson(db(), orgId, person.id, CAPABILITIES);
      assert.ok(result);
      const o = await db().selectFrom('outreaches').selectAll().where('person_id', '=', person.id).executeTakeFirstOrThrow();
      assert.deepEqual([o.subject, o.body, o.signature, o.postal_code, o.source], [null, null, null, null, null]);
      const sends = await db().selectFrom('letter_sends').select('status').where('outreach_id', '=', o.id).execute();
      assert.deepEqual(sends.map((x) => x.status), ['cancelled']);
      const row = await db().selectFrom('letter_campaigns').select('outreach_count').where('id', '=', c.id).executeTakeFirstOrThrow();
      assert.equal(row.outreach_count, 1);
    });
  });
}
