import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { cookiesFrom } from './admin-helpers.ts';
import { fuzz, makeWorld, partialRows, INPUTS, type World } from './fuzz-support.ts';
import { fieldNames, PUBLIC_TARGETS, requests } from './fuzz-targets.ts';

// Every public form (and the console's sign-in forms) gets INPUTS hostile requests on each
// database: no answer may be a 500, and no row may be left half-written.

for (const target of targets()) {
  describe(`fuzzing the public forms on ${target.name}`, () => {
    let h: Harness;
    let w: World;
    before(async () => {
      h = await harness(target);
      w = await makeWorld(h);
    });
    after(() => h.close());

    for (const [route, t] of Object.entries(PUBLIC_TARGETS)) {
      it(`${route}: ${INPUTS} hostile inputs, no 500, no partial rows`, async (tc) => {
        let harvested: string[] = [];
        let headers: Record<string, string> = {};
        let fields: Record<string, string> = {};
        if (t.page) {
          const page = await h.app.inject({ url: t.page(w) });
          assert.ok(page.statusCode < 400, `${t.page(w)} answered ${page.statusCode}`);
          harvested = fieldNames(page.body);
          // Before sign-in the console's forms carry a double-submit cookie's token.
          const cookie = cookiesFrom(page);
          const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
          if (cookie) headers = { cookie };
          if (csrf) fields = { _csrf: csrf };
        }
        const statuses = await fuzz(h, route, requests(route, t, w, { harvested, headers, fields }), (r) => r);
        tc.diagnostic(`answers: ${JSON.stringify(statuses)}`);
        assert.deepEqual(await partialRows(h.ctx.database.db), []);
      });
    }
  });
}
