// Shared by the test/api-*.test.ts suites: an organization with a token, and a client that sends it.
import type { Harness } from './helpers.ts';
import { createApiToken, createOrganization } from '../src/orgs/service.ts';

export const BASE = 'http://turnout.test/api/v2';
export const HAL = /^application\/hal\+json/;

export interface ApiClient {
  orgId: string;
  token: string;
  /** The token's id, as consents name it. */
  tokenId: string;
  get(path: string, headers?: Record<string, string>): Promise<ApiResponse>;
  post(path: string, body: unknown): Promise<ApiResponse>;
  put(path: string, body: unknown): Promise<ApiResponse>;
  delete(path: string): Promise<ApiResponse>;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, unknown>;
  body: any;
  text: string;
}

/** A new organization, its API token, and a client that calls /api/v2 with it. */
export async function apiOrganization(h: Harness, slug: string): Promise<ApiClient> {
  const org = await createOrganization(h.ctx.database.db, { name: `Org ${slug}`, slug });
  const { token } = await createApiToken(h.ctx.database.db, slug, 'test');
  const { id: tokenId } = await h.ctx.database.db.selectFrom('api_tokens').select('id').where('organization_id', '=', org.id).executeTakeFirstOrThrow();
  const send = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await h.app.inject({
      method,
      url: `/api/v2${path}`,
      headers: { 'osdi-api-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body: parsed, text: res.body };
  };
  return {
    orgId: org.id,
    token,
    tokenId,
    get: (path, headers) => send('GET', path, undefined, headers),
    post: (path, body) => send('POST', path, body),
    put: (path, body) => send('PUT', path, body),
    delete: (path) => send('DELETE', path),
  };
}

/** The id in a resource's `turnout:<uuid>` identifier. */
export function idOf(resource: { identifiers: string[] }): string {
  const turnout = resource.identifiers.find((i) => i.startsWith('turnout:'));
  if (!turnout) throw new Error(`no turnout identifier in ${JSON.stringify(resource.identifiers)}`);
  return turnout.slice('turnout:'.length);
}

/** A record-signature or signup helper person, in Action Network's shape. */
export function osdiPerson(email: string, over: Record<string, unknown> = {}) {
  return {
    given_name: 'Ana',
    family_name: 'Ruiz',
    email_addresses: [{ address: email }],
    postal_addresses: [{ postal_code: '94110', country: 'US' }],
    ...over,
  };
}
