import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Counter, UnitOfWork } from '../actions/unit-of-work.ts';
import { recordTaker, type Referral } from '../actions/core.ts';
import type { PersonInput } from '../actions/people/validate.ts';
import { sharePerson, type Share } from '../actions/partners.ts';
import { insertUnderFreeSlug, slugify } from '../util/slug.ts';
import { newId } from '../util/ids.ts';
import * as repo from './repository.ts';
import type { LetterCampaign, LetterTarget, TargetKind } from './tables.ts';
import { checkCampaign, spanishValue, SPANISH_FIELDS, type CampaignErrors, type CampaignInput } from './fields.ts';
import { matchTargets, type TargetInput } from './targets.ts';
import { JOB_QUEUED } from './delivery.ts';
import { zipcodes } from '../kits/places/zipcodes.ts';
import { isActionClosed, parseClosesAt } from '../actions/closing-time.ts';

/** A campaign's count of letters written (one per supporter), moved once per batch. */
export const OUTREACH_COUNT: Counter = { table: 'letter_campaigns', column: 'outreach_count' };

/** A closed campaign takes no letters, from the form or the API. */
export class CampaignClosedError extends Error {
  constructor(readonly campaignId: string) {
    super(`letter campaign ${campaignId} is closed`);
  }
}

/** The supporter's state or ZIP matches no target and the organizer set no fallback: nothing is written. */
export class NoTargetError extends Error {
  constructor(readonly state: string | null) {
    super('no target for this supporter');
  }
}

/** A campaign whose fields fail their checks (a surface that forgot to check meets this). */
export class CampaignFieldsError extends Error {
  constructor(readonly errors: CampaignErrors) {
    super(Object.values(errors).join('; '));
  }
}

function columns(c: CampaignInput) {
  return {
    title: c.title.trim(),
    description: c.description.trim(),
    subject: c.subject.trim(),
    subject_editable: c.subject_editable ? 1 : 0,
    letter_opening: c.letter_opening.trim(),
    letter_body: c.letter_body.trim(),
    body_editable: c.body_editable ? 1 : 0,
    letter_closing: c.letter_closing.trim(),
    body_max_length: c.body_max_length,
    ask_address: c.ask_address ? 1 : 0,
    target_mode: c.target_mode,
    hourly_cap: c.hourly_cap,
    window_start: c.window_start,
    window_end: c.window_end,
    time_zone: c.time_zone,
    status: c.status,
    ...(c.closes_at === undefined ? {} : { closes_at: c.closes_at?.trim() ? parseClosesAt(c.closes_at) : null }),
    // The Spanish versions: '' or null stores null; left out, kept (a new campaign has none).
    ...spanishColumns(c),
  };
}

function spanishColumns(c: CampaignInput): Partial<Record<(typeof SPANISH_FIELDS)[number], string | null>> {
  const out: Partial<Record<(typeof SPANISH_FIELDS)[number], string | null>> = {};
  for (const f of SPANISH_FIELDS) {
    const v = spanishValue(c[f]);
    if (v !== undefined) out[f] = v;
  }
  return out;
}

/** Creates a campaign under a free web address (its slug, or its title's, numbered when taken). */
export async function createCampaign(db: Kysely<Database>, organizationId: string, c: CampaignInput, now: string): Promise<LetterCampaign> {
  const errors = checkCampaign(c);
  if (Object.keys(errors).length > 0) throw new CampaignFieldsError(errors);
  const id = newId();
  const base = slugify(c.slug || c.title, 'letter');
  await insertUnderFreeSlug(base, (slug) => repo.slugExists(db, slug), (slug) =>
    repo.insertCampaignUnlessSlugTaken(db, { id, organization_id: organizationId, slug, ...columns(c), origin_system: c.origin_system ?? 'turnout', created_at: now, modified_at: now }),
  );
  return (await repo.findCampaign(db, organizationId, id))!;
}

/** Saves a campaign's fields (the slug only if it is free: a taken one is a field error). */
export async function updateCampaign(db: Kysely<Database>, campaign: LetterCampaign, c: CampaignInput, now: string): Promise<LetterCampaign> {
  const errors = checkCampaign(c);
  if (c.slug && c.slug !== campaign.slug && (await repo.slugExists(db, c.slug))) errors.slug = `The web address /letters/${c.slug} is already used: choose another`;
  if (Object.keys(errors).length > 0) throw new CampaignFieldsError(errors);
  await repo.updateCampaign(db, campaign.organization_id, campaign.id, {
    ...columns(c),
    ...(c.slug ? { slug: c.slug } : {}),
    ...(c.origin_system ? { origin_system: c.origin_system } : {}),
    modified_at: now,
  });
  return (await repo.findCampaign(db, campaign.organization_id, campaign.id))!;
}

/**
 * Replaces the campaign's targets of one kind (the fixed list, the uploaded list, or the
 * fallback) in one transaction: the old ones are taken out (their queued letters cancelled,
 * sent ones kept in the record), the new ones written. A list is checked whole before this.
 */
