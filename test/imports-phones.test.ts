// A CSV import keeps phone numbers on the people it adds or updates, and reports the rows that
// name a person already named earlier in the file (with both line numbers).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organizerIn, organization, type SignedIn } from './admin-helpers.ts';

const BOUNDARY = '----turnout-phones-boundary';

function multipart(csrf: string, content: string) {
  const body =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n` +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="people.csv"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n--${BOUNDARY}--\r\n`;
  return { payload: Buffer.from(body), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } };
}

for (const target of targets()) {
  describe(`imported phones and people twice in a file on ${target.name}`, () => {
    let h: Harness;
    let owner: SignedIn;
    let orgId: string;

    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Faces Not Data')).id;
      owner = await organizerIn(h, orgId, 'owner', 'ana@faces.example');
    });
    after(() => h.close());

    const runFile = async (content: string, mapping: Record<string, string>) => {
      const up = multipart(owner.csrf, content);
      const res = await h.app.inject({ method: 'POST', url: '/admin/imports', headers: { ...up.headers, cookie: owner.cookie }, payload: up.payload });
      assert.equal(res.statusCode, 303, res.body);
      const id = /([0-9a-f-]{36})$/.exec(res.headers.location as string)![1]!;
      const start = await h.app.inject({ method: 'POST', url: `/admin/imports/${id}/start`, headers: { ...FORM, cookie: owner.cookie }, payload: form({ _csrf: owner.csrf, ...mapping }) });
      assert.equal(start.statusCode, 303, start.body);
      await h.runJobs();
      return id;
    };
    const phoneOf = async (email: string) =>
      (await h.ctx.database.db.selectFrom('people').select('phone_number').where('organization_id', '=', orgId).where('email', '=', email).executeTakeFirstOrThrow()).phone_number;

    it('keeps the first valid phone of each row, the later row winning for a repeated person', async () => {
      const id = await runFile(
        [
          'email,first_name,phone,mobile',
          'ana@example.org,Ana,(555) 010-0000,',
          'bo@example.org,Bo,,+44 20 7946 0958',
          'ANA@example.org,Ana,,555-999-1234',
          'cy@example.org,Cy,call me,',
          'bo@example.org,Bo,,',
          'di@example.org,Di,,',
        ].join('\n') + '\n',
        { column_0: 'email', column_1: 'given_name', column_2: 'phone', column_3: 'phone' },
      );
      assert.equal(await phoneOf('ana@example.org'), '5559991234', 'the later row’s number replaces the earlier one');
      assert.equal(await phoneOf('bo@example.org'), '+442079460958', 'an empty cell keeps the number');
      assert.equal(await phoneOf('di@example.org'), null);
      const imp = await h.ctx.database.db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(imp.status, 'done');
      assert.deepEqual([imp.added, imp.merged, imp.rejected], [3, 2, 1]);

      const page = await h.app.inject({ url: `/admin/imports/${id}`, headers: { cookie: owner.cookie } });
      assert.match(page.body, /2 rows repeat a person already in the file/);
      assert.match(page.body, /<td class="num" data-label="Line">4<\/td><td class="num" data-label="Same person as line">2<\/td><td data-label="Email">ANA@example\.org<\/td>/);
      assert.match(page.body, /<td class="num" data-label="Line">6<\/td><td class="num" data-label="Same person as line">3<\/td>/);
      assert.match(page.body, /Phone number not valid/);
      const rejected = await h.app.inject({ url: `/admin/imports/${id}/rejected.csv`, headers: { cookie: owner.cookie } });
      assert.equal(rejected.statusCode, 200);
      assert.match(rejected.body, /cy@example\.org/);
      assert.doesNotMatch(rejected.body, /Same email as line/, 'a repeated person is not a rejected row');
    });

    it('reports a person repeated across chunks of the job, and an existing number stays when the file has none', async () => {
      const rows = ['email,phone'];
      rows.push('far@example.org,555 123 4567');
      for (let i = 0; i < 1500; i++) rows.push(`filler${i}@example.org,`);
      rows.push('far@example.org,');
      const id = await runFile(rows.join('\n') + '\n', { column_0: 'email', column_1: 'phone' });
      assert.equal(await phoneOf('far@example.org'), '5551234567');
      const page = await h.app.inject({ url: `/admin/imports/${id}`, headers: { cookie: owner.cookie } });
      assert.match(page.body, /A person is in the file twice/);
      assert.match(page.body, /data-label="Line">1503<\/td><td class="num" data-label="Same person as line">2<\/td>/);
    });
  });
}
