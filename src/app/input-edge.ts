import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { controlCharacterIn } from '../util/control-characters.ts';

// The app's edge: the check itself is src/util/control-characters.ts, which a hook that runs
// before this one (the embed gate, onRequest) calls as well.

export { ControlCharacterError, controlCharacterIn } from '../util/control-characters.ts';

/** A preValidation hook for the whole app: a request with a control character goes no further. */
export function refuseControlCharacters(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  done(controlCharacterIn(request) ?? undefined);
}
