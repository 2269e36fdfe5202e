import { zipcodes } from '../kits/places/zipcodes.ts';
import { DateTime } from 'luxon';
import { isCleanText, isValidEmail, normalizeEmail } from '../actions/people/normalize.ts';
import type { Audience } from './tables.ts';
import { ACTION_SOURCES } from './audience.ts';

// The checks of a mailing's fields, shared by the console and the API. Both are in English
// (organizers read them), so the errors are sentences, one per field.

export const LIMITS = { title: 200, subject: 200, preheader: 200, body: 100_000, senderName: 100, tags: 50, miles: 250 } as const;

export interface MailingInput {
  title: string;
  subject_en: string;
  preheader_en: string;
  body_en: string;
  subject_es: string;
  preheader_es: string;
  body_es: string;
  /** Other subjects to test, one per line, the Spanish ones in the same order. */
  test_subjects_en: string[];
  test_subjects_es: string[];
  test_share: string;
  test_wait_minutes: string;
  include_tags: string[];
  exclude_tags: string[];
  actions: string[];
  exclude_actions: string[];
  states: string[];
  near_zip: string;
  near_miles: string;
  languages: string[];
  sender_name: string;
  reply_to: string;
}

export interface MailingFields {
  title: string;
  subject_en: string;
  preheader_en: string;
  body_en: string;
  subject_es: string;
  preheader_es: string;
  body_es: string;
  test_subjects: { en: string; es: string }[];
  test_share: number;
  test_wait_minutes: number;
  audience: Audience;
  sender_name: string | null;
  reply_to: string | null;
}

export type MailingErrors = Partial<Record<keyof MailingInput, string>>;

const len = (s: string) => [...s].length;
const STATES = new Set(['AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME', 'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'PR', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY']);

function oneLine(errors: MailingErrors, field: keyof MailingInput, value: string, label: string, max: number, required = false) {
  if (required && value === '') errors[field] = `Enter ${label}.`;
  else if (len(value) > max) errors[field] = `${cap(label)} must be ${max} characters or fewer (it has ${len(value).toLocaleString('en-US')}).`;
  else if (!isCleanText(value)) errors[field] = `${cap(label)} contains a character that cannot be sent (a control character or a line break).`;
}
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Checks every field; `fields` only when all are right. Nothing is written here. */
export function checkMailing(input: MailingInput): { errors: MailingErrors; fields?: MailingFields } {
  const errors: MailingErrors = {};
  oneLine(errors, 'title', input.title, 'a name for the mailing (only organizers see it)', LIMITS.title, true);
  const hasEn = input.subject_en !== '' || input.body_en !== '';
  const hasEs = input.subject_es !== '' || input.body_es !== '';
  if (!hasEn && !hasEs) errors.subject_en = 'Enter the subject and the text of the English version, the Spanish one, or both.';
  for (const lang of ['en', 'es'] as const) {
    const name = lang === 'en' ? 'English' : 'Spanish';
    if (!(lang === 'en' ? hasEn : hasEs)) continue;
    oneLine(errors, `subject_${lang}`, input[`subject_${lang}`], `the ${name} subject`, LIMITS.subject, true);
    oneLine(errors, `preheader_${lang}`, input[`preheader_${lang}`], `the ${name} preheader`, LIMITS.preheader);
    const body = input[`body_${lang}`];
    if (body.trim() === '') errors[`body_${lang}`] = `Enter the text of the ${name} version.`;
    else if (len(body) > LIMITS.body) errors[`body_${lang}`] = `The ${name} text must be ${LIMITS.body.toLocaleString('en-US')} characters or fewer.`;
    else if (!isCleanText(body, true)) errors[`body_${lang}`] = `The ${name} text contains a control character that cannot be sent.`;
  }
  const tests = Math.max(input.test_subjects_en.length, input.test_subjects_es.length);
  if (tests > 3) errors.test_subjects_en = 'Test at most three other subjects (four in all).';
  else if (tests > 0) {
    if (hasEn && input.test_subjects_en.length !== tests) errors.test_subjects_en = 'Give an English subject for each Spanish one tested, in the same order.';
    if (hasEs && input.test_subjects_es.length !== tests) errors.test_subjects_es = 'Give a Spanish subject for each English one tested, in the same order.';
    for (const s of [...input.test_subjects_en, ...input.test_subjects_es]) {
      if (len(s) > LIMITS.subject || !isCleanText(s)) errors.test_subjects_en = `Each subject tested must be one line of ${LIMITS.subject} characters or fewer.`;
    }
  }
  const share = Number(input.test_share || '20');
  if (tests > 0 && (!Number.isInteger(share) || share < 2 * (tests + 1) || share > 50)) errors.test_share = `The share of the audience in the test must be a whole number from ${2 * (tests + 1)} to 50 (percent).`;
  const wait = Number(input.test_wait_minutes || '240');
  if (tests > 0 && (!Number.isInteger(wait) || wait < 10 || wait > 10_080)) errors.test_wait_minutes = 'The wait before the winner goes to the rest must be from 10 to 10,080 minutes (a week).';
  for (const field of ['include_tags', 'exclude_tags'] as const) {
    if (input[field].length > LIMITS.tags || input[field].some((t) => len(t) > 100 || !isCleanText(t))) errors[field] = `Tags are one line each, up to 100 characters, at most ${LIMITS.tags}.`;
  }
  for (const field of ['actions', 'exclude_actions'] as const) {
    if (input[field].length > 50 || input[field].some((a) => !/^[a-z_]+:[0-9a-f-]{36}$/.test(a) || !ACTION_SOURCES[a.split(':')[0]!])) errors[field] = 'Choose actions from the list.';
  }
  const states = input.states.map((s) => s.toUpperCase());
  if (states.some((s) => !STATES.has(s))) errors.states = 'States are two-letter US postal abbreviations (IL, TX …).';
  let near: Audience['near'] = null;
  if (input.near_zip !== '' || input.near_miles !== '') {
    const miles = Number(input.near_miles);
    if (!/^\d{5}$/.test(input.near_zip) || !zipcodes().lookup(input.near_zip)) errors.near_zip = 'Enter a five-digit US ZIP code we know, like 60605.';
    else if (!Number.isFinite(miles) || miles <= 0 || miles > LIMITS.miles) errors.near_miles = `Enter the distance in miles, from 1 to ${LIMITS.miles}.`;
    else near = { zip: input.near_zip, miles };
  }
  if (input.languages.some((l) => l !== 'en' && l !== 'es')) errors.languages = 'Languages are en and es.';
  oneLine(errors, 'sender_name', input.sender_name, 'the sender name', LIMITS.senderName);
  let replyTo: string | null = null;
  if (input.reply_to !== '') {
    replyTo = normalizeEmail(input.reply_to);
    if (!isValidEmail(replyTo) || !isCleanText(input.reply_to)) errors.reply_to = 'Enter the reply-to address like name@example.org.';
  }
  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    fields: {
      title: input.title,
      subject_en: hasEn ? input.subject_en : '',
      preheader_en: hasEn ? input.preheader_en : '',
      body_en: hasEn ? input.body_en : '',
      subject_es: hasEs ? input.subject_es : '',
      preheader_es: hasEs ? input.preheader_es : '',
      body_es: hasEs ? input.body_es : '',
      test_subjects: Array.from({ length: tests }, (_, i) => ({ en: input.test_subjects_en[i] ?? '', es: input.test_subjects_es[i] ?? '' })),
      test_share: tests > 0 ? share : 0,
      test_wait_minutes: tests > 0 ? wait : 0,
      audience: {
        include_tags: dedupe(input.include_tags),
        exclude_tags: dedupe(input.exclude_tags),
        actions: dedupe(input.actions),
        exclude_actions: dedupe(input.exclude_actions),
        states: dedupe(states),
        near,
        languages: dedupe(input.languages),
      },
      sender_name: input.sender_name || null,
      reply_to: replyTo,
    },
  };
}