export async function replaceTargets(db: Kysely<Database>, campaign: Pick<LetterCampaign, 'id' | 'organization_id'>, kind: TargetKind, targets: TargetInput[], now: string) {
  await db.transaction().execute(async (trx) => {
    // The campaign's row first: on PostgreSQL its lock puts two replacements of one campaign one
    // after the other (each then reads the targets the other left), where their updates of the
    // same target rows in different orders deadlocked. SQLite's one writer does this already.
    await repo.updateCampaign(trx, campaign.organization_id, campaign.id, { modified_at: now });
    await repo.removeTargets(trx, campaign.id, [kind], now);
    await repo.insertTargets(
      trx,
      targets.map((t, i) => ({
        id: newId(),
        organization_id: campaign.organization_id,
        campaign_id: campaign.id,
        kind,
        name: t.name,
        title: t.title,
        target_organization: t.organization,
        email: t.email,
        state: t.state,
        zip_codes: t.zipCodes.length > 0 ? t.zipCodes.join(' ') : null,
        district: t.district,
        position: i,
        status: 'active' as const,
        bounce_reason: null,
        bounced_at: null,
        next_slot_at: null,
        pacer_job_id: null,
        created_at: now,
        modified_at: now,
      })),
    );
  });
}

export interface Writing {
  person: PersonInput;
  streetAddress: string | null;
  subject: string;
  body: string;
  optIn: boolean | null;
  optInWording: string;
  language: string;
  referral: Referral;
  tags?: string[];
  shareWith?: Share[];
}

export interface WriteResult {
  outreachId: string;
  created: boolean;
  /** Whom the letter went to (the targets of the first letter, for a repeat writer). */
  targets: LetterTarget[];
  fallback: boolean;
}

type WritableCampaign = Pick<LetterCampaign, 'id' | 'organization_id' | 'status' | 'target_mode'> & { closes_at?: string | null; targets: LetterTarget[] };

/** A campaign is closed when its organizer closed it or its closing time has passed (checked at each request and in writeLetter: no job needed). */
export const isCampaignClosed = (campaign: { status: string; closes_at?: string | null }, now?: string) => isActionClosed(campaign, now);

/** The signature under the letter: the name, then the street address when asked, then city and state. */
export function signatureOf(person: PersonInput, streetAddress: string | null): string {
  const place = person.country === 'US' ? zipcodes().lookup(person.postalCode.slice(0, 5)) : undefined;
  const where = place ? `${place.city}, ${place.state} ${person.postalCode}` : [person.postalCode, person.country].filter(Boolean).join(', ');
  return [`${person.givenName} ${person.familyName}`.trim(), streetAddress, where].filter(Boolean).join('\n');
}

/**
 * Records a supporter's letter through the action core: the person, their consent and tags,
 * the outreach, one queued letter per target, and the job that starts the targets' pacers, all
 * in the action's transaction. A repeat writer (same email) is counted once and their letter is
 * not sent twice; they get the same answer. Throws CampaignClosedError or NoTargetError before
 * writing anything.
 */
export async function writeLetter(uow: UnitOfWork, campaign: WritableCampaign, w: Writing): Promise<WriteResult> {
  if (isCampaignClosed(campaign, uow.now)) throw new CampaignClosedError(campaign.id);
  const matched = matchTargets(campaign.target_mode, campaign.targets, w.person);
  if (matched.targets.length === 0) throw new NoTargetError(matched.state);
  const personId = await recordTaker(
    uow,
    { organizationId: campaign.organization_id, person: w.person, language: w.language, optIn: w.optIn, optInWording: w.optInWording, tags: w.tags },
    { type: 'letter', id: campaign.id },
  );
  const id = newId();
  const outreach = {
    id,
    organization_id: campaign.organization_id,
    campaign_id: campaign.id,
    person_id: personId,
    subject: w.subject,
    body: w.body,
    signature: signatureOf(w.person, w.streetAddress),
    street_address: w.streetAddress,
    postal_code: w.person.postalCode || null,
    state: matched.state,
    source: w.referral.source,
    referrer: w.referral.referrer,
    language: w.language,
    targets_matched: matched.targets.length,
    copied_from: null,
    created_at: uow.now,
    modified_at: uow.now,
  };
  const created = await uow.ask(repo.outreachInsert, outreach);
  const shares = w.shareWith ?? [];
  const writer = { email: w.person.email, givenName: w.person.givenName || null, familyName: w.person.familyName || null, postalCode: w.person.postalCode || null, country: w.person.country || null, language: w.language };
  const outreachId = created ? id : (await repo.findOutreachOf(uow.trx, campaign.id, personId))?.id;
  if (!outreachId) throw new Error(`outreach of person ${personId} on campaign ${campaign.id} vanished`);
  if (created) uow.raise('outreach', campaign.organization_id, id);
  // A ticked partner box puts the writer on that partner's list, with a copy of the outreach
  // (the fact, not the letter: no text, no signature) so the partner's count can be told.
  for (const share of shares) {
    const partnerPersonId = await sharePerson(uow, { type: 'letter', id: campaign.id }, writer, share);
    await repo.insertOutreachCopies(uow.trx, [{
      ...outreach, id: newId(), organization_id: share.id, person_id: partnerPersonId, subject: null, body: null, signature: null,
      street_address: null, postal_code: null, state: null, targets_matched: 0, copied_from: outreachId,
    }]);
  }
  if (!created) return { outreachId, created: false, targets: matched.targets, fallback: matched.fallback };
  for (const t of matched.targets) {
    uow.insertLater('letter_sends', {
      id: newId(), organization_id: campaign.organization_id, campaign_id: campaign.id, outreach_id: id, target_id: t.id,
      status: 'queued', slot_at: null, locked_until: null, attempts: 0, sent_at: null, error: null, created_at: uow.now,
    });
  }
  uow.count(OUTREACH_COUNT, campaign.id, 1);
  uow.enqueue(JOB_QUEUED, { outreachId: id });
  return { outreachId: id, created: true, targets: matched.targets, fallback: matched.fallback };
}
