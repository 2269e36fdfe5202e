import type { FastifyReply, FastifyRequest } from 'fastify';
import './messages.ts';
import type { Context } from '../context.ts';
import type { Language, MessageKey, Translate } from '../i18n/index.ts';
import type { FieldErrors } from '../actions/people/validate.ts';
import { countryCodes } from '../actions/people/normalize.ts';
import type { ChallengeMode } from '../kits/pages/challenge.ts';
import type { GuardRefusal } from '../kits/pages/form-guard.ts';

// What the embeds need of one action type: find it by slug, describe its form, count, and take
// a submission through the same checks and service as its own page. One adapter per type
// (petition-kind.ts, event-kind.ts); the routes name no action type.

/** One field of an embedded form, as the script draws it and the iframe page renders it. */
export interface FieldDef {
  name: string;
  label: string;
  /** `radios` and `checkboxes` are a group of `options` under one name (a form's choice questions). */
  type: 'text' | 'email' | 'textarea' | 'select' | 'checkbox' | 'radios' | 'checkboxes';
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  inputmode?: string;
  maxlength?: number;
  /** A checkbox's value (`yes`, a partner's id). */
  value?: string;
  options?: { value: string; label: string }[];
  /** The select's chosen option. */
  selected?: string;
}

/** What every action type shares, as the embed routes see it. */
export interface EmbedAction {
  id: string;
  organization_id: string;
  organization_name: string;
  slug: string;
  title: string;
  /** The title's Spanish version, if it has one: a frame shows the reader's (src/kits/pages/localized.ts). */
  title_es?: string | null;
  challenge: ChallengeMode;
}

/** How a submission ended: field errors, closed, answered by the guard (block list, strict limit), or done. */
export type Outcome =
  | { status: 'invalid'; errors: FieldErrors }
  | { status: 'closed'; message: string }
  | { status: 'refused' }
  | { status: 'done'; variant: string };

/** A submission as the embed routes pass it on: the body, who sent it, and the listed site it came from. */
export interface Submission {
  ctx: Context;
  request: FastifyRequest;
  reply: FastifyReply;
  body: Record<string, unknown>;
  /** The listed origin of the page the form was embedded in, kept as the action's referrer. */
  site: string | null;
  refuse?: GuardRefusal;
}

export interface EmbedKind<A extends EmbedAction = EmbedAction> {
  /** `petition`: the `data-turnout-petition` attribute and the API's action type. */
  type: 'petition' | 'event' | 'form';
  /** The public path segment: `/petitions/:slug`, `/embed/petitions/:slug`. */
  segment: 'petitions' | 'events' | 'forms';
  /** The capability that owns the action type: its embeds are served only while it is mounted. */
  capability: string;
  load(ctx: Context, slug: string): Promise<A | undefined>;
  /** Whether it takes submissions now. */
  isOpen(action: A): boolean;
  /** Why not, in the reader's language, when it is not open. */
  closedText(action: A, t: Translate): string;
  count(action: A): number;
  /** "12 signatures", "5 people going". */
  countText(action: A, t: Translate): string;
  /** A line under the title: the petition's targets, the event's time and place. */
  summary(action: A, t: Translate, lang: Language): string[];
  heading(action: A, t: Translate): string;
  submitLabel(action: A, t: Translate): string;
  fields(action: A, t: Translate, lang: Language): FieldDef[];
  submit(action: A, s: Submission): Promise<Outcome>;
  /** The thank-you of a `done` outcome's variant (`accepted`, `waitlisted` …); an unknown variant gets the first. */
  thanks(action: A, t: Translate, variant: string): { title: string; body: string };
}

/** A field error's text, as the action's page says it. */
export function errorMessage(t: Translate, e: { key: MessageKey; values?: Record<string, string | number> }): string {
  const values = { ...e.values };
  if (typeof values.field === 'string') values.field = t(values.field as MessageKey);
  const text = t(e.key, values);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The person fields every action form asks, as form-parts.tsx draws them on the action's page. */
export function personFields(t: Translate, emailHint: string): FieldDef[] {
  return [
    { name: 'given_name', label: t('form.given_name'), type: 'text', required: true, autocomplete: 'given-name', maxlength: 100 },
    { name: 'family_name', label: t('form.family_name'), type: 'text', required: true, autocomplete: 'family-name', maxlength: 100 },
    { name: 'email', label: t('form.email'), type: 'email', hint: emailHint, required: true, autocomplete: 'email', maxlength: 254 },
    { name: 'postal_code', label: t('form.postal_code'), type: 'text', required: true, autocomplete: 'postal-code', maxlength: 20 },
  ];
}

/** The opt-in box and one share box per accepted partner, unticked. */
export function consentFields(t: Translate, organization: string, partners: { id: string; name: string }[]): FieldDef[] {
  return [
    { name: 'opt_in', label: t('form.opt_in', { org: organization }), type: 'checkbox', value: 'yes' },
    ...partners.map((p): FieldDef => ({ name: 'share', label: t('form.share', { org: p.name }), type: 'checkbox', value: p.id })),
  ];
}

const countries = new Map<Language, { value: string; label: string }[]>();

/** The country select, named in the reader's language, the United States first (as CountryField). */
export function countryField(t: Translate, lang: Language): FieldDef {
  let options = countries.get(lang);
  if (!options) {
    const names = new Intl.DisplayNames([lang], { type: 'region' });
    const collator = new Intl.Collator(lang);
    options = countryCodes()
      .map((code) => ({ value: code, label: names.of(code) ?? code }))
      .sort((a, b) => (a.value === 'US' ? -1 : b.value === 'US' ? 1 : collator.compare(a.label, b.label)));
    countries.set(lang, options);
  }
  return { name: 'country', label: t('form.country'), type: 'select', autocomplete: 'country', options, selected: 'US' };
}

export const isOptIn = (v: unknown) => v === 'yes' || v === 'on' || v === 'true' || v === true;
