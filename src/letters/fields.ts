import type { FieldErrors } from '../actions/people/validate.ts';
import { isCleanText } from '../actions/people/normalize.ts';
import { isClockTime, isTimeZone } from './pacing.ts';
import type { LetterCampaign, TargetMode } from './tables.ts';
import { inLanguage, type InLanguage } from '../kits/pages/localized.ts';
import type { Language } from '../i18n/index.ts';
import { parseClosesAt } from '../actions/closing-time.ts';
import { translator } from '../i18n/index.ts';
import type { en as messages } from './messages.ts';
import './messages.ts';
import { checkSpanishVersion } from '../actions/spanish-version.ts';

// The field checks of a campaign (the console and the API share them, each saying them its own
// way) and of the letter a supporter sends (the public form and the API).

export const CAMPAIGN_LIMITS = {
  title: 200, slug: 60, description: 20_000, subject: 200, part: 20_000,
  bodyMax: 20_000, bodyMin: 100, cap: 3600, originSystem: 200,
} as const;

/** A campaign as typed, before its checks. */
export interface CampaignInput {
  title: string;
  slug?: string;
  description: string;
  subject: string;
  subject_editable: boolean;
  letter_opening: string;
  letter_body: string;
  body_editable: boolean;
  letter_closing: string;
  body_max_length: number;
  ask_address: boolean;
  target_mode: TargetMode;
  hourly_cap: number;
  window_start: string;
  window_end: string;
  time_zone: string;
  status: 'open' | 'closed';
  origin_system?: string;
  /** The closing time as typed (a day, or a day and a time in UTC); '' or null: none; absent: left as it is. */
  closes_at?: string | null;
  /** The Spanish versions of the campaign's words ('' or null: none); absent: left as they are. */
  title_es?: string | null;
  description_es?: string | null;
  subject_es?: string | null;
  letter_opening_es?: string | null;
  letter_body_es?: string | null;
  letter_closing_es?: string | null;
}

/** The Spanish fields of a campaign, each with the English field it translates. */
export const SPANISH_FIELDS = ['title_es', 'description_es', 'subject_es', 'letter_opening_es', 'letter_body_es', 'letter_closing_es'] as const;
export type SpanishField = (typeof SPANISH_FIELDS)[number];

/** What is wrong with a campaign's fields, in English, by field (the console and the API say these). */
export type CampaignErrors = Partial<Record<keyof CampaignInput, string>>;

function oneLine(errors: CampaignErrors, field: keyof CampaignInput, label: string, value: string, max: number, required: boolean) {
  if (!value.trim()) {
    if (required) errors[field] = `Enter ${label}`;
  } else if (!isCleanText(value)) errors[field] = `${cap(label)} must be one line, without control characters`;
  else if (value.length > max) errors[field] = `${cap(label)} must be ${max.toLocaleString('en-US')} characters or fewer (it has ${value.length.toLocaleString('en-US')})`;
}

