import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// A second, lighter load generator (wrk, from Debian's packages, written in C), to show whether
// autocannon (JavaScript, on the same two cores) is what limits a baseline.

export const wrkInstalled = spawnSync('wrk', ['--version']).error === undefined;

export interface WrkFigures {
  requestsPerSecond: number;
  /** Answers that were neither 2xx nor 3xx. */
  bad: number;
}

/**
 * Loads `url` with wrk for `seconds`: GETs with a browser's headers, or POSTs of the sign form,
 * each with its own email, as autocannon sends them.
 */
export function wrkLoad(url: string, method: 'GET' | 'POST', o: { connections: number; seconds: number; threads?: number }): WrkFigures {
  const dir = mkdtempSync(path.join(tmpdir(), 'turnout-wrk-'));
  const script = path.join(dir, 'load.lua');
  writeFileSync(
    script,
    method === 'POST'
      ? `local n = 0
request = function()
  n = n + 1
  local body = "given_name=Wrk" .. n .. "&family_name=Supporter&email=wrk-" .. n .. "-" .. math.random(1, 1000000000) .. "%40example.org&postal_code=10001&country=US&opt_in=yes"
  return wrk.format("POST", nil, { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
`
      : `wrk.headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
wrk.headers["Accept-Encoding"] = "gzip, deflate, br, zstd"
wrk.headers["Accept-Language"] = "en-US,en;q=0.9"
`,
  );
  try {
    const r = spawnSync('wrk', [`-t${o.threads ?? 1}`, `-c${o.connections}`, `-d${o.seconds}s`, '-s', script, url], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr || r.stdout}`);
    const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? NaN);
    const bad = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
    return { requestsPerSecond: rate, bad };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
