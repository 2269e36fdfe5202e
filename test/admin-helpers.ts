import type { Harness } from './helpers.ts';
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