function longText(errors: CampaignErrors, field: keyof CampaignInput, label: string, value: string, max: number, required: boolean) {
  if (!value.trim()) {
    if (required) errors[field] = `Enter ${label}`;
  } else if (!isCleanText(value, true)) errors[field] = `${cap(label)} contains control characters: remove them`;
  else if (value.length > max) errors[field] = `${cap(label)} must be ${max.toLocaleString('en-US')} characters or fewer (it has ${value.length.toLocaleString('en-US')})`;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replace(/^(a|an|the) /i, (m) => m);

type LetterEditKey = Extract<keyof typeof messages, `letteredit.error.${string}`>;
const english = translator('en');

/** A Spanish version ('' or null: none; absent: kept as stored), '\r\n' read as '\n' and trimmed as the English fields are. */
export function spanishValue(raw: string | null | undefined): string | null | undefined {
  if (raw === undefined) return undefined;
  const v = (raw ?? '').replace(/\r\n?/g, '\n').trim();
  return v === '' ? null : v;
}

/** A Spanish version: optional, with the same bounds as the English field it translates; the message in English (messages.ts has it in Spanish too). */
function spanish(errors: CampaignErrors, field: SpanishField, raw: string | null | undefined, max: number, oneLineOnly: boolean, name: string): string | null | undefined {
  const { value, error } = checkSpanishVersion(raw, max, oneLineOnly);
  if (error) errors[field] = english(`letteredit.error.${name}_es_${error.problem}` as LetterEditKey, error.problem === 'too_long' ? { max: error.max, count: error.count } : undefined);
  return value;
}

/** Checks a campaign; an empty result means it can be saved. */
export function checkCampaign(c: CampaignInput): CampaignErrors {
  const errors: CampaignErrors = {};
  oneLine(errors, 'title', 'a title', c.title, CAMPAIGN_LIMITS.title, true);
  if (c.slug !== undefined && c.slug !== '') {
    if (c.slug.length > CAMPAIGN_LIMITS.slug) errors.slug = `The web address must be ${CAMPAIGN_LIMITS.slug} characters or fewer`;
    else if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(c.slug)) errors.slug = 'The web address can only contain lower-case letters, numbers and single hyphens, like write-the-council';
  }
  longText(errors, 'description', 'the description', c.description, CAMPAIGN_LIMITS.description, false);
  oneLine(errors, 'subject', 'the letter\u2019s subject', c.subject, CAMPAIGN_LIMITS.subject, true);
  longText(errors, 'letter_opening', 'the opening', c.letter_opening, CAMPAIGN_LIMITS.part, false);
  longText(errors, 'letter_body', 'the letter\u2019s body', c.letter_body, CAMPAIGN_LIMITS.part, !c.body_editable);
  longText(errors, 'letter_closing', 'the closing', c.letter_closing, CAMPAIGN_LIMITS.part, false);
  if (!Number.isInteger(c.body_max_length) || c.body_max_length < CAMPAIGN_LIMITS.bodyMin || c.body_max_length > CAMPAIGN_LIMITS.bodyMax) {
    errors.body_max_length = `The longest message must be a whole number from ${CAMPAIGN_LIMITS.bodyMin} to ${CAMPAIGN_LIMITS.bodyMax.toLocaleString('en-US')}`;
  } else if (!errors.letter_body && c.letter_body.length > c.body_max_length) {
    errors.letter_body = `The letter\u2019s body has ${c.letter_body.length.toLocaleString('en-US')} characters, more than the longest message supporters may send (${c.body_max_length.toLocaleString('en-US')}): shorten it or raise the limit`;
  }
  if (!c.body_editable && !c.letter_body.trim() && !c.letter_opening.trim()) errors.letter_body = 'Enter the letter\u2019s body';
  if (c.target_mode !== 'fixed' && c.target_mode !== 'matched') errors.target_mode = 'Choose whom the letters go to: a fixed list, or a target list matched by state or ZIP code';
  if (!Number.isInteger(c.hourly_cap) || c.hourly_cap < 1 || c.hourly_cap > CAMPAIGN_LIMITS.cap) errors.hourly_cap = `The hourly limit must be a whole number from 1 to ${CAMPAIGN_LIMITS.cap.toLocaleString('en-US')}`;
  if (!isClockTime(c.window_start)) errors.window_start = 'Enter when sending starts as HH:MM, like 09:00';
  if (!isClockTime(c.window_end)) errors.window_end = 'Enter when sending stops as HH:MM, like 17:00 (24:00 for midnight)';
  else if (!errors.window_start && c.window_end <= c.window_start) errors.window_end = 'Sending must stop after it starts, on the same day (like 09:00 to 17:00)';
  if (!isTimeZone(c.time_zone)) errors.time_zone = 'Enter a time zone like America/New_York';
  if (c.status !== 'open' && c.status !== 'closed') errors.status = 'Choose whether the campaign is open or closed';
  if (typeof c.closes_at === 'string' && c.closes_at.trim() && !parseClosesAt(c.closes_at)) {
    errors.closes_at = 'Enter the closing time as a day, like 2026-06-30, or a day and a time in UTC, like 2026-06-30T17:00';
  }
  spanish(errors, 'title_es', c.title_es, CAMPAIGN_LIMITS.title, true, 'title');
  spanish(errors, 'description_es', c.description_es, CAMPAIGN_LIMITS.description, false, 'description');
  spanish(errors, 'subject_es', c.subject_es, CAMPAIGN_LIMITS.subject, true, 'subject');
  spanish(errors, 'letter_opening_es', c.letter_opening_es, CAMPAIGN_LIMITS.part, false, 'opening');
  const bodyEs = spanish(errors, 'letter_body_es', c.letter_body_es, CAMPAIGN_LIMITS.part, false, 'body');
  if (bodyEs && !errors.letter_body_es && !errors.body_max_length && bodyEs.length > c.body_max_length) {
    errors.letter_body_es = english('letteredit.error.body_es_over_limit', { max: c.body_max_length, count: bodyEs.length });
  }
  spanish(errors, 'letter_closing_es', c.letter_closing_es, CAMPAIGN_LIMITS.part, false, 'closing');
  if (c.origin_system !== undefined) oneLine(errors, 'origin_system', 'the origin system', c.origin_system, CAMPAIGN_LIMITS.originSystem, true);
  return errors;
}

