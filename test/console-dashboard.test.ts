// The console's dashboard (every capability's entry, what needs attention first), a petition's
// charts (SVG with a table beside each, small state counts never shown), and the audit log's
// sentences.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organizerIn, organization, type SignedIn } from './admin-helpers.ts';
import { createPetition } from '../src/petitions/service.ts';
import { nowIso } from '../src/util/ids.ts';
import { dashboardParts } from '../src/app/dashboard.tsx';
import type { Capability, Context } from '../src/context.ts';
import { auditSentence, hasSentence, type AuditEntry } from '../src/organizers/audit-sentences.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { protectedCounts } from '../src/kits/console/state-map.tsx';
import { labelText } from '../src/kits/console/table.tsx';
import { TimeZoneSelect, zoneLabel } from '../src/kits/console/time-zones.tsx';

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe('the dashboard contract', () => {
  it('lists attention most urgent first, then the sections in the list’s order, taking a bare section too', async () => {
    const caps: Capability[] = [
      { name: 'a', dashboard: async () => '<section>A</section>' },
      { name: 'b', dashboard: async () => ({ attention: [{ urgency: 2, href: '/b2', text: 'b later' }, { urgency: 0, href: '/b0', text: 'b now' }], section: '<section>B</section>' }) },
      { name: 'c', dashboard: async () => null },
      { name: 'd', dashboard: async () => ({ attention: [{ urgency: 1, href: '/d1', text: 'd soon' }, { urgency: 0, href: '/d0', text: 'd now' }] }) },
    ];
    const parts = await dashboardParts({} as Context, caps, 'org');
    assert.deepEqual(parts.attention.map((a) => a.text), ['b now', 'd now', 'd soon', 'b later']);
    assert.deepEqual(parts.sections, ['<section>A</section>', '<section>B</section>']);
  });
});

describe('small counts', () => {
  it('writes counts under 10 as “fewer than 10”, and a lone small one’s neighbour as a range', () => {
    const shown = protectedCounts([{ label: 'California', value: 12 }, { label: 'Texas', value: 25 }, { label: 'New York', value: 3 }, { label: 'Ohio', value: 0 }]);
    assert.deepEqual(shown.map((d) => [d.label, d.shown]), [['Texas', '25'], ['California', '10 to 19'], ['New York', 'fewer than 10']]);
    const two = protectedCounts([{ label: 'California', value: 12 }, { label: 'Maine', value: 1 }, { label: 'Iowa', value: 9 }]);
    assert.deepEqual(two.map((d) => [d.label, d.shown]), [['California', '12'], ['Iowa', 'fewer than 10'], ['Maine', 'fewer than 10']]);
  });
  it('reads a column heading as text for the narrow-screen label', () => {
    assert.equal(labelText('<span class="skip">Remove</span> &amp; more'), 'Remove & more');
  });
});

