import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { targets, form, FORM } from './helpers.ts';
import { consoleSuite, csrfFrom } from './admin-helpers.ts';
import { createPetition, signPetition } from '../src/petitions/service.ts';
import { nowIso } from '../src/util/ids.ts';

const fields = (over: Record<string, string> = {}) => ({
  title: 'Stop face surveillance',
  slug: '',
  description: 'Lumidex sells face recognition to police.',
  petition_text: 'Stop selling it.',
  targets: 'Lumidex CEO\nLumidex board',
  goal: '500',
  status: 'open',
  ...over,
});

for (const target of targets()) {
  describe(`console petitions on ${target.name}`, () => {
    const suite = consoleSuite(target);
    const { db, get, post } = suite;
    let n = 0;

    const petitionRow = (id: string) => db().selectFrom('petitions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const petitionCount = async () => Number((await db().selectFrom('petitions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const auditRows = (action: string, subject: string) =>
      db().selectFrom('audit_events').selectAll().where('action', '=', action).where('subject', '=', subject).orderBy('created_at').execute();
    const newPetition = async (organizationId = suite.orgId, over: { title?: string; petition_text?: string } = {}) =>
      createPetition(
        db(),
        organizationId,
        {
          title: over.title ?? `Petition ${++n}`,
          description: '',
          petition_text: over.petition_text ?? 'Stop selling it.',
          targets: [],
          goal: null,
          confirmation_required: false,
          status: 'open',
        },
        nowIso(),
      );
    /** Creates through the console and returns the new petition's id. */
    const createThroughConsole = async (over: Record<string, string>) => {
      const res = await post(suite.organizer, '/admin/petitions/new', fields(over));
      assert.equal(res.statusCode, 303, res.body);
      const m = /^\/admin\/petitions\/([0-9a-f-]{36})\?notice=created$/.exec(res.headers.location as string);
      assert.ok(m, `redirected to ${res.headers.location}`);
      return m[1]!;
    };
    const sign = (slug: string, s: Record<string, string>) =>
      suite.h.app.inject({ method: 'POST', url: `/petitions/${slug}${s.source ? `?source=${s.source}` : ''}`, headers: FORM, payload: form({ country: 'US', ...s }) });

    it('lists the petitions with status, count, goal and date, and offers "New petition" only to roles that may create', async () => {
      const p = await newPetition(suite.orgId, { title: 'Listed petition' });
      await newPetition(suite.otherOrgId, { title: 'Not ours' });
      const res = await get(suite.owner, '/admin/petitions');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, new RegExp(`<a href="/admin/petitions/${p.id}">Listed petition</a>`));
      assert.match(res.body, /<td[^>]*>open<\/td>/);
      assert.match(res.body, /automatic \(now 100\)/);
      assert.ok(res.body.includes(p.created_at.slice(0, 10)));
      assert.ok(!res.body.includes('Not ours'), 'another organization’s petition is not listed');
      assert.match(res.body, /href="\/admin\/petitions\/new">New petition</);
      const asViewer = await get(suite.viewer, '/admin/petitions');
      assert.equal(asViewer.statusCode, 200);
      assert.match(asViewer.body, /Listed petition/);
      assert.doesNotMatch(asViewer.body, /New petition/);
    });

    it('refuses a form with errors, says what to fix by each field, keeps the input and writes nothing', async () => {
      const page = await get(suite.organizer, '/admin/petitions/new');
      assert.equal(page.statusCode, 200);
      for (const [id, label] of [
        ['title', 'Title'],
        ['slug', 'Web address \\(optional\\)'],
        ['petition_text', 'Petition text'],
        ['targets', 'Targets \\(optional\\)'],
        ['goal', 'Goal \\(optional\\)'],
      ]) {
        assert.match(page.body, new RegExp(`<label for="${id}">${label}</label>`), `label for ${id}`);
      }
      const before = await petitionCount();
      const res = await post(
        suite.organizer,
        '/admin/petitions/new',
        fields({ title: '', slug: 'Not OK!', petition_text: 'x'.repeat(20_001), goal: 'lots', targets: `${'y'.repeat(201)}\nMayor`, status: 'maybe' }),
        csrfFrom(page.body),
      );
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /<title>Error: New petition/);
      assert.match(res.body, /class="error-summary"/);
      const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(res.body)![0];
      const links = [...summary.matchAll(/<a href="#([a-z_]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
      assert.deepEqual(
        links.map((l) => l[0]),
        ['title', 'slug', 'petition_text', 'targets', 'goal', 'status'],
      );
      assert.match(summary, /Enter a title/);
      assert.match(summary, /only contain lower-case letters, numbers and single hyphens/);
      assert.match(summary, /must be 20,000 characters or fewer \(it has 20,001\)/);
      assert.match(summary, /Each target must be 200 characters or fewer/);
      assert.match(summary, /Enter the goal as a whole number, like 1000/);
      assert.match(summary, /Choose whether the petition is open or closed/);
      assert.match(res.body, /<span class="error-message" id="title-error">Enter a title<\/span>/);
      assert.match(res.body, /<input type="text" id="goal" name="goal" value="lots"/);
      assert.match(res.body, /<input type="text" id="slug" name="slug" value="not ok!"/);
      assert.match(res.body, /Lumidex sells face recognition to police\.<\/textarea>/);
      assert.equal(await petitionCount(), before, 'nothing written');

      const zero = await post(suite.organizer, '/admin/petitions/new', fields({ goal: '0' }));
      assert.equal(zero.statusCode, 422);
      assert.match(zero.body, /The goal must be 1 or more/);
      const huge = await post(suite.organizer, '/admin/petitions/new', fields({ goal: '99999999999' }));
      assert.match(huge.body, /The goal must be 1,000,000,000 or fewer/);
      const long = await post(suite.organizer, '/admin/petitions/new', fields({ title: 't'.repeat(201) }));
      assert.match(long.body, /The title must be 200 characters or fewer \(it has 201\)/);
      assert.equal(await petitionCount(), before, 'nothing written');
    });

    it('says when a web address is taken', async () => {
      await createThroughConsole({ title: 'First', slug: 'taken-address' });
      const before = await petitionCount();
      const res = await post(suite.organizer, '/admin/petitions/new', fields({ title: 'Second', slug: 'taken-address' }));
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /The web address \/petitions\/taken-address is already used by another petition: choose another/);
      assert.equal(await petitionCount(), before);
    });

    it('creates a petition that is on its public page at once, and records who created it', async () => {
      // A visit before it exists caches the address as missing.
      assert.equal((await suite.h.app.inject({ url: '/petitions/ban-face-recognition' })).statusCode, 404);
      const id = await createThroughConsole({ title: 'Ban face recognition', slug: 'Ban-Face-Recognition', goal: '1,000', confirmation_required: 'yes' });
      const row = await petitionRow(id);
      assert.equal(row.organization_id, suite.orgId);
      assert.equal(row.slug, 'ban-face-recognition');
      assert.equal(row.goal, 1000);
      assert.equal(row.confirmation_required, 1);
      assert.equal(row.targets, JSON.stringify([{ name: 'Lumidex CEO' }, { name: 'Lumidex board' }]));
      const publicPage = await suite.h.app.inject({ url: '/petitions/ban-face-recognition' });
      assert.equal(publicPage.statusCode, 200);
      assert.match(publicPage.body, /<h1>Ban face recognition<\/h1>/);
      assert.match(publicPage.body, /<blockquote class="petition-text"><p>Stop selling it\.<\/p><\/blockquote>/);
      const detail = await get(suite.organizer, `/admin/petitions/${id}?notice=created`);
      assert.match(detail.body, /Petition created\./);
      assert.match(detail.body, /href="\/petitions\/ban-face-recognition"/);
      assert.match(detail.body, /href="\/petitions\/ban-face-recognition\.json"/);
      const [event] = await auditRows('petition.created', id);
      assert.ok(event);
      assert.equal(event.user_id, suite.organizer.userId);
      assert.equal(event.organization_id, suite.orgId);
      // Without a web address one is made from the title.
      const auto = await createThroughConsole({ title: 'Ban face recognition!' });
      assert.equal((await petitionRow(auto)).slug, 'ban-face-recognition-2');
      // A notice comes only from the list of known ones.
      assert.doesNotMatch((await get(suite.organizer, `/admin/petitions/${id}?notice=pwned`)).body, /pwned/);
    });

    it('edits a petition, drops its cached page and records what changed', async () => {
      const id = await createThroughConsole({ title: 'Before the edit', slug: 'before-edit' });
      assert.match((await suite.h.app.inject({ url: '/petitions/before-edit' })).body, /Before the edit/); // now cached
      const edit = await get(suite.organizer, `/admin/petitions/${id}/edit`);
      assert.equal(edit.statusCode, 200);
      assert.match(edit.body, /<input type="text" id="title" name="title" value="Before the edit"/);
      assert.match(edit.body, /<input type="text" id="slug" name="slug" value="before-edit"/);
      assert.match(edit.body, />Lumidex CEO\nLumidex board<\/textarea>/);
      assert.match(edit.body, /<input type="text" id="goal" name="goal" value="500"/);

      const blank = await post(suite.organizer, `/admin/petitions/${id}/edit`, fields({ title: 'After the edit', slug: '' }));
      assert.equal(blank.statusCode, 422);
      assert.match(blank.body, /Enter a web address for the petition/);
      assert.equal((await petitionRow(id)).title, 'Before the edit', 'nothing written');

      const res = await post(suite.organizer, `/admin/petitions/${id}/edit`, fields({ title: 'After the edit', slug: 'before-edit', goal: '750', targets: 'Mayor' }));
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `/admin/petitions/${id}?notice=saved`);
      const row = await petitionRow(id);
      assert.equal(row.title, 'After the edit');
      assert.equal(row.goal, 750);
      assert.equal(row.targets, JSON.stringify([{ name: 'Mayor' }]));
      assert.match((await suite.h.app.inject({ url: '/petitions/before-edit' })).body, /<h1>After the edit<\/h1>/);
      const [event] = await auditRows('petition.changed', id);
      assert.ok(event);
      assert.deepEqual(JSON.parse(event.details), {
        changed: ['title', 'targets', 'goal'],
        from: { title: 'Before the edit', goal: 500 },
        to: { title: 'After the edit', goal: 750 },
      });

      const same = await post(suite.organizer, `/admin/petitions/${id}/edit`, fields({ title: 'After the edit', slug: 'before-edit', goal: '750', targets: 'Mayor' }));
      assert.equal(same.headers.location, `/admin/petitions/${id}?notice=unchanged`);
      assert.equal((await auditRows('petition.changed', id)).length, 1, 'no event when nothing changed');

      await createThroughConsole({ title: 'Holder', slug: 'held-address' });
      const taken = await post(suite.organizer, `/admin/petitions/${id}/edit`, fields({ title: 'After the edit', slug: 'held-address' }));
      assert.equal(taken.statusCode, 422);
      assert.match(taken.body, /already used by another petition/);

      const moved = await post(suite.organizer, `/admin/petitions/${id}/edit`, fields({ title: 'After the edit', slug: 'after-edit', goal: '750', targets: 'Mayor' }));
      assert.equal(moved.statusCode, 303);
      assert.equal((await suite.h.app.inject({ url: '/petitions/before-edit' })).statusCode, 404);
      assert.equal((await suite.h.app.inject({ url: '/petitions/after-edit' })).statusCode, 200);
      const events = await auditRows('petition.changed', id);
      assert.deepEqual(JSON.parse(events[1]!.details).to, { slug: 'after-edit' });
    });

    it('renders the petition text as Markdown with scripts, event handlers, javascript: links and raw HTML neutralized', async () => {
      const markdown = [
        '## Our demand',
        '',
        'Stop **selling** it. [Read more](https://example.org/report?a=1&b=2) or [write](mailto:info@example.org).',
        '',
        '<script>alert("script")</script>',
        '',
        '<img src=x onerror=alert("img")>',
        '',
        '[click me](javascript:alert("link")) [encoded](javascript&#58;alert("entity")) [ref][evil]',
        '',
        '[evil]: JavaScript:alert("ref")',
        '',
        '<a href="https://example.org" onclick="alert(1)">raw link</a> <b>raw bold</b>',
        '',
        '![tracker](https://tracker.example/pixel.png)',
        '',
        '- one',
        '- two',
      ].join('\n');
      const check = (html: string) => {
        const text = /<blockquote class="petition-text">([\s\S]*?)<\/blockquote>/.exec(html)?.[1];
        assert.ok(text, 'the petition text is on the page');
        assert.match(text, /<h3>Our demand<\/h3>/);
        assert.match(text, /Stop <strong>selling<\/strong> it\./);
        assert.match(text, /<a href="https:\/\/example\.org\/report\?a=1&amp;b=2" rel="nofollow noopener noreferrer">Read more<\/a>/);
        assert.match(text, /<a href="mailto:info@example\.org" rel="nofollow noopener noreferrer">write<\/a>/);
        assert.match(text, /<ul><li>one<\/li><li>two<\/li><\/ul>/);
        assert.doesNotMatch(text, /<script/i);
        assert.match(text, /&lt;script&gt;alert\(&quot;script&quot;\)&lt;\/script&gt;/);
        assert.doesNotMatch(text, /<img/i);
        assert.match(text, /&lt;img src=x onerror=alert\(&quot;img&quot;\)&gt;/);
        assert.doesNotMatch(text, /href="javascript:/i);
        assert.doesNotMatch(text, /<a href="[^"]*"[^>]*onclick/i);
        assert.match(text, /&lt;a href=&quot;https:\/\/example\.org&quot; onclick=&quot;alert\(1\)&quot;&gt;raw link&lt;\/a&gt; &lt;b&gt;raw bold&lt;\/b&gt;/);
        assert.doesNotMatch(text, /<b>/);
        const hrefs = [...text.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
        assert.ok(hrefs.every((href) => /^(https:|mailto:)/.test(href)), `only http(s) and mailto links: ${hrefs.join(' ')}`);
      };

      const before = await petitionCount();
      const preview = await post(suite.organizer, '/admin/petitions/new', { ...fields({ title: 'Markdown', slug: 'markdown-petition', petition_text: markdown }), intent: 'preview' });
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /Preview of the petition text/);
      check(preview.body);
      assert.equal(await petitionCount(), before, 'a preview writes nothing');
      assert.ok(preview.body.includes('<textarea id="petition_text"'), 'the form comes back with the text');

      const id = await createThroughConsole({ title: 'Markdown', slug: 'markdown-petition', petition_text: markdown });
      check((await suite.h.app.inject({ url: '/petitions/markdown-petition' })).body);
      check((await get(suite.viewer, `/admin/petitions/${id}`)).body);
    });

    it('closes and opens a petition', async () => {
      const id = await createThroughConsole({ title: 'Open and shut', slug: 'open-and-shut' });
      assert.match((await suite.h.app.inject({ url: '/petitions/open-and-shut' })).body, /id="sign-heading"/);
      const detail = await get(suite.organizer, `/admin/petitions/${id}`);
      assert.match(detail.body, new RegExp(`action="/admin/petitions/${id}/close"`));
      const asked = await post(suite.organizer, `/admin/petitions/${id}/close`, {}, csrfFrom(detail.body));
      assert.equal(asked.statusCode, 200, 'closing asks first');
      assert.match(asked.body, /Close “Open and shut”\?/);
      assert.match(asked.body, /<input type="hidden" name="confirm" value="yes"\/>/);
      assert.equal((await petitionRow(id)).status, 'open', 'nothing changes before the confirmation');
      const closed = await post(suite.organizer, `/admin/petitions/${id}/close`, { confirm: 'yes' }, csrfFrom(detail.body));
      assert.equal(closed.statusCode, 303);
      assert.equal(closed.headers.location, `/admin/petitions/${id}?notice=closed`);
      assert.equal((await petitionRow(id)).status, 'closed');
      const closedPage = await suite.h.app.inject({ url: '/petitions/open-and-shut' });
      assert.doesNotMatch(closedPage.body, /id="sign-heading"/);
      assert.match(closedPage.body, /<p class="closed" role="status">This petition is closed/);
      assert.equal((await sign('open-and-shut', { given_name: 'Late', family_name: 'Comer', email: 'late@example.org', postal_code: '94110' })).statusCode, 409);
      assert.match((await get(suite.organizer, `/admin/petitions/${id}`)).body, new RegExp(`action="/admin/petitions/${id}/open"`));
      const opened = await post(suite.organizer, `/admin/petitions/${id}/open`, {});
      assert.equal(opened.headers.location, `/admin/petitions/${id}?notice=opened`);
      assert.equal((await petitionRow(id)).status, 'open');
      assert.match((await suite.h.app.inject({ url: '/petitions/open-and-shut' })).body, /id="sign-heading"/);
      const events = (await auditRows('petition.changed', id)).map((e) => JSON.parse(e.details));
      assert.deepEqual(events, [
        { changed: ['status'], from: { status: 'open' }, to: { status: 'closed' } },
        { changed: ['status'], from: { status: 'closed' }, to: { status: 'open' } },
      ]);
    });

    it('shows signatures newest first to organizers, 50 a page, searchable by name or email', async () => {
      const petition = await newPetition(suite.orgId, { title: 'Many signers' });
      await suite.h.ctx.committer.submit(async (uow) => {
        for (let i = 1; i <= 52; i++) {
          await signPetition(uow, petition, {
            person: { givenName: 'Bulk', familyName: `Signer${i}`, email: `bulk${i}@example.org`, postalCode: '10001', country: 'US' },
            comments: null,
            optIn: false,
            optInWording: 'Keep me posted',
            language: 'en',
            referral: { source: null, referrer: null },
          });
        }
      });
      // Later signatures, one request each so they are the newest.
      await new Promise((r) => setTimeout(r, 5));
      assert.equal((await sign(petition.slug, { given_name: 'Ana', family_name: 'Ruiz', email: 'ana@example.org', postal_code: '94110', comments: 'Stop it now', source: 'email1' })).statusCode, 303);
      await new Promise((r) => setTimeout(r, 5));
      assert.equal((await sign(petition.slug, { given_name: 'Cy', family_name: 'Díaz', email: 'cy@other.example', postal_code: '60601' })).statusCode, 303);

      const first = await get(suite.organizer, `/admin/petitions/${petition.id}`);
      assert.equal(first.statusCode, 200);
      const rows = (html: string) => [...html.matchAll(/<tr><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><\/tr>/g)];
      const page1 = rows(first.body);
      assert.equal(page1.length, 50);
      assert.deepEqual(page1[0]!.slice(1, 6), ['Cy Díaz', 'cy@other.example', '60601', '', '']);
      assert.deepEqual(page1[1]!.slice(1, 6), ['Ana Ruiz', 'ana@example.org', '94110', 'Stop it now', 'email1']);
      assert.match(page1[1]![6]!, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
      assert.equal(page1[1]![7], 'yes');
      assert.match(first.body, /54 signatures, newest first/);
      assert.match(first.body, /Page 1 of 2/);
      const older = new RegExp(`href="/admin/petitions/${petition.id}\\?page=2#signatures" rel="next"`);
      assert.match(first.body, older);
      const page2 = rows((await get(suite.organizer, `/admin/petitions/${petition.id}?page=2`)).body);
      assert.equal(page2.length, 4);
      const all = [...page1, ...page2].map((r) => r[2]);
      assert.equal(new Set(all).size, 54, 'every signature once across the pages');

      const byName = await get(suite.organizer, `/admin/petitions/${petition.id}?q=${encodeURIComponent('ana RUIZ')}`);
      assert.deepEqual(
        rows(byName.body).map((r) => r[2]),
        ['ana@example.org'],
      );
      assert.match(byName.body, /1 signature matches “ana RUIZ”/);
      assert.match(byName.body, /<input type="text" id="q" name="q" value="ana RUIZ"/);
      assert.deepEqual(
        rows((await get(suite.organizer, `/admin/petitions/${petition.id}?q=OTHER.example`)).body).map((r) => r[2]),
        ['cy@other.example'],
      );
      const bulk = await get(suite.organizer, `/admin/petitions/${petition.id}?q=signer5`);
      assert.deepEqual(
        rows(bulk.body).map((r) => r[2]),
        ['bulk52@example.org', 'bulk51@example.org', 'bulk50@example.org', 'bulk5@example.org'],
      );
      assert.equal(rows((await get(suite.organizer, `/admin/petitions/${petition.id}?q=%25`)).body).length, 0, 'a % is a character, not a wildcard');
      assert.equal(rows((await get(suite.organizer, `/admin/petitions/${petition.id}?q=_`)).body).length, 0, 'an _ is a character, not a wildcard');
      const paged = await get(suite.organizer, `/admin/petitions/${petition.id}?q=bulk&page=2`);
      assert.equal(rows(paged.body).length, 2);
      assert.match(paged.body, new RegExp(`href="/admin/petitions/${petition.id}\\?q=bulk#signatures" rel="prev"`));
    });

    it('exports the signatures as CSV and records the export', async () => {
      const petition = await newPetition(suite.orgId, { title: 'Exported' });
      await sign(petition.slug, { given_name: 'Ana', family_name: 'Ruiz', email: 'ana@example.org', postal_code: '94110', comments: '=HYPERLINK("x")' });
      await sign(petition.slug, { given_name: 'Bo', family_name: 'Chen', email: 'bo@example.org', postal_code: '10001' });
      const detail = await get(suite.organizer, `/admin/petitions/${petition.id}`);
      assert.match(detail.body, new RegExp(`href="/admin/petitions/${petition.id}/signatures.csv"`));
      const res = await get(suite.organizer, `/admin/petitions/${petition.id}/signatures.csv`);
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^text\/csv/);
      assert.equal(res.headers['content-disposition'], `attachment; filename="${petition.slug}-signatures.csv"`);
      assert.equal(res.headers['cache-control'], 'no-store');
      const records = parse(res.body, { columns: true }) as Record<string, string>[];
      assert.deepEqual(
        records.map((r) => [r.first_name, r.last_name, r.email, r.zip_code]),
        [
          ['Ana', 'Ruiz', 'ana@example.org', '94110'],
          ['Bo', 'Chen', 'bo@example.org', '10001'],
        ],
      );
      assert.equal(records[0]!.comments, `'=HYPERLINK("x")`);
      const events = await auditRows('signatures.exported', petition.id);
      assert.equal(events.length, 1);
      assert.equal(events[0]!.user_id, suite.organizer.userId);
      assert.equal(events[0]!.organization_id, suite.orgId);
    });

    it('shows a viewer counts only: no names, emails or export, and 403 on editing and exporting', async () => {
      const petition = await newPetition(suite.orgId, { title: 'Viewed' });
      await sign(petition.slug, { given_name: 'Private', family_name: 'Person', email: 'private.person@example.org', postal_code: '94110', comments: 'my secret comment' });
      const res = await get(suite.viewer, `/admin/petitions/${petition.id}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<dd id="count">1<\/dd>/);
      for (const secret of ['Private', 'private.person@example.org', '94110', 'my secret comment', 'signatures.csv', '/edit', '/close', '<table']) {
        assert.ok(!res.body.includes(secret), `a viewer does not see ${secret}`);
      }
      assert.equal((await get(suite.viewer, `/admin/petitions/${petition.id}?q=private`)).body.includes('private.person'), false);
      assert.equal((await get(suite.viewer, `/admin/petitions/${petition.id}/edit`)).statusCode, 403);
      assert.equal((await get(suite.viewer, '/admin/petitions/new')).statusCode, 403);
      const csv = await get(suite.viewer, `/admin/petitions/${petition.id}/signatures.csv`);
      assert.equal(csv.statusCode, 403);
      assert.ok(!csv.body.includes('private.person@example.org'));
      assert.equal((await post(suite.viewer, `/admin/petitions/${petition.id}/edit`, fields({ title: 'Viewer was here' }))).statusCode, 403);
      assert.equal((await post(suite.viewer, `/admin/petitions/${petition.id}/close`, {})).statusCode, 403);
      assert.equal((await post(suite.viewer, '/admin/petitions/new', fields({ title: 'Viewer petition' }))).statusCode, 403);
      const row = await petitionRow(petition.id);
      assert.equal(row.title, 'Viewed');
      assert.equal(row.status, 'open');
      assert.equal((await auditRows('signatures.exported', petition.id)).length, 0);
      assert.equal((await db().selectFrom('petitions').select('id').where('title', '=', 'Viewer petition').execute()).length, 0);
    });

    it("answers another organization's petition with a 404 page, never its data", async () => {
      const theirs = await newPetition(suite.otherOrgId, { title: 'Their secret petition', petition_text: 'Their secret text' });
      await sign(theirs.slug, { given_name: 'Their', family_name: 'Signer', email: 'their.signer@example.org', postal_code: '94110' });
      for (const url of [`/admin/petitions/${theirs.id}`, `/admin/petitions/${theirs.id}/edit`, `/admin/petitions/${theirs.id}/signatures.csv`, '/admin/petitions/not-a-uuid', `/admin/petitions/${theirs.id.toUpperCase()}`]) {
        const res = await get(suite.owner, url);
        assert.equal(res.statusCode, 404, url);
        assert.match(res.body, /Petition not found/);
        for (const secret of ['Their secret', 'their.signer@example.org']) assert.ok(!res.body.includes(secret), `${url} shows no ${secret}`);
      }
      for (const url of [`/admin/petitions/${theirs.id}/edit`, `/admin/petitions/${theirs.id}/close`, `/admin/petitions/${theirs.id}/open`]) {
        const res = await post(suite.owner, url, fields({ title: 'Taken over' }));
        assert.equal(res.statusCode, 404, url);
      }
      const row = await petitionRow(theirs.id);
      assert.equal(row.title, 'Their secret petition');
      assert.equal(row.status, 'open');
      assert.equal((await auditRows('signatures.exported', theirs.id)).length, 0);
    });

    it('refuses a POST without its CSRF token and changes nothing', async () => {
      const petition = await newPetition(suite.orgId, { title: 'Guarded' });
      const before = await petitionCount();
      for (const csrf of [null, 'x'.repeat(suite.organizer.csrf.length)]) {
        const created = await post(suite.organizer, '/admin/petitions/new', fields({ title: 'Forged petition' }), csrf);
        assert.equal(created.statusCode, 403);
        assert.match(created.body, /This form has expired/);
        assert.equal((await post(suite.organizer, `/admin/petitions/${petition.id}/edit`, fields({ title: 'Forged title' }), csrf)).statusCode, 403);
        assert.equal((await post(suite.organizer, `/admin/petitions/${petition.id}/close`, {}, csrf)).statusCode, 403);
      }
      assert.equal(await petitionCount(), before);
      const row = await petitionRow(petition.id);
      assert.equal(row.title, 'Guarded');
      assert.equal(row.status, 'open');
      assert.equal((await auditRows('petition.changed', petition.id)).length, 0);
    });

    it('requires a session', async () => {
      const res = await suite.h.app.inject({ url: '/admin/petitions' });
      assert.equal(res.statusCode, 303);
      assert.match(res.headers.location as string, /^\/admin\/sign-in\?next=/);
    });
  });
}