/** The campaign's own words, each with its Spanish version beside it (migration 024). */
const TEXTS = ['title', 'description', 'subject', 'letter_opening', 'letter_body', 'letter_closing'] as const;
type CampaignText = (typeof TEXTS)[number];

/**
 * The campaign in the reader's language: its words in their version (src/kits/pages/localized.ts),
 * `langs` naming those shown in the other one. The page, the letter's checks and its defaults all
 * read this one, so the letter a supporter sends is the one their form showed.
 */
export function campaignInLanguage<C extends Pick<LetterCampaign, CampaignText | `${CampaignText}_es`>>(lang: Language, campaign: C): InLanguage<C, CampaignText> {
  return inLanguage(lang, campaign, TEXTS);
}

/** A campaign's locked and editable parts, as the letter checks need them. */
export interface LetterRules {
  subject: string;
  subject_editable: number;
  letter_opening: string;
  letter_body: string;
  body_editable: number;
  letter_closing: string;
  body_max_length: number;
}

/** What a supporter sent for the letter: the fields as posted (absent when the form had none). */
export interface LetterInput {
  subject?: unknown;
  body?: unknown;
  letter_opening?: unknown;
  letter_closing?: unknown;
}

const normalized = (v: string) => v.replace(/\r\n?/g, '\n').trim();

/**
 * The letter a supporter sends: the subject and body they may edit, within the organizer's
 * limits. A locked part sent changed is an error, not silently replaced: the supporter must
 * know the letter goes as written. Text is kept as typed (HTML included): it is sent and shown
 * as plain text.
 */
export function checkLetter(rules: LetterRules, input: LetterInput): { subject: string; body: string; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const str = (v: unknown) => (typeof v === 'string' ? normalized(v) : undefined);
  const locked = (field: string, sent: string | undefined, text: string) => {
    if (sent !== undefined && sent !== normalized(text)) errors[field] = { key: 'letter.error.locked' };
  };
  locked('letter_opening', str(input.letter_opening), rules.letter_opening);
  locked('letter_closing', str(input.letter_closing), rules.letter_closing);
  let subject = rules.subject;
  const sentSubject = str(input.subject);
  if (rules.subject_editable !== 1) locked('subject', sentSubject, rules.subject);
  else if (sentSubject !== undefined) {
    subject = sentSubject;
    if (!subject) errors.subject = { key: 'letter.error.subject_required' };
    else if (!isCleanText(subject)) errors.subject = { key: 'form.error.invalid_text', values: { field: 'letter.subject' } };
    else if (subject.length > CAMPAIGN_LIMITS.subject) errors.subject = { key: 'letter.error.subject_too_long', values: { max: CAMPAIGN_LIMITS.subject } };
  }
  let body = rules.letter_body;
  const sentBody = str(input.body);
  if (rules.body_editable !== 1) locked('body', sentBody, rules.letter_body);
  else if (sentBody !== undefined) {
    body = sentBody;
    if (!body) errors.body = { key: 'letter.error.body_required' };
    else if (!isCleanText(body, true)) errors.body = { key: 'form.error.invalid_text', values: { field: 'letter.body' } };
    else if (body.length > rules.body_max_length) errors.body = { key: 'letter.error.body_too_long', values: { max: rules.body_max_length, count: body.length } };
  }
  return { subject, body, errors };
}
