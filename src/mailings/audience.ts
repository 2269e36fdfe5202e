import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';
import { zipcodes } from '../kits/places/zipcodes.ts';
import type { Database } from '../db/schema.ts';
import type { Audience } from './tables.ts';

type Q = Kysely<Database> | Transaction<Database>;

/**
 * The actions an audience can name, each read from its capability's records with one small
 * query kept here (capabilities reach each other only through their index.ts, and these are
 * plain reads of who took an action). A capability's records are its own; this list only reads them.
 */
interface ActionSource {
  /** How the console names it: "Signed the petition". */
  verb: string;
  /** The records table, its column naming the action, and the rows that count. */
  records: string;
  column: string;
  counts?: string;
  /** The actions table and its title column, for the console's choices. */
  actions: string;
}

export const ACTION_SOURCES: Record<string, ActionSource> = {
  petition: { verb: 'Signed the petition', records: 'signatures', column: 'petition_id', counts: 'invalidated_at IS NULL', actions: 'petitions' },
  event: { verb: 'RSVP\u2019d to the event', records: 'attendances', column: 'event_id', counts: "status <> 'cancelled'", actions: 'events' },
  donation: { verb: 'Gave on the page', records: 'donations', column: 'fundraising_page_id', counts: "status IN ('paid', 'pledged')", actions: 'fundraising_pages' },
};

export const EMPTY_AUDIENCE: Audience = { include_tags: [], exclude_tags: [], actions: [], exclude_actions: [], states: [], near: null, languages: [] };

export function parseAudience(json: string): Audience {
  try {
    return { ...EMPTY_AUDIENCE, ...(JSON.parse(json) as Partial<Audience>) };
  } catch {
    return EMPTY_AUDIENCE;
  }
}

/** The ZIP codes of the audience's place: in its states, within its distance (empty list: anywhere). */
export function zipsOf(audience: Audience): string[] | null {
  let zips: Set<string> | null = null;
  if (audience.states.length > 0) zips = new Set(audience.states.flatMap((s) => zipcodes().lookupByState(s).map((z) => String(z.zip))));
  if (audience.near) {
    const near = new Set((zipcodes().radius(audience.near.zip, audience.near.miles) as string[]).map(String));
    zips = zips ? new Set([...zips].filter((z) => near.has(z))) : near;
  }
  return zips ? [...zips] : null;
}

function actionTaken(eb: ExpressionBuilder<Database, 'people'>, organizationId: string, ref: string) {
  const [type, id] = ref.split(':') as [string, string];
  const source = ACTION_SOURCES[type];
  if (!source || !id) return sql<boolean>`1 = 0`;
  const counts = source.counts ? sql` AND ${sql.raw(source.counts)}` : sql``;
  void eb;
  return sql<boolean>`EXISTS (SELECT 1 FROM ${sql.table(source.records)} WHERE person_id = people.id AND organization_id = ${organizationId} AND ${sql.ref(source.column)} = ${id}${counts})`;
}

function tagged(organizationId: string, names: string[]) {
  return sql<boolean>`EXISTS (SELECT 1 FROM taggings JOIN tags ON tags.id = taggings.tag_id WHERE taggings.person_id = people.id AND tags.organization_id = ${organizationId} AND tags.name IN (${sql.join(names)}))`;
}

/**
 * The people of a mailing's audience: subscribed, always, with an email, no hard bounce nor
 * complaint; then the organizer's rules. Every rule narrows; nothing widens past "subscribed".
 */
export function audienceQuery(q: Q, organizationId: string, audience: Audience): SelectQueryBuilder<Database, 'people', {}> {
  let query = q
    .selectFrom('people')
    .where('people.organization_id', '=', organizationId)
    .where('people.email_status', '=', 'subscribed')
    .where('people.email', 'is not', null)
    .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM mail_bounces b WHERE b.person_id = people.id AND b.kind IN ('hard', 'complaint'))`);
  if (audience.include_tags.length > 0) query = query.where(tagged(organizationId, audience.include_tags));
  if (audience.exclude_tags.length > 0) query = query.where(sql<boolean>`NOT ${tagged(organizationId, audience.exclude_tags)}`);
  if (audience.actions.length > 0) query = query.where((eb) => eb.or(audience.actions.map((a) => actionTaken(eb, organizationId, a))));
  for (const a of audience.exclude_actions) query = query.where((eb) => sql<boolean>`NOT ${actionTaken(eb, organizationId, a)}`);
  if (audience.languages.length > 0) {
    const langs = audience.languages;
    // People with no language read English.
    query = query.where((eb) => (langs.includes('en') ? eb.or([eb('people.language', 'in', langs), eb('people.language', 'is', null)]) : eb('people.language', 'in', langs)));
  }
  const zips = zipsOf(audience);
  if (zips) {
    query = zips.length === 0 ? query.where(sql<boolean>`1 = 0`) : query.where(sql<string>`substr(people.postal_code, 1, 5)`, 'in', zips).where((eb) => eb.or([eb('people.country', '=', 'US'), eb('people.country', 'is', null)]));
  }
  return query;
}

export async function countAudience(q: Q, organizationId: string, audience: Audience): Promise<number> {
  const row = await audienceQuery(q, organizationId, audience).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The organization's actions an audience can name, for the console's choices: `petition:<id>` and a label. */
export async function actionChoices(q: Q, organizationId: string): Promise<{ ref: string; label: string }[]> {
  const out: { ref: string; label: string }[] = [];
  for (const [type, source] of Object.entries(ACTION_SOURCES)) {
    const rows = await sql<{ id: string; title: string }>`SELECT id, title FROM ${sql.table(source.actions)} WHERE organization_id = ${organizationId} ORDER BY created_at DESC LIMIT 200`.execute(q);
    for (const r of rows.rows) out.push({ ref: `${type}:${r.id}`, label: `${source.verb} \u201c${r.title}\u201d` });
  }
  return out;
}
