// `npm run bench:floor`: the durable floor route of bench/baseline-server.ts (SQLite) and the
// bare form route beside it, at 50, 100, 200 and 400 connections. A closed loop of connections
// is bounded by latency as well as by work: this shows from how many connections on the floor
// stops rising, which docs/PERFORMANCE.md compares the sign route's goal with.
//
// Environment: BENCH_SECONDS (8) per load.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startBaseline } from './lib/processes.ts';
import { postLoad } from './lib/load.ts';

const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const dir = mkdtempSync(path.join(tmpdir(), 'turnout-bench-floor-'));
const baseline = await startBaseline(await freePort(), dir);
try {
  console.log('connections  durable floor/s  p50 ms  form route/s  ratio  load');
  for (const connections of [50, 100, 200, 400]) {
    const floor = await postLoad(baseline.url, '/durable/petitions/floor', { connections, seconds: SECONDS }, 303);
    const form = await postLoad(baseline.url, '/petitions/floor', { connections, seconds: SECONDS }, 303);
    console.log(
      [String(connections).padStart(11), floor.okPerSecond.toFixed(0).padStart(15), String(floor.p50Ms).padStart(6), form.okPerSecond.toFixed(0).padStart(12), (floor.okPerSecond / form.okPerSecond).toFixed(2).padStart(5), loadavg()[0]!.toFixed(1).padStart(4)].join('  '),
    );
  }
} finally {
  await baseline.stop();
  rmSync(dir, { recursive: true, force: true });
}
