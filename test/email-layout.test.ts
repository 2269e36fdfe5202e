// One layout for every email turnout sends (issue #15): a capability's plain-text email goes out
// with an HTML part in its organization's name and accent, its addresses made links and
// everything else escaped, and the same text with the footer as the plain part; an email with
// its own HTML (a mailing) and a supporter's letter to a decision-maker go as they are.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, MemoryMailer, type Harness } from './helpers.ts';
import { createOrganization } from '../src/orgs/service.ts';
import { createPetition } from '../src/petitions/service.ts';
import { plainTextHtml, withLayout } from '../src/kits/mail/transactional.ts';
import { nowIso } from '../src/util/ids.ts';

describe('the plain-text body in the layout', () => {
  it('escapes what looks like HTML, keeps Markdown signs as they are, and makes web addresses links', () => {
    const html = plainTextHtml('Thank you for signing *Stop <script>alert(1)</script> scans* #1.\n\nSee https://turnout.test/petitions/stop-scans and write to hello@example.org.');
    assert.ok(!html.includes('<script>'), 'no markup from the text');
    assert.match(html, /&lt;script&gt;/);
    assert.match(html, /\*Stop/, 'an asterisk stays an asterisk');
    assert.doesNotMatch(html, /<em>/);
    assert.match(html, /<a href="https:\/\/turnout\.test\/petitions\/stop-scans">https:\/\/turnout\.test\/petitions\/stop-scans<\/a>/);
    assert.equal((html.match(/<p>/g) ?? []).length, 2, 'one paragraph for each block of the text');
  });

  it('passes an email with its own HTML, or marked to go as written, untouched', async () => {
    const inner = new MemoryMailer();
    const mailer = withLayout(inner, null as never);
    await mailer.send({ to: 'a@example.org', subject: 'Mailing', text: 'Hi', html: '<p>Own</p>', messageId: '<m1@x>', language: 'en' });
    await mailer.send({ to: 'mayor@city.example', subject: 'Letter', text: 'Dear Mayor,', messageId: '<m2@x>', language: 'en', layout: false });
    assert.equal(inner.sent[0]!.html, '<p>Own</p>');
    assert.equal(inner.sent[1]!.html, undefined);
    assert.equal(inner.sent[1]!.text, 'Dear Mayor,');
  });
});

for (const target of targets()) {
  describe(`emails in the layout on ${target.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await harness(target);
    });
    after(() => h.close());

    it('sends a petition’s thank-you in its organization’s name and accent, with a plain part made from the same text', async () => {
      const db = h.ctx.database.db;
      const org = await createOrganization(db, { name: 'Faces <Not> Data' });
      await db.updateTable('organizations').set({ accent_color: '#0f5132' }).where('id', '=', org.id).execute();
      const p = await createPetition(db, org.id, { title: 'No scans & no *tracking*', description: '', petition_text: 'Stop.', targets: [], goal: null, confirmation_required: false, status: 'open' }, nowIso());
      const res = await h.app.inject({ method: 'POST', url: `/petitions/${p.slug}`, headers: FORM, payload: form({ lang: 'es', given_name: 'Ana', family_name: 'Ruiz', email: 'ana@example.org', postal_code: '60605', country: 'US' }) });
      assert.equal(res.statusCode, 303);
      await h.runJobs();
      const mail = h.mailer.sent.find((m) => m.to === 'ana@example.org');
      assert.ok(mail?.html, 'the email has an HTML part');
      assert.match(mail.html, /<html lang="es">/);
      assert.match(mail.html, /Faces &lt;Not&gt; Data/, 'the organization, escaped, at the top');
      assert.match(mail.html, /#0f5132/, 'in its accent');
      assert.match(mail.html, /No scans &amp; no \*tracking\*/);
      assert.match(mail.html, new RegExp(`<a href="http://turnout.test/petitions/${p.slug}"`), 'the petition’s address is a link');
      assert.match(mail.html, /prefers-color-scheme: dark/);
      assert.match(mail.text, /Hola, Ana/);
      assert.match(mail.text, /\n-- \nFaces <Not> Data\n$/, 'the plain part ends with the organization under the rule');
    });
  });
}
