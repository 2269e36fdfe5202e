import type { Harness } from './helpers.ts';
import { addTags } from '../src/actions/people/repository.ts';
import { newId, nowIso } from '../src/util/ids.ts';
import { checkMailing, type MailingInput } from '../src/mailings/fields.ts';
import { createMailing } from '../src/mailings/service.ts';

// Seeding for the mailings' tests: people written straight into the database (the forms are
// tested elsewhere), the organization's mail settings, and a mailing from a few fields.

export interface Seeded {
  id: string;
  email: string;
}

export async function addPerson(
  h: Harness,
  organizationId: string,
  o: { email: string; status?: 'subscribed' | 'unsubscribed'; language?: string | null; postalCode?: string | null; tags?: string[] },
): Promise<Seeded> {
  const db = h.ctx.database.db;
  const id = newId();
  const now = nowIso();
  await db
    .insertInto('people')
    .values({ id, organization_id: organizationId, email: o.email, given_name: null, family_name: null, postal_code: o.postalCode ?? null, country: o.postalCode ? 'US' : null, language: o.language ?? null, email_status: o.status ?? 'subscribed', created_at: now, modified_at: now })
    .execute();
  if (o.tags?.length) await addTags(db, organizationId, id, o.tags, now);
  return { id, email: o.email };
}

/** Many subscribed people in one statement per 500. */
export async function addPeople(h: Harness, organizationId: string, n: number, prefix = 'p'): Promise<void> {
  const db = h.ctx.database.db;
  const now = nowIso();
  for (let i = 0; i < n; i += 500) {
    const rows = Array.from({ length: Math.min(500, n - i) }, (_, j) => ({
      id: newId(), organization_id: organizationId, email: `${prefix}${i + j}@example.org`, given_name: null, family_name: null, postal_code: null, country: null,
      language: (i + j) % 3 === 0 ? 'es' : 'en', email_status: 'subscribed' as const, created_at: now, modified_at: now,
    }));
    await db.insertInto('people').values(rows).execute();
  }
}

export async function mailSettings(h: Harness, organizationId: string, over: Partial<{ rate_per_second: number; daily_cap: number; click_counting: number }> = {}) {
  await h.ctx.database.db
    .insertInto('mailing_settings')
    .values({ organization_id: organizationId, sender_name: 'Fair Trains', reply_to: 'hello@fairtrains.example', postal_address: '1 Main St, Springfield, IL 62701', rate_per_second: 10_000, daily_cap: 1_000_000, click_counting: 0, modified_at: nowIso(), ...over })
    .onConflict((oc) => oc.column('organization_id').doUpdateSet({ rate_per_second: over.rate_per_second ?? 10_000, daily_cap: over.daily_cap ?? 1_000_000, click_counting: over.click_counting ?? 0 }))
    .execute();
}

export const blankInput = (): MailingInput => ({
  title: 'Spring update', subject_en: 'Trains are coming', preheader_en: 'Good news', body_en: 'Hello **friends**.\n\n[Read more](https://fairtrains.example/news)',
  subject_es: '', preheader_es: '', body_es: '', test_subjects_en: [], test_subjects_es: [], test_share: '', test_wait_minutes: '',
  include_tags: [], exclude_tags: [], actions: [], exclude_actions: [], states: [], near_zip: '', near_miles: '', languages: [], sender_name: '', reply_to: '',
});

export async function newMailing(h: Harness, organizationId: string, over: Partial<MailingInput> = {}) {
  const { fields, errors } = checkMailing({ ...blankInput(), ...over });
  if (!fields) throw new Error(`bad mailing: ${JSON.stringify(errors)}`);
  return createMailing(h.ctx.database.db, organizationId, fields, { by: null, now: nowIso() });
}

export async function recipientStates(h: Harness, mailingId: string) {
  return h.ctx.database.db.selectFrom('mailing_recipients').select(['person_id', 'state', 'variant']).where('mailing_id', '=', mailingId).execute();
}
