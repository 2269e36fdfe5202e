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
}

declare module 'fastify' {
  interface FastifyRequest {
    apiOrganization: ApiOrganization | null;
  }
}

// Action Network's words for a missing or wrong key.
const UNAUTHORIZED = 'API Key invalid or not present';

/**
 * An onRequest hook: the token comes in the `OSDI-API-Token` header or, as OSDI also allows,
 * `?osdi-api-token=` (never logged: the logger drops query strings). No token, no data.
 */
export function requireToken(db: Kysely<Database>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers['osdi-api-token'];
    const query = request.query as Record<string, unknown>;
    const raw = typeof header === 'string' ? header : query['osdi-api-token'];
    const token = typeof raw === 'string' ? raw.trim() : '';
    const organization = token ? await organizationForToken(db, token) : undefined;
    if (!organization) return reply.code(401).send({ error: UNAUTHORIZED });
    request.apiOrganization = organization;
  };
}

/** The organization of an authenticated API request. */
export function organizationOf(request: FastifyRequest): ApiOrganization {
  if (!request.apiOrganization) throw new ApiError(401, UNAUTHORIZED);
  return request.apiOrganization;
}
