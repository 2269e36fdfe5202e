import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, type Harness } from './helpers.ts';
import { writeRoutes } from './fuzz-support.ts';
import { API_TARGETS, CONSOLE_TARGETS, EXCLUDED, PUBLIC_TARGETS } from './fuzz-targets.ts';

// The fuzz suites cover every route that writes: a new form or API endpoint that is neither
// fuzzed (test/fuzz-targets.ts) nor excluded there with a reason fails here.

describe('the fuzzed routes', () => {
  let h: Harness;
  before(async () => {
    h = await harness({ name: 'sqlite' });
  });
  after(() => h.close());

  it('are every POST, PUT, PATCH and DELETE route the app registers', () => {
    const registered = writeRoutes(h.app);
    const covered = new Set([...Object.keys(PUBLIC_TARGETS), ...Object.keys(API_TARGETS), ...Object.keys(CONSOLE_TARGETS), ...Object.keys(EXCLUDED)]);
    const missing = registered.filter((r) => !covered.has(r));
    assert.deepEqual(missing, [], 'write routes neither fuzzed nor excluded with a reason in test/fuzz-targets.ts');
    const stale = [...covered].filter((r) => !registered.includes(r));
    assert.deepEqual(stale, [], 'routes in test/fuzz-targets.ts the app no longer registers');
    for (const [route, reason] of Object.entries(EXCLUDED)) assert.ok(reason.length > 20, `${route} is excluded without a reason`);
  });
});
