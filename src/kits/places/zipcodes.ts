import { createRequire } from 'node:module';

// The offline US ZIP table (the `zipcodes` package), loaded on first use: its data costs a
// process about 90 MB, which a process that never looks a ZIP up (a petition surge, the
// worker, `turnout export`) should not pay. Loading is synchronous, so lookups stay plain calls.

type Zipcodes = typeof import('zipcodes');

const require = createRequire(import.meta.url);
let table: Zipcodes | undefined;

/** The `zipcodes` library, loaded the first time it is asked for. */
export function zipcodes(): Zipcodes {
  table ??= require('zipcodes') as Zipcodes;
  return table;
}
