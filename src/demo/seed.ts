import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { findOrganizationBySlug } from '../orgs/repository.ts';
import { createOrganization } from '../orgs/service.ts';
import { createPetition, findPetitionBySlug } from '../petitions/index.ts';
import { nowIso } from '../util/ids.ts';
import { DateTime } from 'luxon';
import { UnitOfWork } from '../actions/unit-of-work.ts';
import { checkEvent, DEFAULT_REMINDERS, type EventInput } from '../events/index.ts';
import { addCampaignEvent, createCampaign, findCampaignBySlug } from '../event-campaigns/index.ts';
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
export const DEMO_CAMPAIGN_SLUG = 'week-of-action-against-face-surveillance';

/** The demo week of action's events: one in person in two cities and one online, two weeks from the day the demo is made. */
function demoEvents(now: DateTime): EventInput[] {
  const day = (zone: string, plus: number) => now.setZone(zone).plus({ days: plus }).toISODate()!;
  const base = { instructions: '', capacity: null, joinUrl: '', venue: '', addressLines: [], locality: '', region: '', postalCode: '', country: 'US', visibility: 'public', reminders: [...DEFAULT_REMINDERS] };
  return [
    {
      ...base,
      title: 'Teach-in: how face recognition reaches our streets',
      description: 'Neighbors explain how police use face recognition in Chicago, and how the ordinance we propose would stop it.',
      startDate: day('America/Chicago', 14),
      startTime: '18:30',
      endDate: day('America/Chicago', 14),
      endTime: '20:30',
      timezone: 'America/Chicago',
      capacity: 60,
      online: false,
      venue: 'Logan Square Community Library',
      addressLines: ['3030 W Fullerton Ave'],
      locality: 'Chicago',
      region: 'IL',
      postalCode: '60647',
    },
    {
      ...base,
      title: 'Rally at Lumidex headquarters',
      description: 'Bring a sign. We deliver the petition and the open letter to the company at noon.',
      startDate: day('America/Los_Angeles', 16),
      startTime: '11:30',
      endDate: day('America/Los_Angeles', 16),
      endTime: '13:00',
      timezone: 'America/Los_Angeles',
      online: false,
      venue: 'Frank Ogawa Plaza',
      addressLines: ['1 Frank H Ogawa Plaza'],
      locality: 'Oakland',
      region: 'CA',
      postalCode: '94612',
    },
    {
      ...base,
      title: 'Online phone bank to city councils',
      description: 'We call council members in ten cities together; scripts and numbers are shared on the call.',
      startDate: day('America/New_York', 15),
      startTime: '19:00',
      endDate: day('America/New_York', 15),
      endTime: '20:30',
      timezone: 'America/New_York',
      online: true,
      joinUrl: 'https://meet.example.org/phone-bank',
    },
  ];
}

/** Creates the demo week of action with its events, once. */
async function seedDemoCampaign(db: Kysely<Database>, organizationId: string): Promise<void> {
  if (await findCampaignBySlug(db, DEMO_CAMPAIGN_SLUG)) return;
  const now = nowIso();
  const checked = demoEvents(DateTime.fromISO(now)).map((input) => {
    const { errors, columns } = checkEvent(input);
    if (!columns) throw new Error(`demo event "${input.title}" is invalid: ${JSON.stringify(errors)}`);
    return columns;
  });
  await db.transaction().execute(async (trx) => {
    const campaign = await createCampaign(
      trx,
      organizationId,
      {
        slug: DEMO_CAMPAIGN_SLUG,
        title: 'Week of action against face surveillance',
        description: 'Events across the country to ask cities to ban police face recognition. Find one near you, or offer to host your own.',
        status: 'open',
      },
      now,
    );
    const uow = new UnitOfWork(trx, now);
    for (const columns of checked) await addCampaignEvent(uow, campaign, columns, { status: 'confirmed', hostName: null, hostEmail: null });
    await uow.flush();
  });
}

/** Creates the demo organization, its petition and its week of action once; running it again changes nothing. Names are fictional. */
export async function seedDemo(db: Kysely<Database>): Promise<{ created: boolean; petitionSlug: string; orgSlug: string }> {
  const existing = await findOrganizationBySlug(db, DEMO_ORG_SLUG);
  if (existing && (await findPetitionBySlug(db, DEMO_PETITION_SLUG))) {
    await seedDemoCampaign(db, existing.id);
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
  await seedDemoCampaign(db, org.id);
  return { created: true, petitionSlug: DEMO_PETITION_SLUG, orgSlug: DEMO_ORG_SLUG };
}
