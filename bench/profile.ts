// Profiles the sign route under load: starts `turnout serve` with --cpu-prof, runs a signing
// surge, stops the server and prints the functions that took the most CPU time (self time,
// and time inside each of turnout's own files). The .cpuprofile is kept for Chrome DevTools.
//
//   node --import tsx bench/profile.ts   (BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_DATABASE_URL,
//                                         PROFILE_LOAD=pages to load the petition page instead,
//                                         PROFILE_NO_WORKER=1 to leave the worker out)
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ensureSchema, dropSchema } from '../src/db/connect.ts';
import { DEMO_PETITION_SLUG } from '../src/demo/seed.ts';
import { freePort, startProcess, ROOT } from './lib/processes.ts';
import { getLoad, signingLoad } from './lib/load.ts';

const seconds = Number(process.env.BENCH_SECONDS || 10);
const connections = Number(process.env.BENCH_CONNECTIONS || 50);
const dataDir = mkdtempSync(path.join(tmpdir(), 'turnout-profile-'));
const profDir = path.join(dataDir, 'profile');
let databaseUrl = `sqlite:${path.join(dataDir, 'turnout.sqlite')}`;
if (process.env.BENCH_DATABASE_URL) {
  const url = new URL(process.env.BENCH_DATABASE_URL);
  url.searchParams.set('schema', `prof_${randomBytes(4).toString('hex')}`);
  databaseUrl = url.toString();
  await ensureSchema(databaseUrl);
}
const port = await freePort();
const server = await startProcess(['--cpu-prof', `--cpu-prof-dir=${profDir}`, 'bin/turnout.js', 'serve', '--demo', ...(process.env.PROFILE_NO_WORKER ? ['--no-worker'] : [])], {
  env: { PATH: process.env.PATH, DATA_DIR: dataDir, DATABASE_URL: databaseUrl, PORT: String(port), RATE_LIMITS: 'off', LOG_LEVEL: 'warn', NODE_ENV: 'production' },
  ready: /turnout is running/,
  url: `http://127.0.0.1:${port}`,
});
if (process.env.PROFILE_LOAD === 'pages') {
  const r = await getLoad(server.url, `/petitions/${DEMO_PETITION_SLUG}`, { connections, seconds });
  console.log(`${r.okPerSecond.toFixed(0)} page views/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`);
} else {
  const r = await signingLoad(server.url, DEMO_PETITION_SLUG, { connections, seconds }, 'profile');
  console.log(`${r.figures.okPerSecond.toFixed(0)} signatures/s, p50 ${r.figures.p50Ms} ms, p99 ${r.figures.p99Ms} ms`);
}
await server.stop('SIGINT');
if (process.env.BENCH_DATABASE_URL) await dropSchema(databaseUrl);

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${profDir}`);
const profile = JSON.parse(readFileSync(path.join(profDir, file), 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byFunction = new Map<string, number>();
for (const node of profile.nodes) {
  const f = node.callFrame;
  const where = f.url ? `${path.relative(ROOT, f.url.replace(/^file:\/\//, ''))}:${f.lineNumber + 1}` : '';
  const key = `${f.functionName || '(anonymous)'} ${where}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + (self.get(node.id) ?? 0));
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
console.log('\nself time, top 30:');
for (const [k, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${pct(us)}  ${k}`);

// Inclusive time per package or source folder: where the time goes, by layer.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const area = (url: string) => {
  const rel = path.relative(ROOT, url.replace(/^file:\/\//, ''));
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(rel);
  if (m) return m[1]!;
  if (rel.startsWith('src/')) return rel.split('/').slice(0, 2).join('/');
  return url.startsWith('node:') ? 'node:internal' : url ? 'other' : '(native/gc/idle)';
};
const inclusive = new Map<string, number>();
for (const [id, us] of self) {
  const seen = new Set<string>();
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
    const a = area(byId.get(n)!.callFrame.url);
    if (!seen.has(a)) {
      seen.add(a);
      inclusive.set(a, (inclusive.get(a) ?? 0) + us);
    }
  }
}
console.log('\ninclusive time by package or folder:');
for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${pct(us)}  ${k}`);
console.log(`\nprofile: ${path.join(profDir, file)}`);
