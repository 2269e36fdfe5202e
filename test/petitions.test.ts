import { describe, it, before, after, beforeEach } from 'node:test';
import { petitionCache } from '../src/petitions/index.ts';
import assert from 'node:assert/strict';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { createOrganization } from '../src/orgs/service.ts';
import { createPetition, confirmationToken } from '../src/petitions/service.ts';
import { nowIso } from '../src/util/ids.ts';

const signer = (over: Record<string, string> = {}) => ({
  given_name: 'Ana',
  family_name: 'Ruiz',
  email: 'ana@example.org',
  postal_code: '94110',
  country: 'US',
  ...over,
});

for (const target of targets()) {
  describe(`petitions on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let slug: string;
    let petitionId: string;

    before(async () => {
      h = await harness(target);
      const org = await createOrganization(h.ctx.database.db, { name: 'Faces Not Data', slug: 'fnd' });
      orgId = org.id;
    });
    after(() => h.close());

    // Each test gets its own petition so counts do not leak between tests.
    let n = 0;
    beforeEach(async () => {
      const p = await createPetition(
        h.ctx.database.db,
        orgId,
        {
          title: `Stop face surveillance ${++n}`,
          description: 'A demo',
          petition_text: 'Stop selling it.',
          targets: [{ name: 'Lumidex CEO' }],
          goal: null,
          confirmation_required: false,
          status: 'open',
        },
        nowIso(),
      );
      slug = p.slug;
      petitionId = p.id;
    });

    const sign = (fields: Record<string, string>, query = '', headers: Record<string, string> = {}) =>
      h.app.inject({ method: 'POST', url: `/petitions/${slug}${query}`, headers: { ...FORM, ...headers }, payload: form(fields) });
    const count = async () =>
      Number(
        (await h.ctx.database.db.selectFrom('petitions').select('signature_count').where('id', '=', petitionId).executeTakeFirstOrThrow())
          .signature_count,
      );
    const signatures = () => h.ctx.database.db.selectFrom('signatures').selectAll().where('petition_id', '=', petitionId).execute();

    it('sends the page compressed to a browser that asks: Brotli, gzip, or as it is', async () => {
      const plain = await h.app.inject({ url: `/petitions/${slug}` });
      assert.equal(plain.headers['content-encoding'], undefined);
      const browser = 'gzip, deflate, br, zstd';
      const br = await h.app.inject({ url: `/petitions/${slug}`, headers: { 'accept-encoding': browser } });
      assert.equal(br.headers['content-encoding'], 'br');
      // The page varies with the encoding and with the language it was chosen in (Accept-Language, the lang cookie).
      assert.equal(br.headers.vary, 'Accept-Language, Cookie, Accept-Encoding');
      assert.equal(brotliDecompressSync(br.rawPayload).toString('utf8'), plain.body);
      assert.ok(br.rawPayload.length * 3 < plain.rawPayload.length, `${br.rawPayload.length} bytes compressed of ${plain.rawPayload.length}`);
      const gz = await h.app.inject({ url: `/petitions/${slug}`, headers: { 'accept-encoding': 'gzip, br;q=0' } });
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.equal(gunzipSync(gz.rawPayload).toString('utf8'), plain.body);
      const none = await h.app.inject({ url: `/petitions/${slug}`, headers: { 'accept-encoding': 'identity' } });
      assert.equal(none.headers['content-encoding'], undefined);
      assert.equal(none.body, plain.body);
    });

    it('shows the petition with its targets, count, goal and a labelled form', async () => {
      const res = await h.app.inject({ url: `/petitions/${slug}` });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /text\/html/);
      assert.match(res.body, /To:<\/span> <span>Lumidex CEO/);
      assert.match(res.body, /0 signatures/);
      assert.match(res.body, /role="progressbar" aria-labelledby="count-text" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"/);
      assert.match(res.body, /<p class="count" id="count-text">0 of 100 signatures<\/p>/);
      for (const [id, label] of [
        ['given_name', 'First name'],
        ['family_name', 'Last name'],
        ['email', 'Email address'],
        ['postal_code', 'ZIP or postal code'],
        ['country', 'Country'],
        ['comments', 'Comment \\(optional\\)'],
      ]) {
        assert.match(res.body, new RegExp(`<label for="${id}">${label}</label>`), `label for ${id}`);
      }
      assert.match(res.body, /<option value="US" selected>United States<\/option>/);
      assert.doesNotMatch(res.body, /id="opt_in"[^>]*checked/, 'the opt-in starts unticked');
      assert.doesNotMatch(res.body, /<script/i);
    });

    it('records a signature, redirects to a thank-you page, and queues the autoresponse', async () => {
      const res = await sign({ ...signer(), opt_in: 'yes', comments: 'For my neighbours' }, '?source=email-1');
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `/petitions/${slug}/thanks`);
      const thanks = await h.app.inject({ url: res.headers.location });
      assert.equal(thanks.statusCode, 200);
      assert.match(thanks.body, /Thank you for signing/);
      assert.match(thanks.body, new RegExp(`value="http://turnout.test/petitions/${slug}\\?source=share-copy"`));
      assert.equal(await count(), 1);
      const [s] = await signatures();
      assert.equal(s!.source, 'email-1');
      assert.equal(s!.comments, 'For my neighbours');
      assert.ok(s!.confirmed_at);
      const person = await h.ctx.database.db.selectFrom('people').selectAll().where('id', '=', s!.person_id).executeTakeFirstOrThrow();
      assert.equal(person.email_status, 'subscribed');
      assert.equal(person.postal_code, '94110');
      const consent = await h.ctx.database.db.selectFrom('consents').selectAll().where('person_id', '=', person.id).execute();
      assert.equal(consent.length, 1);
      assert.equal(consent[0]!.given, 1);
      assert.match(consent[0]!.wording, /Faces Not Data/);
      assert.equal(await h.runJobs(), 1);
      const mail = h.mailer.sent.find((m) => m.to === 'ana@example.org' && m.subject.includes(`${n}`));
      assert.ok(mail, 'autoresponse sent');
      assert.match(mail.text, /Hello Ana,/);
      assert.match(mail.text, new RegExp(`http://turnout.test/petitions/${slug}`));
    });

    it('counts a repeat signer once and gives them the same page, whatever the case and spacing of the email', async () => {
      const first = await sign(signer({ email: 'Repeat@Example.org' }));
      const second = await sign(signer({ email: '  repeat@example.ORG ', given_name: 'Anita' }));
      assert.equal(first.statusCode, 303);
      assert.equal(second.statusCode, 303);
      assert.equal(second.headers.location, first.headers.location);
      assert.equal(await count(), 1);
      assert.equal((await signatures()).length, 1);
      const people = await h.ctx.database.db.selectFrom('people').selectAll().where('email', '=', 'repeat@example.org').execute();
      assert.equal(people.length, 1);
      assert.equal(people[0]!.given_name, 'Anita', 'the latest name is kept');
      assert.equal(people[0]!.email_status, 'unsubscribed', 'no opt-in, no subscription');
    });

    it('keeps Gmail dots and plus tags as typed: they are different people', async () => {
      await sign(signer({ email: 'a.b+x@gmail.com' }));
      await sign(signer({ email: 'ab@gmail.com' }));
      assert.equal(await count(), 2);
    });

    it('sends back the form with the input kept and a message by each wrong field', async () => {
      const res = await sign({ given_name: 'Ana', family_name: '', email: 'not-an-email', postal_code: '1234', country: 'US', comments: 'kept' });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /There is a problem/);
      assert.match(res.body, /<a href="#family_name">Enter your last name<\/a>/);
      assert.match(res.body, /id="email-error">Enter an email address in the right format/);
      assert.match(res.body, /id="postal_code-error">Enter a valid ZIP code/);
      assert.match(res.body, /id="given_name"[^>]*value="Ana"/);
      assert.match(res.body, /value="not-an-email"/);
      assert.match(res.body, />kept<\/textarea>/);
      assert.equal(await count(), 0);
      assert.equal((await signatures()).length, 0);
    });

    it('escapes what a signer typed everywhere it is shown', async () => {
      const evil = '"><script>alert(1)</script>';
      const res = await sign({ given_name: evil, family_name: evil, email: evil, postal_code: evil, country: evil, comments: evil });
      assert.equal(res.statusCode, 422);
      assert.ok(!res.body.includes('"><script>'), 'no attribute break-out');
      // Outside attribute values (where < is plain text), no tag was injected.
      assert.ok(!/<script/i.test(res.body.replace(/"[^"]*"/g, '""')), 'no script element');
      assert.ok(res.body.includes('&#34;>&lt;script>alert(1)&lt;/script></textarea>'), 'the comment comes back escaped');
      assert.ok(res.body.includes('value="&#34;><script>'), 'attribute values have their quotes escaped');
    });

    it('refuses a 5,000-character name with a message and stores nothing', async () => {
      const res = await sign(signer({ given_name: 'x'.repeat(5000) }));
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /First name must be 100 characters or fewer/);
      assert.equal((await signatures()).length, 0);
    });

    it('refuses invalid UTF-8 and control characters', async () => {
      const res = await h.app.inject({
        method: 'POST',
        url: `/petitions/${slug}`,
        headers: FORM,
        payload: Buffer.concat([Buffer.from('family_name=Ruiz&email=a%40example.org&postal_code=94110&given_name='), Buffer.from([0xff, 0xfe])]),
      });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /contains characters we cannot read/);
      // A control character is refused before the form is read (src/app/input-edge.ts).
      const nul = await h.app.inject({ method: 'POST', url: `/petitions/${slug}`, headers: FORM, payload: 'given_name=Ana&family_name=R%00uiz&email=a%40example.org&postal_code=94110' });
      assert.equal(nul.statusCode, 400);
      assert.match(nul.body, /Something you sent cannot be used/);
      assert.equal((await signatures()).length, 0);
    });

    it('answers a 10 MB body with 413 and a page, storing nothing', async () => {
      const res = await sign(signer({ comments: 'x'.repeat(10 * 1024 * 1024) }));
      assert.equal(res.statusCode, 413);
      assert.match(res.headers['content-type'] as string, /text\/html/);
      assert.match(res.body, /too much/);
      assert.equal((await signatures()).length, 0);
    });

    it('answers an empty body and a body of the wrong type with the form, not a 500', async () => {
      const empty = await h.app.inject({ method: 'POST', url: `/petitions/${slug}`, headers: FORM, payload: '' });
      assert.equal(empty.statusCode, 422);
      const json = await h.app.inject({ method: 'POST', url: `/petitions/${slug}`, headers: { 'content-type': 'application/json' }, payload: '{"given_name":' });
      assert.ok(json.statusCode >= 400 && json.statusCode < 500, `got ${json.statusCode}`);
      const odd = await h.app.inject({ method: 'POST', url: `/petitions/${slug}`, headers: { 'content-type': 'text/plain' }, payload: 'hello' });
      assert.ok(odd.statusCode >= 400 && odd.statusCode < 500, `got ${odd.statusCode}`);
      assert.equal((await signatures()).length, 0);
    });

    it('answers an unknown petition with a 404 page in the reader’s language', async () => {
      const res = await h.app.inject({ url: '/petitions/no-such-thing', headers: { 'accept-language': 'es-MX,es;q=0.9' } });
      assert.equal(res.statusCode, 404);
      assert.match(res.body, /No encontramos la página/);
      const post = await h.app.inject({ method: 'POST', url: '/petitions/no-such-thing', headers: FORM, payload: form(signer()) });
      assert.equal(post.statusCode, 404);
    });

    it('refuses signatures on a closed petition', async () => {
      await h.ctx.database.db.updateTable('petitions').set({ status: 'closed' }).where('id', '=', petitionId).execute();
      petitionCache(h.ctx).forget(slug);
      const page = await h.app.inject({ url: `/petitions/${slug}` });
      assert.match(page.body, /This petition is closed/);
      assert.doesNotMatch(page.body, /<form/);
      const res = await sign(signer());
      assert.equal(res.statusCode, 409);
      assert.equal((await signatures()).length, 0);
    });

    it('never shares one visitor’s query string with the next through the page cache', async () => {
      petitionCache(h.ctx).forget(slug);
      await h.app.inject({ url: `/petitions/${slug}?fbclid=SECRET123` });
      const next = await h.app.inject({ url: `/petitions/${slug}` });
      assert.ok(!next.body.includes('SECRET123'));
      assert.match(next.body, new RegExp(`href="/petitions/${slug}\\?lang=es"`));
    });

    it('serves the count as cacheable JSON', async () => {
      await sign(signer({ email: 'json@example.org' }));
      petitionCache(h.ctx).forget(slug);
      const res = await h.app.inject({ url: `/petitions/${slug}.json` });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['cache-control'] as string, /max-age=5/);
      assert.deepEqual(res.json(), { title: `Stop face surveillance ${n}`, count: 1, goal: 100, status: 'open', closes_at: null });
      assert.equal((await h.app.inject({ url: '/petitions/nope.json' })).statusCode, 404);
    });

    describe('with email confirmation on', () => {
      beforeEach(async () => {
        await h.ctx.database.db.updateTable('petitions').set({ confirmation_required: 1 }).where('id', '=', petitionId).execute();
        petitionCache(h.ctx).forget(slug);
      });

      it('counts a signature only once it is confirmed by a POST, not by opening the link', async () => {
        h.mailer.sent = [];
        const res = await sign(signer({ email: 'confirm@example.org' }));
        assert.equal(res.statusCode, 303);
        const thanks = await h.app.inject({ url: res.headers.location as string });
        assert.match(thanks.body, /we have sent you an email/);
        assert.equal(await count(), 0);
        await h.runJobs();
        const mail = h.mailer.sent.find((m) => m.to === 'confirm@example.org');
        assert.ok(mail);
        assert.match(mail.subject, /Confirm your signature/);
        const link = /http:\/\/turnout\.test(\/petitions\/\S+\/confirm\/\S+)/.exec(mail.text)![1]!;
        const opened = await h.app.inject({ url: link });
        assert.equal(opened.statusCode, 200);
        assert.match(opened.body, /Confirm my signature/);
        assert.equal(await count(), 0, 'a GET (a mail scanner) confirms nothing');
        const confirmed = await h.app.inject({ method: 'POST', url: link, headers: FORM, payload: '' });
        assert.equal(confirmed.statusCode, 200);
        assert.match(confirmed.body, /Your signature is confirmed/);
        assert.equal(await count(), 1);
        const again = await h.app.inject({ method: 'POST', url: link, headers: FORM, payload: '' });
        assert.equal(again.statusCode, 200);
        assert.equal(await count(), 1, 'confirming twice counts once');
        await h.runJobs();
        assert.ok(h.mailer.sent.some((m) => m.to === 'confirm@example.org' && /Thank you for signing/.test(m.subject)));
      });

      it('refuses a forged confirmation link', async () => {
        await sign(signer({ email: 'forged@example.org' }));
        const [s] = await signatures();
        const bad = await h.app.inject({ method: 'POST', url: `/petitions/${slug}/confirm/${s!.id}/AAAA${confirmationToken(h.config.secretKey, s!.id).slice(4)}`, headers: FORM, payload: '' });
        assert.equal(bad.statusCode, 404);
        assert.match(bad.body, /does not work/);
        assert.equal(await count(), 0);
      });

      it('sends the confirmation again to a repeat signer who has not confirmed, with the same page', async () => {
        h.mailer.sent = [];
        const a = await sign(signer({ email: 'twice@example.org' }));
        const b = await sign(signer({ email: 'twice@example.org' }));
        assert.equal(a.headers.location, b.headers.location);
        await h.runJobs();
        assert.equal(h.mailer.sent.filter((m) => m.to === 'twice@example.org').length, 2);
        assert.equal((await signatures()).length, 1);
      });
    });

    it('serves pages and emails in Spanish, and remembers the language on the person', async () => {
      const page = await h.app.inject({ url: `/petitions/${slug}?lang=es` });
      assert.match(page.body, /<html lang="es">/);
      assert.match(page.body, /<label for="given_name">Nombre<\/label>/);
      assert.match(page.headers['set-cookie'] as string, /lang=es/);
      assert.doesNotMatch(String(page.headers.vary ?? ''), /Accept-Language/, '?lang= alone chooses the language');
      const negotiated = await h.app.inject({ url: `/petitions/${slug}`, headers: { 'accept-language': 'es' } });
      assert.match(negotiated.body, /<html lang="es">/);
      assert.match(String(negotiated.headers.vary), /Accept-Language/);
      assert.match(String(negotiated.headers.vary), /Cookie/);
      const picture = await h.app.inject({ url: `/petitions/${slug}/share.png?lang=es` });
      assert.equal(picture.statusCode, 200);
      assert.equal(picture.headers['set-cookie'], undefined, 'a picture sets no cookie');
      const res = await sign(signer({ email: 'es@example.org' }), '', { cookie: 'lang=es' });
      assert.equal(res.statusCode, 303);
      const person = await h.ctx.database.db.selectFrom('people').selectAll().where('email', '=', 'es@example.org').executeTakeFirstOrThrow();
      assert.equal(person.language, 'es');
      h.mailer.sent = [];
      await h.runJobs();
      const mail = h.mailer.sent.find((m) => m.to === 'es@example.org')!;
      assert.match(mail.subject, /Gracias por firmar/);
      assert.equal(mail.language, 'es');
      const wrong = await sign(signer({ email: 'bad' }), '', { 'accept-language': 'es' });
      assert.match(wrong.body, /Escribe un correo electrónico con el formato correcto/);
      // Without a cookie, the form's hidden language field keeps the answer in the language it was shown in.
      const hidden = await sign(signer({ email: 'bad', lang: 'es' }));
      assert.match(hidden.body, /<html lang="es">/);
      assert.match(hidden.body, /Hay un problema/);
    });

    it('raises the goal as it is reached', async () => {
      await h.ctx.database.db.updateTable('petitions').set({ signature_count: 100 }).where('id', '=', petitionId).execute();
      petitionCache(h.ctx).forget(slug);
      const res = await h.app.inject({ url: `/petitions/${slug}.json` });
      assert.equal(res.json().goal, 250);
    });
  });
}
