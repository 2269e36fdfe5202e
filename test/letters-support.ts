import type { Harness } from './helpers.ts';
import { createLetterCampaign, replaceLetterTargets } from '../src/letters/index.ts';
import type { CampaignInput } from '../src/letters/fields.ts';
import type { TargetInput } from '../src/letters/targets.ts';
import { nowIso } from '../src/util/ids.ts';

export function campaignInput(over: Partial<CampaignInput> = {}): CampaignInput {
  return {
    title: 'Fund the library',
    description: 'The council votes **Tuesday**.',
    subject: 'Keep the library open',
    subject_editable: true,
    letter_opening: 'I live in your district and I use the library every week.',
    letter_body: 'Please vote to keep its hours.',
    body_editable: true,
    letter_closing: 'Thank you for your service.',
    body_max_length: 1000,
    ask_address: false,
    target_mode: 'fixed',
    hourly_cap: 60,
    window_start: '09:00',
    window_end: '17:00',
    time_zone: 'America/Chicago',
    status: 'open',
    ...over,
  };
}

export const target = (name: string, email: string, over: Partial<TargetInput> = {}): TargetInput => ({
  name, title: 'Council Member', organization: 'City Council', email, state: null, zipCodes: [], district: null, ...over,
});

/** A campaign with its targets of one kind (fixed, unless the campaign matches a list). */
export async function makeCampaign(h: Harness, orgId: string, over: Partial<CampaignInput> = {}, targets: TargetInput[] = [target('Ana Ruiz', 'ana.ruiz@council.example')], fallback?: TargetInput) {
  const c = await createLetterCampaign(h.ctx.database.db, orgId, campaignInput(over), nowIso());
  await replaceLetterTargets(h.ctx.database.db, c, c.target_mode === 'matched' ? 'listed' : 'fixed', targets, nowIso());
  if (fallback) await replaceLetterTargets(h.ctx.database.db, c, 'fallback', [fallback], nowIso());
  return c;
}

export const writer = (over: Record<string, string> = {}) => ({
  lang: 'en', given_name: 'Maya', family_name: 'Lee', email: 'maya@example.org', postal_code: '60605', country: 'US', ...over,
});
