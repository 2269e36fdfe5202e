import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { fuzz, makeWorld, partialRows, INPUTS, type World } from './fuzz-support.ts';
import { API_TARGETS, requests } from './fuzz-targets.ts';

// Every write route of /api/v2 gets INPUTS hostile JSON bodies, with a valid OSDI-API-Token, on
// each database: no answer may be a 500, and no row may be left half-written.

for (const target of targets()) {
  describe(`fuzzing the API on ${target.name}`, () => {
    let h: Harness;
    let w: World;
    before(async () => {
      h = await harness(target);
      w = await makeWorld(h);
    });
    after(() => h.close());

    for (const [route, t] of Object.entries(API_TARGETS)) {
      it(`${route}: ${INPUTS} hostile inputs, no 500, no partial rows`, async (tc) => {
        const statuses = await fuzz(h, route, requests(route, t, w, { headers: { 'osdi-api-token': w.token } }), (r) => r);
        tc.diagnostic(`answers: ${JSON.stringify(statuses)}`);
        assert.deepEqual(await partialRows(h.ctx.database.db), []);
      });
    }
  });
}
