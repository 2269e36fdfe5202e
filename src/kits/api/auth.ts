import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { organizationForToken } from '../../orgs/service.ts';
import { ApiError } from './errors.ts';

/** The organization whose API token came with the request; every read and write is scoped to it. */
export interface ApiOrganization {
  id: string;
  slug: string;
  name: string;
  token_id: string;
  /** The token's label, as its consents name it (never the secret). */
  token_label: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    apiOrganization: ApiOrganization | null;
  }
}

// Action Network's words and status for a missing or wrong key.
const FORBIDDEN = 'API Key invalid or not present';
const FORBIDDEN_STATUS = 403;

/** True for the API entry point, which answers without a key (with fewer links), as Action Network's does. */
const isEntryPoint = (request: FastifyRequest) => request.method === 'GET' && /^\/api\/v2\/?$/.test(request.url.split('?')[0]!);

/**
 * An onRequest hook: the token comes in the `OSDI-API-Token` header or, as OSDI also allows,
 * `?osdi-api-token=` (never logged: the logger drops query strings). No token, no data: a 403
 * with Action Network's error body, except on the entry point.
 */
export function requireToken(db: Kysely<Database>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers['osdi-api-token'];
    const query = request.query as Record<string, unknown>;
    const raw = typeof header === 'string' ? header : query['osdi-api-token'];
    const token = typeof raw === 'string' ? raw.trim() : '';
    const organization = token ? await organizationForToken(db, token) : undefined;
    if (organization) request.apiOrganization = organization;
    else if (!isEntryPoint(request)) return reply.code(FORBIDDEN_STATUS).send({ error: FORBIDDEN });
  };
}

/** The organization of an authenticated API request. */
export function organizationOf(request: FastifyRequest): ApiOrganization {
  if (!request.apiOrganization) throw new ApiError(FORBIDDEN_STATUS, FORBIDDEN);
  return request.apiOrganization;
}
