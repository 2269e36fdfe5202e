import { LRUCache } from 'lru-cache';

/**
 * When a surge on one action looks automated, in the memory of one process. Per action, each
 * minute (fixed windows) counts the submissions, by client key and by email domain. The
 * challenge switches on when, within a minute:
 *
 * - at least `perMinute` submissions arrived (60 by default: one a second), and
 * - the three busiest client keys sent at least `keyShare` of them (half), or one email domain
 *   that is not a large mailbox provider took at least `domainShare` (half);
 *
 * and it stays on for `holdMs` (15 minutes) after the last minute that looked so. A real surge
 * comes from many connections and mostly from the large mailbox providers; a script comes from
 * a few addresses, or makes addresses on a domain of its own. Each window keeps at most
 * `maxKeys` distinct keys and domains (later ones are counted in the total only), so memory
 * stays bounded however many addresses a surge has; a spread that wide is not concentrated anyway.
 */
export interface SurgeRule {
  perMinute: number;
  keyShare: number;
  domainShare: number;
  holdMs: number;
  maxKeys: number;
}

export const DEFAULT_SURGE_RULE: SurgeRule = { perMinute: 60, keyShare: 0.5, domainShare: 0.5, holdMs: 15 * 60_000, maxKeys: 1000 };

/** Domains most real supporters write from: a surge from them is not a sign of a script. */
const MAILBOX_PROVIDERS = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.es', 'yahoo.com.mx', 'ymail.com', 'hotmail.com', 'hotmail.es',
  'outlook.com', 'outlook.es', 'live.com', 'msn.com', 'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me',
  'protonmail.com', 'gmx.com', 'gmx.net', 'mail.com', 'comcast.net', 'att.net', 'verizon.net', 'sbcglobal.net',
]);

interface Window {
  start: number;
  total: number;
  keys: Map<string, number>;
  domains: Map<string, number>;
  /** Until when the challenge is on (0: off). */
  onUntil: number;
}

export interface SurgeReading {
  perMinute: number;
  topKeysShare: number;
  topDomain: string | null;
  topDomainShare: number;
  onUntil: number | null;
}

export class SurgeDetector {
  private readonly windows = new LRUCache<string, Window>({ max: 10_000 });

  constructor(readonly rule: SurgeRule = DEFAULT_SURGE_RULE) {}

  /** Counts one submission to an action. */
  note(actionId: string, clientKey: string, domain: string, now = Date.now()): void {
    let w = this.windows.get(actionId);
    if (!w) this.windows.set(actionId, (w = { start: now, total: 0, keys: new Map(), domains: new Map(), onUntil: 0 }));
    if (now - w.start >= 60_000) {
      w.start = now;
      w.total = 0;
      w.keys.clear();
      w.domains.clear();
    }
    w.total++;
    bump(w.keys, clientKey, this.rule.maxKeys);
    bump(w.domains, domain, this.rule.maxKeys);
    // Looked at once the minute has enough, then every tenth submission: a few hundred map entries each time.
    if (w.total >= this.rule.perMinute && (w.total - this.rule.perMinute) % 10 === 0 && this.looksAutomated(w)) {
      w.onUntil = now + this.rule.holdMs;
    }
  }

  automated(actionId: string, now = Date.now()): boolean {
    const w = this.windows.get(actionId);
    return w !== undefined && w.onUntil > now;
  }

  /** What the detector sees of an action now, for the console. */
  reading(actionId: string, now = Date.now()): SurgeReading {
    const w = this.windows.get(actionId);
    if (!w) return { perMinute: 0, topKeysShare: 0, topDomain: null, topDomainShare: 0, onUntil: null };
    const fresh = now - w.start < 60_000;
    const [domain, n] = topDomain(w.domains);
    return {
      perMinute: fresh ? w.total : 0,
      topKeysShare: fresh && w.total > 0 ? topSum(w.keys, 3) / w.total : 0,
      topDomain: fresh ? domain : null,
      topDomainShare: fresh && w.total > 0 ? n / w.total : 0,
      onUntil: w.onUntil > now ? w.onUntil : null,
    };
  }

  private looksAutomated(w: Window): boolean {
    if (topSum(w.keys, 3) >= this.rule.keyShare * w.total) return true;
    const [, n] = topDomain(w.domains);
    return n >= this.rule.domainShare * w.total;
  }
}

function bump(map: Map<string, number>, key: string, max: number): void {
  const n = map.get(key);
  if (n !== undefined) map.set(key, n + 1);
  else if (map.size < max) map.set(key, 1);
}

function topSum(map: Map<string, number>, k: number): number {
  const top: number[] = [];
  for (const n of map.values()) {
    if (top.length < k) top.push(n);
    else {
      const least = Math.min(...top);
      if (n > least) top[top.indexOf(least)] = n;
    }
  }
  return top.reduce((a, b) => a + b, 0);
}

/** The busiest domain that is not a large mailbox provider. */
function topDomain(map: Map<string, number>): [string | null, number] {
  let best: string | null = null;
  let most = 0;
  for (const [domain, n] of map) {
    if (n > most && domain !== '' && !MAILBOX_PROVIDERS.has(domain)) {
      best = domain;
      most = n;
    }
  }
  return [best, most];
}
