import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Form } from './tables.ts';
import type { Counter, UnitOfWork } from '../actions/unit-of-work.ts';
import { recordTaker, type Referral } from '../actions/core.ts';
import type { PersonInput } from '../actions/people/validate.ts';
import { setCustomFieldsInWork, type CustomFieldChanges } from '../people/index.ts';
import { newId } from '../util/ids.ts';
import { insertUnderFreeSlug, slugify } from '../util/slug.ts';
import type { ChallengeMode } from '../kits/pages/challenge.ts';
import * as repo from './repository.ts';
import { customFieldsOfAnswers, questionsOf, type Answers, type Question } from './questions.ts';

/** A form's count of submissions, moved once per batch. */
export const SUBMISSION_COUNT: Counter = { table: 'forms', column: 'submission_count' };

export const JOB_AUTORESPONSE = 'form.autoresponse';

/** Bounds on a form's own fields, the same for the console and the API. */
export const FORM_LIMITS = { title: 200, description: 20_000, slug: 60 } as const;

/** A closed form takes no submissions, from the public page or the API. */
export class FormClosedError extends Error {
  constructor(readonly formId: string) {
    super(`form ${formId} is closed and takes no more submissions`);
  }
}

export interface Submitting {
  person: PersonInput;
  /** Checked by `checkAnswers` against the form's questions. */
  answers: Answers;
  /** Other custom fields to set on the person (the API's `person.custom_fields`), already checked. */
  customFields?: CustomFieldChanges;
  optIn: boolean | null;
  optInWording: string;
  language: string;
  referral: Referral;
  tags?: string[];
  /** false when an API client asked for no autoresponse. */
  autoresponse?: boolean;
  clientKey?: string | null;
}

type SubmittableForm = Pick<Form, 'id' | 'organization_id' | 'status' | 'questions'>;

/**
 * Records a submission through the shared action core. As at Action Network, every submission
 * is kept (a form is a survey: someone may answer again, and each answer is its own record) and
 * counted, while the person is deduplicated by email; their custom fields take the latest
 * answers. Throws FormClosedError, before writing anything, when the form is closed.
 */
export async function submitForm(uow: UnitOfWork, form: SubmittableForm, s: Submitting): Promise<{ submissionId: string; personId: string }> {
  if (form.status !== 'open') throw new FormClosedError(form.id);
  const personId = await recordTaker(
    uow,
    { organizationId: form.organization_id, person: s.person, language: s.language, optIn: s.optIn, optInWording: s.optInWording, tags: s.tags },
    { type: 'form', id: form.id },
  );
  const questions: Question[] = questionsOf(form);
  const id = newId();
  await uow.ask(repo.submissionInsert, {
    id,
    form_id: form.id,
    organization_id: form.organization_id,
    person_id: personId,
    answers: JSON.stringify(s.answers),
    source: s.referral.source,
    referrer: s.referral.referrer,
    language: s.language,
    client_key: s.clientKey ?? null,
    created_at: uow.now,
    modified_at: uow.now,
  });
  await setCustomFieldsInWork(uow, form.organization_id, personId, { ...s.customFields, ...customFieldsOfAnswers(questions, s.answers) });
  uow.count(SUBMISSION_COUNT, form.id, 1);
  uow.raise('submission', form.organization_id, id);
  if (s.autoresponse !== false) uow.enqueue(JOB_AUTORESPONSE, { submissionId: id });
  return { submissionId: id, personId };
}

export interface FormFields {
  title: string;
  description: string;
  questions: Question[];
  status: 'open' | 'closed';
  slug?: string;
  origin_system?: string;
  /** The proof-of-work challenge on its page; `automatic` when not given. */
  challenge?: ChallengeMode;
  /** The Spanish versions (null: none); absent keeps them as they are. */
  title_es?: string | null;
  description_es?: string | null;
}

/** Creates a form under a free web address: its slug, or its title's, numbered when taken. */
export async function createForm(db: Kysely<Database>, organizationId: string, f: FormFields, now: string): Promise<Form> {
  const id = newId();
  const base = slugify(f.slug || f.title, 'form');
  await insertUnderFreeSlug(
    base,
    (slug) => repo.slugExists(db, slug),
    (slug) =>
      repo.insertFormUnlessSlugTaken(db, {
        id,
        organization_id: organizationId,
        slug,
        title: f.title,
        description: f.description,
        questions: JSON.stringify(f.questions),
        status: f.status,
        challenge: f.challenge ?? 'automatic',
        title_es: f.title_es ?? null,
        description_es: f.description_es ?? null,
        origin_system: f.origin_system ?? 'turnout',
        created_at: now,
        modified_at: now,
      }),
  );
  return (await repo.findForm(db, organizationId, id))!;
}

/** The columns of a form an organizer or an API client may change. */
export interface FormChanges {
  title?: string;
  description?: string;
  questions?: Question[];
  status?: 'open' | 'closed';
  slug?: string;
  origin_system?: string;
  challenge?: ChallengeMode;
  title_es?: string | null;
  description_es?: string | null;
}

/**
 * Writes the changes that differ from the form as it is; nothing differs, nothing is written
 * and `modified_at` stays. The caller drops the form's cached page (under its old and new slug).
 */
export async function updateForm(db: Kysely<Database>, form: Form, changes: FormChanges, now: string): Promise<{ form: Form; changed: string[] }> {
  const columns: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    const stored = key === 'questions' ? JSON.stringify(value) : (value as string | null);
    if (stored !== (form as unknown as Record<string, unknown>)[key]) columns[key] = stored;
  }
  const changed = Object.keys(columns);
  if (changed.length === 0) return { form, changed };
  await repo.updateForm(db, form.organization_id, form.id, { ...columns, modified_at: now });
  return { form: (await repo.findForm(db, form.organization_id, form.id))!, changed };
}

/** A web address chosen by an organizer: lower-case letters and digits in words joined by single hyphens. */
export function isValidSlug(slug: string): boolean {
  return slug.length <= FORM_LIMITS.slug && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug);
}
