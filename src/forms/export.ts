import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { csvText } from '../util/csv.ts';
import { submissionsForExport } from './repository.ts';
import { answersOf, answerText, questionsOf } from './questions.ts';
import type { Form } from './tables.ts';

/** Action Network's export columns for the person, then one column per question (its custom field), then the submission's. */
export const PERSON_COLUMNS = ['uuid', 'first_name', 'last_name', 'email', 'zip_code', 'can2_country', 'can2_subscription_status'] as const;
export const SUBMISSION_COLUMNS = ['source', 'referrer', 'language', 'created_at'] as const;

const PAGE = 1000;

/**
 * A form's submissions as CSV, oldest first, read a thousand at a time (each page its own
 * query, so no connection is held while a slow download drains) and written with the
 * output's backpressure. Questions are columns named by their custom field, in the form's order.
 */
export function submissionsCsv(db: Kysely<Database>, form: Pick<Form, 'id' | 'organization_id' | 'questions'>): Readable {
  const questions = questionsOf(form);
  async function* lines() {
    yield csvText([], [...PERSON_COLUMNS, ...questions.map((q) => q.field), ...SUBMISSION_COLUMNS]);
    let after: { created_at: string; id: string } | null = null;
    for (;;) {
      const rows = await submissionsForExport(db, form.organization_id, form.id, after, PAGE);
      if (rows.length === 0) return;
      yield csvText(
        rows.map((r) => {
          const answers = answersOf(r);
          return [
            `turnout:${r.id}`, r.given_name, r.family_name, r.email, r.postal_code, r.country, r.email_status,
            ...questions.map((q) => answerText(answers[q.id])),
            r.source, r.referrer, r.language, r.created_at,
          ];
        }),
      );
      const last = rows[rows.length - 1]!;
      after = { created_at: last.created_at, id: last.id };
      if (rows.length < PAGE) return;
    }
  }
  return Readable.from(lines());
}
