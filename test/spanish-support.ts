import { before, after } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../src/db/schema.ts';
import { harness, form, FORM, type Harness, type Target } from './helpers.ts';
import { organizerIn, organization, type SignedIn } from './admin-helpers.ts';

// The Spanish-text suites (test/spanish-texts*.test.ts) each read one organization's pages in
// both languages and change them in the console as its organizer.

export interface SpanishSuite {
  /** These three are set once the suite has started. */
  h: Harness;
  orgId: string;
  organizer: SignedIn;
  db(): Kysely<Database>;
  /** A page as a browser that prefers `lang` reads it. */
  read(url: string, lang: 'en' | 'es'): Promise<LightMyRequestResponse>;
  /** A console form the organizer posts, with their CSRF token. */
  post(url: string, body: Record<string, string>): Promise<LightMyRequestResponse>;
}

/**
 * Registers the suite's hooks: before it, a harness (with `env()`, read then), the organization
 * and its organizer; after it, the harness closed.
 */
export function spanishSuite(target: Target, org: { name: string; organizer: string }, env: () => Record<string, string> = () => ({})): SpanishSuite {
  const suite = {
    db: () => suite.h.ctx.database.db,
    read: (url: string, lang: 'en' | 'es') => suite.h.app.inject({ url, headers: { 'accept-language': lang } }),
    post: (url: string, body: Record<string, string>) =>
      suite.h.app.inject({ method: 'POST', url, headers: { ...FORM, cookie: suite.organizer.cookie }, payload: form({ _csrf: suite.organizer.csrf, ...body }) }),
  } as SpanishSuite;
  before(async () => {
    suite.h = await harness(target, env());
    suite.orgId = (await organization(suite.h, org.name)).id;
    suite.organizer = await organizerIn(suite.h, suite.orgId, 'organizer', org.organizer);
  });
  after(() => suite.h.close());
  return suite;
}
