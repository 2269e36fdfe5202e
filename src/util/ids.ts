import { v7 as uuidv7 } from 'uuid';

/**
 * Ids are UUIDs of version 7: they start with the time they were made, so the rows of a surge
 * land at the end of each primary-key and person index instead of on a random page each. A
 * batch of signatures then writes a few dozen pages instead of several per signature (on
 * SQLite a commit took about 4 times longer with random ids). They reveal when a row was made,
 * which its `created_at` says anyway to whoever can see the id.
 */
export const newId = (): string => uuidv7();
export const nowIso = (): string => new Date().toISOString();
