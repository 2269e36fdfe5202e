import type { FastifyRequest } from 'fastify';

// Nothing a person types contains these. A NUL makes PostgreSQL refuse the whole statement (a
// 500) while SQLite stores it, so they are refused here, before any route or query sees them,
// the same on both databases. Text bodies may hold tabs and line breaks (a petition's text);
// whether a single-line field (an email, a name) may is its field check's to say.
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// A URL's path and query never carry tabs or line breaks either.
const CONTROL_IN_LINE = /[\u0000-\u001F\u007F]/;
// Deeper than any form or API body turnout reads; a deeper one is walked no further.
const MAX_DEPTH = 32;

/** The error a request with a control character gets: 400, a page in the user's language, or the API's JSON. */
export class ControlCharacterError extends Error {
  readonly statusCode = 400;
  readonly code = 'TURNOUT_CONTROL_CHARACTER';
  constructor(readonly where: string, character: string) {
    const hex = character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    super(`${where} contains a control character (U+${hex}); remove it and send again`);
  }
}

function find(value: unknown, where: string, pattern: RegExp, depth: number): ControlCharacterError | null {
  if (typeof value === 'string') {
    const m = pattern.exec(value);
    return m ? new ControlCharacterError(where, m[0]) : null;
  }
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = find(value[i], `${where}[${i}]`, pattern, depth + 1);
      if (found) return found;
    }
    return null;
  }
  // Buffers and streams (a multipart upload) are not text to check here.
  if (Buffer.isBuffer(value) || typeof (value as { pipe?: unknown }).pipe === 'function') return null;
  for (const key of Object.keys(value)) {
    const m = CONTROL_IN_LINE.exec(key);
    if (m) return new ControlCharacterError(`${where} (a field's name)`, m[0]);
    const found = find((value as Record<string, unknown>)[key], `${where}.${key}`, pattern, depth + 1);
    if (found) return found;
  }
  return null;
}

/** The first control character in a request's path parameters, query or body, as an error naming where it is. */
export function controlCharacterIn(request: Pick<FastifyRequest, 'params' | 'query' | 'body'>): ControlCharacterError | null {
  return (
    find(request.params, 'path', CONTROL_IN_LINE, 0) ??
    find(request.query, 'query', CONTROL_IN_LINE, 0) ??
    find(request.body, 'body', CONTROL_IN_TEXT, 0)
  );
}
