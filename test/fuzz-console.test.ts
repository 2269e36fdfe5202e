import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { fuzz, makeWorld, partialRows, type World } from './fuzz-support.ts';
import { CONSOLE_TARGETS, fieldNames, requests } from './fuzz-targets.ts';
import { startSession } from '../src/accounts/service.ts';
import { hashToken } from '../src/accounts/secrets.ts';

// Every write route of the console gets CONSOLE_INPUTS hostile requests from a signed-in owner
// (a valid session and CSRF token, which the inputs sometimes spoil), on each database: no answer
// may be a 500, and no row may be left half-written. Fewer than the public forms' 1,000: the
// console is behind a session, and test/access.test.ts walks its gate.
const CONSOLE_INPUTS = Number(process.env.FUZZ_CONSOLE_INPUTS ?? 100);

for (const target of targets()) {
  describe(`fuzzing the console on ${target.name}`, () => {
    let h: Harness;
    let w: World;
    const db = () => h.ctx.database.db;
    before(async () => {
      h = await harness(target);
      w = await makeWorld(h);
    });
    after(() => h.close());

    /** A fresh session of the owner for each route: a route that signs out spoils only its own. */
    async function signedIn() {
      await db().updateTable('organizations').set({ require_two_factor: 0 }).execute();
      await db().updateTable('users').set({ totp_secret: null, totp_enabled_at: null, locked_until: null, failed_signins: 0 }).where('id', '=', w.owner.userId).execute();
      const token = await startSession(db(), w.owner.userId, true);
      const session = await db().selectFrom('sessions').select('csrf_token').where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow();
      return { cookie: `turnout_session=${token}`, csrf: session.csrf_token };
    }

    for (const [route, t] of Object.entries(CONSOLE_TARGETS)) {
      it(`${route}: ${CONSOLE_INPUTS} hostile inputs, no 500, no partial rows`, async (tc) => {
        const who = await signedIn();
        let harvested: string[] = [];
        if (t.page) {
          const page = await h.app.inject({ url: t.page(w), headers: { cookie: who.cookie } });
          if (page.statusCode < 400) harvested = fieldNames(page.body);
          else tc.diagnostic(`${t.page(w)} answered ${page.statusCode}: its fields are not harvested`);
        }
        const statuses = await fuzz(h, route, requests(route, t, w, { harvested, headers: { cookie: who.cookie }, fields: { _csrf: who.csrf } }), (r) => r, undefined, CONSOLE_INPUTS);
        tc.diagnostic(`answers: ${JSON.stringify(statuses)}`);
        assert.deepEqual(await partialRows(db()), []);
      });
    }
  });
}