describe('the time-zone select', () => {
  it('puts the common US zones first, then every zone by region, and keeps a stored zone it does not list', async () => {
    const html = String(await TimeZoneSelect({ name: 'tz', label: 'Time zone', value: 'America/Chicago' }));
    const groups = [...html.matchAll(/<optgroup label="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(groups[0], 'Common in the United States');
    assert.ok(groups.includes('Europe') && groups.includes('Asia'));
    assert.match(html, /<option value="America\/Chicago" selected>Central Time \(Chicago\) — GMT-[56]<\/option>/);
    assert.match(html, /<option value="Europe\/Berlin">Berlin \(Germany\) — Central European Time, GMT\+[12]<\/option>/);
    assert.match(html, /<option value="America\/Argentina\/San_Juan">San Juan \(Argentina\) — Argentina Standard Time, GMT-3<\/option>/);
    assert.match(html, /<option value="Europe\/London">London \(United Kingdom\) — GMT\+[01]<\/option>/, 'no "United Kingdom Time" beside the country');
    assert.match(html, /<option value="America\/Indiana\/Knox">Knox, Indiana \(United States\) — Central Time, GMT-[56]<\/option>/);
    assert.doesNotMatch(html, />[A-Z][a-z]+\/[A-Za-z_]+</, 'no option shows a raw IANA name');
    assert.match(html, /<label for="tz">Time zone<\/label>/, 'in the console’s field wrapper');
    assert.equal((html.match(/value="America\/Chicago"/g) ?? []).length, 1, 'a common zone is listed once');
    const region = (name: string) => html.slice(html.indexOf(`<optgroup label="${name}">`), html.indexOf('</optgroup>', html.indexOf(`<optgroup label="${name}">`)));
    assert.match(region('Europe'), /value="Europe\/Paris"/, 'grouped by region');
    assert.doesNotMatch(region('Europe'), /value="Asia\//);
    const labels = [...region('Europe').matchAll(/">([^<]+)<\/option>/g)].map((m) => m[1]!);
    assert.deepEqual(labels, [...labels].sort((a, b) => a.localeCompare(b)), 'sorted by label within a region');
    const summer = zoneLabel('Europe/Paris', new Date('2026-07-01T12:00:00Z'));
    assert.equal(summer, 'Paris (France) — Central European Time, GMT+2', 'the offset is the day’s');
    assert.equal(zoneLabel('Asia/Calcutta', new Date('2026-07-01T12:00:00Z')), 'Calcutta (India) — India Standard Time, GMT+5:30');
    const wrong = String(await TimeZoneSelect({ name: 'tz', label: 'Time zone', value: 'Nowhere/Else', error: 'Choose a time zone', hint: 'Its clock.' }));
    assert.match(wrong, /<div class="field has-error">/);
    assert.match(wrong, /aria-describedby="tz-hint tz-error"/);
    const odd = String(await TimeZoneSelect({ name: 'tz', label: 'Time zone', value: 'US/Central' }));
    assert.match(odd, /<option value="US\/Central" selected>US\/Central<\/option>/);
  });
});

describe('audit sentences', () => {
  const at = '2026-12-01T14:05:09.000Z';
  const entry = (e: Partial<AuditEntry>): AuditEntry => ({ action: 'x', subject: null, details: {}, created_at: at, who: 'Ana López', ...e });
  const pid = '01a23217-967e-70de-a7dd-cb0a2c40dc76';
  const names = new Map([[pid, 'the petition “Stop facial recognition”']]);
  it('writes known kinds with the names looked up', () => {
    assert.equal(auditSentence(entry({ action: 'petition.changed', subject: pid, details: { changed: ['status'], from: { status: 'open' }, to: { status: 'closed' } } }), names), 'Ana López closed the petition “Stop facial recognition” at 14:05');
    assert.equal(auditSentence(entry({ action: 'signatures.exported', subject: pid, details: { signatures: 1234 } }), names), 'Ana López downloaded 1,234 signatures of the petition “Stop facial recognition” at 14:05');
    assert.equal(auditSentence(entry({ action: 'member.invited', subject: 'bo@example.org', details: { role: 'admin' } }), names), 'Ana López invited bo@example.org to join as an admin at 14:05');
    assert.equal(auditSentence(entry({ action: 'event.approved', who: null, subject: '01a23217-0000-70de-a7dd-cb0a2c40dc76', details: { trusted_host: 'h@example.org' } }), names), 'An event was published at once: its host is trusted at 14:05');
  });
  it('falls back to a readable sentence for an unknown kind, without ids or JSON', () => {
    const s = auditSentence(entry({ action: 'fundraising_page.archived', subject: pid, details: { reason: 'done', other: pid, nested: { a: 1 } } }), names);
    assert.equal(s, 'Ana López did “fundraising page archived” on the petition “Stop facial recognition” (reason: done) at 14:05');
    assert.doesNotMatch(auditSentence(entry({ action: 'petition.created', subject: pid }), new Map()), UUID_RE);
  });
  it('has a sentence for the forms’ kinds', () => {
    const fid = '01a23217-1111-70de-a7dd-cb0a2c40dc76';
    const formNames = new Map([[fid, 'the form “Volunteer for the week of action”']]);
    assert.equal(auditSentence(entry({ action: 'submissions.exported', subject: fid, details: { form: 'volunteer-for-the-week-of-action', submissions: 1 } }), formNames), 'Ana López downloaded 1 submission of the form “Volunteer for the week of action” at 14:05');
    assert.equal(auditSentence(entry({ action: 'form.created', subject: fid, details: { title: 'Volunteer', slug: 'volunteer' } }), new Map()), 'Ana López created the form “Volunteer” at 14:05');
    assert.equal(auditSentence(entry({ action: 'form.updated', subject: fid, details: { changed: ['title', 'questions'] } }), formNames), 'Ana López changed the title and questions of the form “Volunteer for the week of action” at 14:05');
  });
  it('has a sentence for every kind the code records', () => {
    // Every audit kind written in src/: `action: 'kind'` in an insert, or a kind passed to a route's own audit helper.
    const files = (readdirSync('src', { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f)).map((f) => readFileSync(join('src', f), 'utf8'));
    const kinds = new Set<string>();
    for (const text of files) {
      for (const m of text.matchAll(/action: '([a-z_]+\.[a-z_]+)'/g)) kinds.add(m[1]!);
      for (const m of text.matchAll(/\b(?:record|note|log)\(request, (?:[^,()]+\? )?'([a-z_]+\.[a-z_]+)'(?: : '([a-z_]+\.[a-z_]+)')?/g)) for (const k of [m[1], m[2]]) if (k) kinds.add(k);
    }
    assert.ok(kinds.size > 40, `found ${kinds.size} kinds`);
    assert.deepEqual([...kinds].filter((k) => !hasSentence(k)), []);
  });
});

for (const target of targets()) {
  describe(`the dashboard and charts on ${target.name}`, () => {
    let h: Harness;
    let owner: SignedIn;
    let petition: { id: string; slug: string };

    before(async () => {
      h = await harness(target);
      const org = await organization(h, 'Faces Not Data');
      const other = await organization(h, 'Tenants United');
      owner = await organizerIn(h, org.id, 'owner', 'ana@faces.example');
      const otherOwner = await organizerIn(h, other.id, 'owner', 'bo@tenants.example');
      const p = await createPetition(h.ctx.database.db, org.id, { title: 'Stop facial recognition', description: '', petition_text: 'Stop it.', targets: [], goal: null, confirmation_required: false, status: 'open' }, nowIso());
      petition = { id: p.id, slug: p.slug };
      const theirs = await createPetition(h.ctx.database.db, other.id, { title: 'Fair rents now', description: '', petition_text: 'Now.', targets: [], goal: null, confirmation_required: false, status: 'open' }, nowIso());
      // Tenants United invites Faces Not Data: an invitation Faces Not Data must answer.
      const res = await h.app.inject({ method: 'POST', url: `/admin/petitions/${theirs.id}/partners`, headers: { ...FORM, cookie: otherOwner.cookie }, payload: form({ _csrf: otherOwner.csrf, partner: 'Faces Not Data' }) });
      assert.equal(res.statusCode, 303);
      const zips = [...Array(12).fill('94110'), ...Array(25).fill('75201'), ...Array(3).fill('10027')];
      for (const [i, zip] of zips.entries()) {
        const signed = await h.app.inject({ method: 'POST', url: `/petitions/${p.slug}?source=${i % 2 ? 'email' : 'social'}`, headers: FORM, payload: form({ given_name: 'Sam', family_name: `Lee${i}`, email: `s${i}@example.org`, postal_code: zip }) });
        assert.equal(signed.statusCode, 303);
      }
    });
    after(() => h.close());

    it('shows what needs attention first, then an entry for every kind of action', async () => {
      const res = await h.app.inject({ url: '/admin', headers: { cookie: owner.cookie } });
      assert.equal(res.statusCode, 200);
      const body = res.body;
      const attention = body.indexOf('Needs attention');
      assert.ok(attention > 0);
      assert.match(body, /Tenants United invites you to partner on the petition “Fair rents now”: accept or decline/);
      for (const title of ['Petitions', 'Upcoming events', 'Weeks of action', 'Open fundraisers', 'Open letters', 'Letters to decision-makers', 'Mailings under way']) {
        const at = body.indexOf(`>${title}</h2>`);
        assert.ok(at > attention, `${title} is on the dashboard, after what needs attention`);
      }
      assert.match(body, /<svg[^>]*role="img"/, 'the signatures per day are drawn');
      assert.match(body, /<td class="num" data-label="Total">40<\/td>/);
    });

    it('draws a petition’s charts with tables, and never a state count under 10', async () => {
      const res = await h.app.inject({ url: `/admin/petitions/${petition.id}/charts`, headers: { cookie: owner.cookie } });
      assert.equal(res.statusCode, 200);
      const body = res.body;
      assert.equal((body.match(/<figure class="chart"/g) ?? []).length, 3);
      assert.match(body, /<th scope="row" data-label="Source code">social<\/th><td class="num" data-label="Signatures">20<\/td>/);
      assert.match(body, /<th scope="row" data-label="State">Texas<\/th><td class="num" data-label="Signatures">25<\/td>/);
      assert.match(body, /<th scope="row" data-label="State">New York<\/th><td class="num" data-label="Signatures">fewer than 10<\/td>/);
      assert.match(body, /<th scope="row" data-label="State">California<\/th><td class="num" data-label="Signatures">10 to 19<\/td>/, 'the lone small count’s neighbour is a range');
      assert.match(body, /<title>New York: fewer than 10<\/title>/);
      const states = body.slice(body.indexOf('id="per-state-caption"'));
      assert.doesNotMatch(states, />\s*3\s*</, 'the exact small count is nowhere in the map or its table');
      assert.doesNotMatch(states, /New York: 3|>12</);
      const other = await organization(h, 'Someone Else');
      const stranger = await organizerIn(h, other.id, 'owner', 'x@else.example');
      assert.equal((await h.app.inject({ url: `/admin/petitions/${petition.id}/charts`, headers: { cookie: stranger.cookie } })).statusCode, 404);
    });
  });
}
