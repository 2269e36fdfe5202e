import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../db/schema.ts';
import type { Context } from '../../context.ts';
import { can, type Permission } from '../../accounts/policy.ts';
import { loadSession, type LoadedSession } from '../../accounts/service.ts';
import { findMembership, membershipsOf } from '../../accounts/repository.ts';

export const SESSION_COOKIE = 'turnout_session';
const PRE_SESSION_CSRF_COOKIE = 'turnout_csrf';

export interface Membership {
  id: string;
  slug: string;
  name: string;
  role: Role;
  require_two_factor: number;
}

/** Who is signed in, in which organization and with which role; set on every console request. */
export interface Organizer {
  session: LoadedSession;
  organization: Membership | undefined;
  memberships: Membership[];
}

declare module 'fastify' {
  interface FastifyRequest {
    organizer: Organizer | null;
  }
  interface FastifyContextConfig {
    /** What a console route needs. 'public': no session (sign-in, links); 'signed_in': any session. */
    permission?: Permission | 'public' | 'signed_in';
  }
}

export function sessionCookieOptions(ctx: Context) {
  return {
    path: '/admin',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.config.baseUrl.startsWith('https:'),
  };
}

export async function loadOrganizer(ctx: Context, request: FastifyRequest): Promise<Organizer | null> {
  const session = await loadSession(ctx.database.db, request.cookies[SESSION_COOKIE]);
  if (!session) return null;
  const memberships = (await membershipsOf(ctx.database.db, session.user_id)) as Membership[];
  const organization = session.organization_id
    ? ((await findMembership(ctx.database.db, session.user_id, session.organization_id)) as Membership | undefined)
    : undefined;
  return { session, organization, memberships };
}

/** The token every console form carries: the session's, or before sign-in a double-submit cookie's. */
export function csrfToken(request: FastifyRequest, reply: FastifyReply): string {
  if (request.organizer) return request.organizer.session.csrf_token;
  let token = request.cookies[PRE_SESSION_CSRF_COOKIE];
  if (!token || !/^[A-Za-z0-9_-]{32}$/.test(token)) {
    token = randomBytes(24).toString('base64url');
    reply.setCookie(PRE_SESSION_CSRF_COOKIE, token, { path: '/admin', httpOnly: true, sameSite: 'strict' });
  }
  return token;
}

export function csrfValid(request: FastifyRequest): boolean {
  const body = request.body as Record<string, unknown> | undefined;
  const given = typeof body?._csrf === 'string' ? body._csrf : typeof request.headers['x-csrf-token'] === 'string' ? request.headers['x-csrf-token'] : '';
  const expected = request.organizer?.session.csrf_token ?? request.cookies[PRE_SESSION_CSRF_COOKIE] ?? '';
  if (!given || !expected) return false;
  // Compared as bytes: a token of the right length in characters but not in UTF-8 bytes (é) is refused, not a crash.
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type Gate = 'ok' | 'sign_in' | 'second_factor' | 'enroll_two_factor' | 'forbidden';

/**
 * The one decision for a console request: is there a session, has it passed two-factor when the
 * user has it, does the organization require two-factor, and does the role allow the permission.
 */
export function gate(organizer: Organizer | null, permission: Permission | 'signed_in'): Gate {
  if (!organizer) return 'sign_in';
  if (organizer.session.totp_enabled_at && !organizer.session.second_factor_done) return 'second_factor';
  if (permission === 'signed_in') return 'ok';
  const org = organizer.organization;
  if (!org) return 'forbidden';
  if (org.require_two_factor && !organizer.session.totp_enabled_at) return 'enroll_two_factor';
  return can(org.role, permission) ? 'ok' : 'forbidden';
}
