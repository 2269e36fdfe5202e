import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { digestLanguage, reviewDigestMail } from '../src/event-campaigns/review-digest.ts';
import { en, es } from '../src/event-campaigns/messages.ts';

// The review digest's email in each language (the job that sends it: test/events-find.test.ts).

const waiting = (i: number, over: Record<string, unknown> = {}) => ({
  id: `e${i}`,
  title: `Teach-in ${i}`,
  start_at: '2026-12-10T00:00:00.000Z',
  end_at: '2026-12-10T02:00:00.000Z',
  timezone: 'America/Chicago',
  online: 0,
  locality: 'Chicago',
  region: 'IL',
  host_name: 'Kim Host',
  campaign_id: 'c1',
  campaign_title: 'Week of Action',
  ...over,
});

describe('the review digest email', () => {
  const two = [waiting(1), waiting(2, { online: 1, host_name: null, campaign_id: 'c2', campaign_title: 'Día de acción' })];

  it('is in English: the count, each event by campaign, the link to review them', () => {
    const mail = reviewDigestMail('en', 'Faces Not Data', two as never, 'http://turnout.test');
    assert.equal(mail.subject, 'Events waiting for review: 2');
    assert.match(mail.text, /^2 events are waiting for your review: their hosts confirmed their email/);
    assert.match(mail.text, /- Teach-in 1, Wed, Dec 9, 6:00 PM CST, Chicago, IL, hosted by Kim Host/);
    assert.match(mail.text, /- Teach-in 2, Wed, Dec 9, 6:00 PM CST, online\n/);
    assert.match(mail.text, /Review these events \(http:\/\/turnout\.test\/admin\/event-campaigns\/c2\/moderation\)/);
    assert.match(mail.text, /You get this digest as an organizer who can approve events/);
    assert.match(mail.html, /<html lang="en"/);
  });

  it('is in Spanish when asked: no English text left in it but the names typed', () => {
    const mail = reviewDigestMail('es', 'Faces Not Data', two as never, 'http://turnout.test');
    assert.equal(mail.subject, 'Eventos por revisar: 2');
    assert.match(mail.text, /^2 eventos esperan tu revisión/);
    assert.match(mail.text, /- Teach-in 1, mié, 9 de dic, 6:00 p\.\s?m\. CST, Chicago, IL, organizado por Kim Host/);
    assert.match(mail.text, /, en línea\n/);
    assert.match(mail.text, /Revisar estos eventos \(http:\/\/turnout\.test\/admin\/event-campaigns\/c1\/moderation\)/);
    assert.match(mail.text, /Recibes este resumen/);
    assert.match(mail.html, /<html lang="es"/);
    for (const english of ['waiting', 'Review these', 'hosted by', 'online', 'You get this']) assert.ok(!mail.text.includes(english), english);
  });

  it('says one event in the singular, and "or more" at the most one digest lists', () => {
    assert.match(reviewDigestMail('en', 'Org', [waiting(1)] as never, 'http://t').text, /^One event is waiting for your review: its host confirmed their email/);
    assert.match(reviewDigestMail('es', 'Org', [waiting(1)] as never, 'http://t').text, /^Un evento espera tu revisión: su anfitrión/);
    const many = Array.from({ length: 200 }, (_, i) => waiting(i));
    assert.match(reviewDigestMail('en', 'Org', many as never, 'http://t').text, /^200 or more events are waiting/);
    assert.match(reviewDigestMail('es', 'Org', many as never, 'http://t').text, /^200 o más eventos esperan/);
  });

  it('goes in the organizer’s language, else the organization’s, else English', () => {
    assert.equal(digestLanguage({ organizer: 'es', organization: 'en' }), 'es');
    assert.equal(digestLanguage({ organizer: null, organization: 'es' }), 'es');
    assert.equal(digestLanguage({ organizer: 'fr' }), 'en', 'a language turnout does not speak is not used');
    assert.equal(digestLanguage(), 'en');
  });

  it('has every digest text in both languages', () => {
    const keys = Object.keys(en).filter((k) => k.startsWith('digest.'));
    assert.ok(keys.length >= 7);
    for (const k of keys) assert.ok((es as Record<string, string>)[k] && (es as Record<string, string>)[k] !== (en as Record<string, string>)[k], k);
  });
});
