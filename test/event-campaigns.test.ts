import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organization } from './admin-helpers.ts';
import { campaign, confirmedEvent } from './event-campaigns-support.ts';

/** The titles of the events listed under the results heading, in order. */
function listed(html: string): string[] {
  const start = html.indexOf('id="results-heading"');
  const online = html.indexOf('id="online-heading"');
  const section = html.slice(start, online > 0 ? online : html.indexOf('id="map-heading"'));
  return [...section.matchAll(/<strong>([^<]+)<\/strong><\/a>/g)].map((m) => m[1]!);
}

for (const target of targets()) {
  describe(`event campaign public page and search on ${target.name}`, () => {
    let h: Harness;
    let slug: string;
    let campaignId: string;
    let orgId: string;
    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Privacy Coalition')).id;
      const c = await campaign(h, orgId);
      slug = c.slug;
      campaignId = c.id;
      await confirmedEvent(h, orgId, campaignId, 'Rally in the Loop', '60601');
      await confirmedEvent(h, orgId, campaignId, 'Evanston teach-in', '60201');
      await confirmedEvent(h, orgId, campaignId, 'Second Loop event', '60601', { startTime: '10:00', endTime: '11:00' });
      await confirmedEvent(h, orgId, campaignId, 'Manhattan vigil', '10001', { timezone: 'America/New_York' });
      await confirmedEvent(h, orgId, campaignId, 'Hidden pending', '60601', { status: 'pending' });
      await confirmedEvent(h, orgId, campaignId, 'Unlisted one', '60601', { visibility: 'unlisted' });
      await confirmedEvent(h, orgId, campaignId, 'Call-in', '60601', { online: true, joinUrl: 'https://meet.example.org/x' });
    });
    after(() => h.close());

    it('shows the campaign, its public confirmed events and the search form', async () => {
      const res = await h.app.inject({ method: 'GET', url: `/event_campaigns/${slug}` });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<h1>Week of Action for Privacy<\/h1>/);
      assert.match(res.body, /Join one near you\./);
      assert.match(res.body, /<form method="get" action="\/event_campaigns\/week-of-action-for-privacy"/);
      for (const d of [5, 10, 25, 50, 100]) assert.match(res.body, new RegExp(`<option value="${d}"`));
      assert.deepEqual(listed(res.body).sort(), ['Evanston teach-in', 'Manhattan vigil', 'Rally in the Loop', 'Second Loop event'].sort());
      assert.doesNotMatch(res.body, /Hidden pending|Unlisted one/);
      assert.match(res.body, /1 online event/);
      assert.match(res.body, /Call-in/);
      assert.match(res.body, new RegExp(`href="/event_campaigns/${slug}/host"`));
    });

    it('sorts the results by distance from a real ZIP and leaves out what is too far', async () => {
      const res = await h.app.inject({ method: 'GET', url: `/event_campaigns/${slug}?zip=60201&distance=25` });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(listed(res.body), ['Evanston teach-in', 'Second Loop event', 'Rally in the Loop']);
      assert.match(res.body, /3 events within 25 miles of 60201/);
      assert.match(res.body, /Less than a mile away/);
      assert.match(res.body, /12 miles away/, 'Evanston to the Loop is about 12 miles');
      assert.match(res.body, /<option value="25" selected>/);
      const near = await h.app.inject({ method: 'GET', url: `/event_campaigns/${slug}?zip=60601&distance=5` });
      assert.deepEqual(listed(near.body), ['Second Loop event', 'Rally in the Loop'], 'same place: the sooner first');
      const ny = await h.app.inject({ method: 'GET', url: `/event_campaigns/${slug}?zip=10001&distance=100` });
      assert.deepEqual(listed(ny.body), ['Manhattan vigil']);
      const none = await h.app.inject({ method: 'GET', url: `/event_campaigns/${slug}?zip=94103&distance=100` });
      assert.equal(none.statusCode, 200);
      assert.match(none.body, /No events within 100 miles of 94103/);
      assert.deepEqual(listed(none.body), []);
    });

    it('shows the date and place at a glance, on the event’s own clock', async () => {
      const res = await h.app.inject({ method: 'GET', url: `/event_campaigns/${slug}?zip=10001&distance=5` });
      const item = res.body.slice(res.body.indexOf('Manhattan vigil'));
      assert.match(item, /6:00\s*–\s*8:00\s*PM\s*EST|6:00\s*–\s*8:00\s*PM\s*EDT/);
      assert.match(item, /Public library · New York, NY/);
      assert.doesNotMatch(res.body, /1 Main St/, 'the street address is for attendees only');
    });

    it('explains a ZIP that does not exist and a distance that is not offered, in English and Spanish', async () => {
      const cases: [string, string, RegExp][] = [
        ['zip=00000&distance=25', 'en', /We could not find ZIP 00000/],
        ['zip=00000&distance=25', 'es', /No encontramos el código postal 00000/],
        ['zip=abc&distance=25', 'en', /Enter a ZIP code of 5 digits, like 60601/],
        ['zip=abc&distance=25', 'es', /Escribe un código postal de 5 dígitos/],
        ['zip=60601&distance=-5', 'en', /Choose a distance from the list: 5, 10, 25, 50 or 100 miles/],
        ['zip=60601&distance=10000', 'en', /Choose a distance from the list/],
        ['zip=60601&distance=ten', 'es', /Elige una distancia de la lista: 5, 10, 25, 50 o 100 millas/],
        ['zip=60601&distance=25.0', 'en', /Choose a distance from the list/],
      ];
      for (const [query, lang, message] of cases) {
        const res = await h.app.inject({ method: 'GET', url: `/event_campaigns/${slug}?${query}&lang=${lang}` });
        assert.equal(res.statusCode, 400, query);
        assert.match(res.body, message, `${query} in ${lang}`);
        assert.match(res.body, /class="error-summary"/);
        assert.match(res.body, lang === 'es' ? /<html lang="es">/ : /<html lang="en">/);
      }
      const both = await h.app.inject({ method: 'GET', url: `/event_campaigns/${slug}?zip=00000&distance=7` });
      assert.match(both.body, /We could not find ZIP 00000/);
      assert.match(both.body, /Choose a distance/);
      assert.match(both.body, /value="00000"/, 'what was typed is kept');
      const array = await h.app.inject({ method: 'GET', url: `/event_campaigns/${slug}?zip=60601&zip=60201&distance=5&distance=10` });
      assert.ok(array.statusCode < 500);
    });

    it('answers an unknown campaign with a 404 page in the visitor’s language', async () => {
      const en = await h.app.inject({ method: 'GET', url: '/event_campaigns/no-such-week' });
      assert.equal(en.statusCode, 404);
      assert.match(en.body, /Page not found/);
      const es = await h.app.inject({ method: 'GET', url: '/event_campaigns/no-such-week?lang=es' });
      assert.equal(es.statusCode, 404);
      assert.match(es.body, /No encontramos la página/);
      const host = await h.app.inject({ method: 'GET', url: '/event_campaigns/no-such-week/host' });
      assert.equal(host.statusCode, 404);
      const post = await h.app.inject({ method: 'POST', url: '/event_campaigns/no-such-week/host', headers: FORM, payload: form({ title: 'x' }) });
      assert.equal(post.statusCode, 404);
    });

    it('draws the map on the server: linked dots, overlapping ones grouped with a count, a title, the cities as text, nothing from elsewhere', async () => {
      const res = await h.app.inject({ method: 'GET', url: `/event_campaigns/${slug}` });
      const svg = res.body.slice(res.body.indexOf('<svg'), res.body.indexOf('</svg>') + 6);
      assert.ok(svg.length > 1000);
      const dots = [...svg.matchAll(/<circle /g)];
      assert.equal(dots.length, 2, 'Chicago and Evanston overlap at this scale and share a circle; New York has its own; online and hidden events have none');
      assert.match(svg, /<title id="event-map-title">Map of the United States with 4 events<\/title>/);
      assert.match(svg, /aria-describedby="map-cities"/);
      assert.match(svg, /<a href="\/event_campaigns\/[a-z-]+\?zip=\d{5}&amp;distance=\d+#results-heading" aria-label="3 events near Chicago, IL">/);
      assert.match(svg, /aria-hidden="true">3<\/text>/);
      assert.match(svg, /<a href="\/events\/[a-z0-9-]+" aria-label="[^"]+, New York, NY">/);
      assert.match(res.body, /<p id="map-cities">Events in: Chicago, IL \(2\); Evanston, IL; New York, NY\.<\/p>/);
      assert.doesNotMatch(svg, /<image|<script|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
      assert.doesNotMatch(svg, /href="(?!\/)/, 'links stay on this site');
      assert.doesNotMatch(res.body, /<script/);
      const es = await h.app.inject({ method: 'GET', url: `/event_campaigns/${slug}?lang=es` });
      assert.match(es.body, /Mapa de Estados Unidos con 4 eventos/);
      assert.match(es.body, /Eventos en: Chicago, IL \(2\)/);
      // An event stored without coordinates (made in the console, say) is placed by its ZIP.
      await confirmedEvent(h, orgId, campaignId, 'Skokie picnic', '60076', { latitude: null, longitude: null });
      const skokie = await h.app.inject({ method: 'GET', url: `/event_campaigns/${slug}?zip=60201&distance=5` });
      assert.deepEqual(listed(skokie.body), ['Evanston teach-in', 'Skokie picnic']);
      // A new city makes a new map.
      await confirmedEvent(h, orgId, campaignId, 'Bay Area meetup', '94103', { timezone: 'America/Los_Angeles' });
      const after = await h.app.inject({ method: 'GET', url: `/event_campaigns/${slug}` });
      const svg2 = after.body.slice(after.body.indexOf('<svg'), after.body.indexOf('</svg>'));
      assert.equal([...svg2.matchAll(/<circle /g)].length, 3, 'Chicago area (with Skokie), New York, San Francisco');
      assert.match(after.body, /San Francisco, CA/);
    });
  });
}
