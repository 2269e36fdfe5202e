import { createHmac, timingSafeEqual } from 'node:crypto';
import { createChallenge, randomInt, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { LRUCache } from 'lru-cache';
import { SurgeDetector } from './surge-detector.ts';

/**
 * The proof-of-work challenge on public forms (altcha-lib, nothing from another site): a form
 * whose challenge is on carries /assets/challenge.js, which fetches a challenge from /challenge,
 * finds the counter whose SHA-256 starts with the signed prefix and puts the solution in the
 * form's `altcha` field. Without JavaScript the form still works, under a stricter limit.
 *
 * Everything here is in the memory of one process and costs no database round trip: the HMAC
 * check of a solution, the used challenges (until they expire), the surge detector, the strict
 * limit. With several web processes a solution could be used once in each (documented).
 */

/** What an organizer chooses per action: never, when a surge looks automated, or always. */
export type ChallengeMode = 'off' | 'automatic' | 'always';
export const CHALLENGE_MODES: readonly ChallengeMode[] = ['off', 'automatic', 'always'];

export const isChallengeMode = (v: unknown): v is ChallengeMode => typeof v === 'string' && (CHALLENGE_MODES as readonly string[]).includes(v);

/** The form field that carries a solution, as the altcha widget names it. */
export const CHALLENGE_FIELD = 'altcha';

/** The counter is drawn below this: on average half of it SHA-256 hashes in the browser (see docs/ARCHITECTURE.md). */
export const CHALLENGE_MAX_COUNTER = 1_000_000;
/** A challenge may be solved and used for this long after it was fetched. */
export const CHALLENGE_TTL_MS = 10 * 60_000;
/** Without a valid solution, while the challenge is on: this many submissions per client per window. */
export const STRICT_LIMIT = { max: 3, windowMs: 10 * 60_000 } as const;

/** The page's policy when it carries the challenge: its own script, and a fetch of /challenge, both from this site only. */
export const CHALLENGE_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

// Used challenges by the minute they expire; each kept as the first 52 bits of its signature.
const MAX_REMEMBERED = 1_000_000;

export type Verdict = 'valid' | 'missing' | 'invalid' | 'used';

export class ChallengeGate {
  private readonly hmacKey: string;
  private readonly keySignatureKey: string;
  private readonly used = new Map<number, Set<number>>();
  private remembered = 0;
  private readonly strict = new LRUCache<string, { start: number; count: number }>({ max: 50_000 });
  readonly detector: SurgeDetector;

  constructor(
    secret: Buffer,
    readonly options: { maxCounter?: number; ttlMs?: number; detector?: SurgeDetector; strictLimit?: { max: number; windowMs: number } | false } = {},
  ) {
    // Keys of their own, derived from the instance's secret key.
    this.hmacKey = createHmac('sha256', secret).update('altcha-challenge').digest('hex');
    this.keySignatureKey = createHmac('sha256', secret).update('altcha-key-signature').digest('hex');
    this.detector = options.detector ?? new SurgeDetector();
  }

  /** A new challenge for one visitor (as JSON for the solver). */
  async create(now = Date.now()): Promise<Challenge> {
    return createChallenge({
      algorithm: 'SHA-256',
      cost: 1,
      counter: randomInt(this.options.maxCounter ?? CHALLENGE_MAX_COUNTER, 0),
      deriveKey,
      expiresAt: Math.floor((now + (this.options.ttlMs ?? CHALLENGE_TTL_MS)) / 1000),
      hmacSignatureSecret: this.hmacKey,
      hmacKeySignatureSecret: this.keySignatureKey,
    });
  }

  /**
   * Checks a submitted solution (the base64 JSON the solver puts in the form) and, when it is
   * valid, remembers it so that it cannot be used again before it expires.
   */
  async verify(payload: unknown, now = Date.now()): Promise<Verdict> {
    if (typeof payload !== 'string' || payload === '') return 'missing';
    if (payload.length > 2000) return 'invalid';
    let parsed: { challenge?: Challenge; solution?: { counter: number; derivedKey: string } };
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
    } catch {
      return 'invalid';
    }
    const challenge = parsed?.challenge;
    if (!challenge || typeof challenge !== 'object' || typeof challenge.signature !== 'string' || typeof challenge.parameters !== 'object' || challenge.parameters === null) {
      return 'invalid';
    }
    const expiresAt = challenge.parameters.expiresAt;
    if (typeof expiresAt !== 'number' || expiresAt * 1000 < now) return 'invalid';
    if (!this.verified(challenge, parsed.solution)) return 'invalid';
    return this.useOnce(challenge.signature, expiresAt, now) ? 'valid' : 'used';
  }

  /**
   * altcha-lib's `verifySolution` for these challenges (signed, with a key signature), made with
   * node:crypto's synchronous HMAC: the same checks in the same order (the parameters' signature
   * over their canonical JSON, then the derived key against the key signature), in about 10 µs
   * instead of the 300 to 470 µs its WebCrypto calls took on the signing path (measured under
   * load); test/petitions-abuse.test.ts checks both agree.
   */
  private verified(challenge: Challenge, solution: unknown): boolean {
    const p = challenge.parameters as Challenge['parameters'] & Record<string, unknown>;
    const key = (solution as { derivedKey?: unknown } | undefined)?.derivedKey;
    if (typeof key !== 'string' || !/^(?:[0-9a-f]{2}){1,64}$/.test(key) || typeof p.keySignature !== 'string') return false;
    const signature = createHmac('sha256', this.hmacKey).update(JSON.stringify(sortKeys(p))).digest('hex');
    if (!sameHex(signature, challenge.signature!)) return false;
    return sameHex(createHmac('sha256', this.keySignatureKey).update(Buffer.from(key, 'hex')).digest('hex'), p.keySignature);
  }

  /** Whether an action's form carries the challenge now. */
  active(actionId: string, mode: ChallengeMode, now = Date.now()): boolean {
    return mode === 'always' || (mode === 'automatic' && this.detector.automated(actionId, now));
  }

  /**
   * A submission without a valid solution while the challenge is on: true while the client is
   * within the strict limit (and counts it), false once over it. `enforce` is off when the
   * instance runs without rate limits (benchmarks, tests).
   */
  withinStrictLimit(clientKey: string, enforce: boolean, now = Date.now()): boolean {
    const limit = this.options.strictLimit ?? STRICT_LIMIT;
    if (!enforce || limit === false) return true;
    let entry = this.strict.get(clientKey);
    if (!entry || now - entry.start >= limit.windowMs) {
      entry = { start: now, count: 0 };
      this.strict.set(clientKey, entry);
    }
    entry.count++;
    return entry.count <= limit.max;
  }

  private useOnce(signature: string, expiresAt: number, now: number): boolean {
    const minute = Math.ceil(expiresAt / 60);
    for (const [m, set] of this.used) {
      if (m * 60_000 < now) {
        this.remembered -= set.size;
        this.used.delete(m);
      }
    }
    const id = Number.parseInt(signature.slice(0, 13), 16);
    let set = this.used.get(minute);
    if (set?.has(id)) return false;
    // Full: refuse rather than forget one that could then be replayed.
    if (this.remembered >= MAX_REMEMBERED) return false;
    if (!set) this.used.set(minute, (set = new Set()));
    set.add(id);
    this.remembered++;
    return true;
  }
}

const gates = new WeakMap<object, ChallengeGate>();

/** The process's gate for one context (its secret key). */
export function challengeGate(ctx: { config: { secretKey: Buffer } }): ChallengeGate {
  let gate = gates.get(ctx);
  if (!gate) gates.set(ctx, (gate = new ChallengeGate(ctx.config.secretKey)));
  return gate;
}

/** The domain of an email address, lower case ('' when it has none). */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? '' : email.slice(at + 1).trim().toLowerCase();
}

function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Object keys sorted at every depth, undefined values dropped: altcha-lib's canonical JSON. */
function sortKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entries = Object.keys(value)
    .sort()
    .flatMap((k) => {
      const v = (value as Record<string, unknown>)[k];
      return v === undefined ? [] : [[k, sortKeys(v)] as const];
    });
  return Object.fromEntries(entries);
}
