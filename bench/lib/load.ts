import autocannon, { type RequestSpec, type Result } from 'autocannon';

export interface LoadSettings {
  connections: number;
  seconds: number;
  /** Requests per second over all connections; unset: as fast as the server answers. */
  overallRate?: number;
}

export interface LoadFigures {
  requests: number;
  requestsPerSecond: number;
  /** Responses with the status the route answers on success (303 for a signature, 200 for a page). */
  ok: number;
  okPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
  seconds: number;
}

function figures(r: Result, okStatus: number): LoadFigures {
  const statuses = Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count]));
  const ok = statuses[String(okStatus)] ?? 0;
  return {
    requests: r.requests.total,
    requestsPerSecond: r.requests.total / r.duration,
    ok,
    okPerSecond: ok / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    errors: r.errors,
    timeouts: r.timeouts,
    statuses,
    seconds: r.duration,
  };
}

function run(url: string, s: LoadSettings, requests: RequestSpec[]) {
  return autocannon({
    url,
    connections: s.connections,
    duration: s.seconds,
    pipelining: 1,
    timeout: 10,
    // autocannon paces a rate as one burst per connection per second, and its correction for
    // coordinated omission assumes evenly spaced requests; latencies are reported as measured.
    ...(s.overallRate ? { overallRate: Math.max(1, Math.round(s.overallRate)), ignoreCoordinatedOmission: true } : {}),
    requests,
  });
}

/** The sign form as a browser sends it, for one supporter. */
export function signBody(email: string, n: number): string {
  return new URLSearchParams({
    given_name: `Surge${n}`,
    family_name: 'Supporter',
    email,
    postal_code: String(10000 + (n % 89999)).padStart(5, '0'),
    country: 'US',
    opt_in: 'yes',
  }).toString();
}

/**
 * POSTs the public sign form, each request a different supporter (`<prefix>-<n>@example.org`),
 * and keeps the emails that were answered 303: the server promised those are stored.
 * `stop()` ends the load early (the crash test stops it once the server is gone).
 */
export function startSigningLoad(url: string, slug: string, s: LoadSettings, prefix: string) {
  const accepted: string[] = [];
  let n = 0;
  const instance = run(url, s, [
    {
      method: 'POST',
      path: `/petitions/${slug}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      setupRequest(request, context) {
        const i = n++;
        const email = `${prefix}-${i}@example.org`;
        context.email = email;
        return { ...request, body: signBody(email, i) };
      },
      onResponse(status, _body, context) {
        if (status === 303) accepted.push(context.email as string);
      },
    },
  ]);
  return {
    accepted,
    sent: () => n,
    stop: () => instance.stop(),
    done: Promise.resolve(instance).then((r) => figures(r, 303)),
  };
}

export async function signingLoad(url: string, slug: string, s: LoadSettings, prefix: string) {
  const load = startSigningLoad(url, slug, s, prefix);
  const result = await load.done;
  return { figures: result, accepted: load.accepted, sent: load.sent() };
}

/** GETs one path over and over (a page, or the baseline's "ok"). */
/**
 * GETs as a browser sends them: every browser asks for a compressed page and says its
 * languages. The baseline gets the same requests (and answers "ok" all the same).
 */
export async function getLoad(url: string, path: string, s: LoadSettings) {
  const headers = {
    accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'accept-encoding': 'gzip, deflate, br, zstd',
    'accept-language': 'en-US,en;q=0.9',
  };
  const result = await run(url, s, [{ method: 'GET', path, headers }]);
  return figures(result, 200);
}

/** The same POSTs as `signingLoad`, for a baseline route: the bare one answers 200, the form one 303. */
export async function postLoad(url: string, path: string, s: LoadSettings, okStatus = 200) {
  let n = 0;
  const result = await run(url, s, [
    {
      method: 'POST',
      path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      setupRequest(request) {
        const i = n++;
        return { ...request, body: signBody(`baseline-${i}@example.org`, i) };
      },
    },
  ]);
  return figures(result, okStatus);
}
