import type { Context, PersonRecords } from '../context.ts';
import { submissionsOfPerson } from './repository.ts';
import { answersOf, answerText, questionsOf } from './questions.ts';

/** A person's submissions: the lines of their page in the console, and the `submissions` of their export, with the answers. */
export async function submissionRecords(ctx: Context, organizationId: string, personId: string): Promise<PersonRecords> {
  const rows = await submissionsOfPerson(ctx.database.db, organizationId, personId);
  return {
    key: 'submissions',
    noun: { one: 'form submission', other: 'form submissions' },
    actions: rows.map((s) => ({
      id: s.id,
      label: `Filled in the form “${s.action_title}”`,
      comments: null,
      source: s.source,
      referrer: s.referrer,
      confirmed: null,
      created_at: s.created_at,
    })),
    exported: rows.map((s) => {
      const answers = answersOf(s);
      return {
        id: s.id,
        form: { id: s.action_id, title: s.action_title, slug: s.action_slug },
        // Each question as it reads now, with what they answered.
        answers: questionsOf({ questions: s.questions }).flatMap((q) => (answers[q.id] === undefined ? [] : [{ question: q.label, field: q.field, answer: answerText(answers[q.id]) }])),
        // Everything stored, by question id (a question since removed included).
        answers_stored: answers,
        source: s.source,
        referrer: s.referrer,
        language: s.language,
        client_key: s.client_key,
        created_at: s.created_at,
        modified_at: s.modified_at,
      };
    }),
  };
}