const dedupe = (xs: string[]) => [...new Set(xs)];

export interface SettingsInput {
  sender_name: string;
  reply_to: string;
  postal_address: string;
  rate_per_second: string;
  daily_cap: string;
  click_counting: boolean;
  timezone: string;
}
export type SettingsErrors = Partial<Record<keyof SettingsInput, string>>;

export function checkSettings(input: SettingsInput): { errors: SettingsErrors; fields?: { sender_name: string; reply_to: string; postal_address: string; rate_per_second: number; daily_cap: number; click_counting: number; timezone: string } } {
  const errors: SettingsErrors = {};
  if (input.sender_name === '') errors.sender_name = 'Enter the name your emails come from, like your organization’s.';
  else if (len(input.sender_name) > LIMITS.senderName || !isCleanText(input.sender_name)) errors.sender_name = `The sender name is one line of ${LIMITS.senderName} characters or fewer.`;
  const replyTo = normalizeEmail(input.reply_to);
  if (!isValidEmail(replyTo) || !isCleanText(input.reply_to)) errors.reply_to = 'Enter the address replies go to, like info@example.org.';
  if (input.postal_address.trim() === '') errors.postal_address = 'Enter your postal address: the law asks for it in the footer of every mailing.';
  else if (len(input.postal_address) > 300 || !isCleanText(input.postal_address, true)) errors.postal_address = 'The postal address must be 300 characters or fewer.';
  const rate = Number(input.rate_per_second);
  if (!Number.isInteger(rate) || rate < 1 || rate > 10_000) errors.rate_per_second = 'The rate is a whole number of messages a second, from 1 to 10,000.';
  const capN = Number(input.daily_cap);
  if (!Number.isInteger(capN) || capN < 1 || capN > 10_000_000) errors.daily_cap = 'The daily cap is a whole number of messages, from 1 to 10,000,000.';
  if (!DateTime.local().setZone(input.timezone).isValid || !/^[A-Za-z_]+\/[A-Za-z_\/-]+$|^UTC$/.test(input.timezone)) errors.timezone = 'Enter a time zone like America/Chicago.';
  if (Object.keys(errors).length > 0) return { errors };
  return { errors, fields: { timezone: input.timezone, sender_name: input.sender_name, reply_to: replyTo, postal_address: input.postal_address.trim(), rate_per_second: rate, daily_cap: capN, click_counting: input.click_counting ? 1 : 0 } };
}
