import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { findOrganizationBySlug } from '../orgs/repository.ts';
import { createOrganization } from '../orgs/service.ts';
import { createPetition, findPetitionBySlug } from '../petitions/index.ts';
import { nowIso } from '../util/ids.ts';
import type { Context } from '../context.ts';
import { createAccountLink, createUser, grantRole } from '../accounts/service.ts';
import { findUserByEmail } from '../accounts/repository.ts';

export const DEMO_OWNER_EMAIL = 'organizer@demo.turnout.example';

/**
 * The demo's owner account has no password: each start prints a fresh one-time link (one hour)
 * where the newcomer sets one, so no known password ever exists on a server.
 */
export async function demoSignInLink(ctx: Context): Promise<string> {
  const db = ctx.database.db;
  const org = (await findOrganizationBySlug(db, DEMO_ORG_SLUG))!;
  let user = await findUserByEmail(db, DEMO_OWNER_EMAIL);
  if (!user) {
    user = await createUser(db, { email: DEMO_OWNER_EMAIL, name: 'Demo Organizer' });
    await grantRole(db, { userId: user.id, organizationId: org.id, role: 'owner', byUserId: null });
  }
  const link = await createAccountLink(db, ctx.config.secretKey, { kind: 'sign_in', email: user.email, userId: user.id });
  return link.path;
}

export const DEMO_ORG_SLUG = 'demo-coalition';
export const DEMO_PETITION_SLUG = 'stop-selling-face-surveillance';

/** Creates the demo organization and its petition once; running it again changes nothing. Names are fictional. */
export async function seedDemo(db: Kysely<Database>): Promise<{ created: boolean; petitionSlug: string; orgSlug: string }> {
  const existing = await findOrganizationBySlug(db, DEMO_ORG_SLUG);
  if (existing && (await findPetitionBySlug(db, DEMO_PETITION_SLUG))) {
    return { created: false, petitionSlug: DEMO_PETITION_SLUG, orgSlug: DEMO_ORG_SLUG };
  }
  const org = existing ?? (await createOrganization(db, { name: 'Faces Not Data Coalition (demo)', slug: DEMO_ORG_SLUG }));
  await createPetition(
    db,
    org.id,
    {
      slug: DEMO_PETITION_SLUG,
      title: 'Tell Lumidex: stop selling face surveillance to police',
      description:
        'Lumidex Systems sells face recognition that lets police identify anyone at a protest, a clinic or a place of worship from a single camera frame. Fifty community groups are asking the company to stop.',
      petition_text:
        'To the board and chief executive of Lumidex Systems:\n\nStop selling face recognition products and services to police departments and other law enforcement agencies, end the contracts you already have, and delete the face images you collected without consent.',
      targets: [{ name: 'Dana Whitfield, CEO of Lumidex Systems' }, { name: 'Lumidex Systems board of directors' }],
      goal: null,
      confirmation_required: false,
      status: 'open',
    },
    nowIso(),
  );
  return { created: true, petitionSlug: DEMO_PETITION_SLUG, orgSlug: DEMO_ORG_SLUG };
}
