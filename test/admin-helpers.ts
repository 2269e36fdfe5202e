import { before, after } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { harness, form, FORM, type Harness, type Target } from './helpers.ts';
import type { Database } from '../src/db/schema.ts';
import type { Role } from '../src/db/schema.ts';
import { createUser, grantRole, startSession } from '../src/accounts/service.ts';
import { createOrganization } from '../src/orgs/service.ts';

export interface SignedIn {
  userId: string;
  email: string;
  cookie: string;
  csrf: string;
}

/** An account with `role` in the organization and a live session (two-factor passed). */
export async function organizerIn(h: Harness, organizationId: string, role: Role, email: string): Promise<SignedIn> {
  const db = h.ctx.database.db;
  const user = await createUser(db, { email, name: email.split('@')[0]!, password: 'plum orchard lantern 42' });
  await grantRole(db, { userId: user.id, organizationId, role, byUserId: null });
  const token = await startSession(db, user.id, true);
  const session = await db.selectFrom('sessions').select('csrf_token').where('user_id', '=', user.id).executeTakeFirstOrThrow();
  return { userId: user.id, email: user.email, cookie: `turnout_session=${token}`, csrf: session.csrf_token };
}

export async function organization(h: Harness, name: string) {
  return createOrganization(h.ctx.database.db, { name });
}

export interface ConsoleSuite {
  /** These are set once the suite has started. */
  h: Harness;
  /** Faces Not Data, with its owner, an organizer and a viewer signed in; and another organization. */
  orgId: string;
  otherOrgId: string;
  owner: SignedIn;
  organizer: SignedIn;
  viewer: SignedIn;
  db(): Kysely<Database>;
  /** A console page as `who` sees it. */
  get(who: SignedIn, url: string): Promise<LightMyRequestResponse>;
  /** A console form `who` posts, with `csrf` (their own token unless given; none when `null`). */
  post(who: SignedIn, url: string, body: Record<string, string>, csrf?: string | null): Promise<LightMyRequestResponse>;
}

/** Registers a console suite's hooks: before it, a harness and the organizations and accounts above; after it, the harness closed. */
export function consoleSuite(target: Target): ConsoleSuite {
  const suite = {
    db: () => suite.h.ctx.database.db,
    get: (who: SignedIn, url: string) => suite.h.app.inject({ url, headers: { cookie: who.cookie } }),
    post: (who: SignedIn, url: string, body: Record<string, string>, csrf: string | null = who.csrf) =>
      suite.h.app.inject({ method: 'POST', url, headers: { ...FORM, cookie: who.cookie }, payload: form(csrf === null ? body : { _csrf: csrf, ...body }) }),
  } as ConsoleSuite;
  before(async () => {
    suite.h = await harness(target);
    suite.orgId = (await organization(suite.h, 'Faces Not Data')).id;
    suite.otherOrgId = (await organization(suite.h, 'Other Coalition')).id;
    suite.owner = await organizerIn(suite.h, suite.orgId, 'owner', 'owner@fnd.example');
    suite.organizer = await organizerIn(suite.h, suite.orgId, 'organizer', 'organizer@fnd.example');
    suite.viewer = await organizerIn(suite.h, suite.orgId, 'viewer', 'viewer@fnd.example');
  });
  after(() => suite.h.close());
  return suite;
}

/** The cookies a response set, as one Cookie header. */
export function cookiesFrom(res: { headers: Record<string, unknown> }): string {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [raw as string] : [];
  return list.map((c: string) => c.split(';')[0]).join('; ');
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF field on the page');
  return m[1]!;
}
