import { hash, verify, Algorithm } from '@node-rs/argon2';
import { zxcvbn, zxcvbnOptions } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';

zxcvbnOptions.setOptions({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

// OWASP's argon2id baseline (19 MiB, 2 passes), the library's defaults made explicit.
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    // Spend the same time as a real check, so timing does not tell whether the account exists.
    await hash(password, OPTIONS);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

export type PasswordProblem = 'too_short' | 'too_long' | 'too_common';

/**
 * A password is refused when it is short, or common or easy to guess: zxcvbn checks it against
 * lists of common passwords, words, names and keyboard patterns (score below 3 of 4).
 */
export function passwordProblem(password: string, related: string[] = []): PasswordProblem | null {
  if (password.length < PASSWORD_MIN) return 'too_short';
  if (password.length > PASSWORD_MAX) return 'too_long';
  if (zxcvbn(password, related.filter(Boolean)).score < 3) return 'too_common';
  return null;
}
