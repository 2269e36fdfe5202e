import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startBaseline } from './lib/processes.ts';
import { postLoad } from './lib/load.ts';
const b = await startBaseline(await freePort(), mkdtempSync(path.join(tmpdir(), 'fl-')));
for (const c of [50, 100, 200, 400]) {
  const r = await postLoad(b.url, '/durable/petitions/x', { connections: c, seconds: 8 }, 303);
  const f = await postLoad(b.url, '/petitions/x', { connections: c, seconds: 8 }, 303);
  console.log(c, 'floor', r.okPerSecond.toFixed(0), 'p50', r.p50Ms, 'form', f.okPerSecond.toFixed(0));
}
await b.stop();
