import { migrationsOf } from '../context.ts';
import { CAPABILITIES } from './capabilities.ts';

/**
 * Every capability's migrations, for the commands that migrate without opening a whole context
 * (`turnout migrate`, `turnout export`): the capability entries load no routes, pages, mailer or
 * worker, so these commands stay as light as they were before capabilities had folders.
 */
export function capabilityMigrations() {
  return migrationsOf(CAPABILITIES);
}
