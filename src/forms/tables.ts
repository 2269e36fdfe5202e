import type { ColumnType, Insertable, Selectable } from 'kysely';
import type { PersonalData } from '../context.ts';
import type { ChallengeMode } from '../kits/pages/challenge.ts';

// The forms' tables (migration 014_forms), merged into the core's `Database`.

export interface FormTable {
  id: string;
  organization_id: string;
  slug: string;
  title: string;
  /** Markdown, shown above the questions. */
  description: string;
  /** Spanish versions of the title and description (migration 021); null: the English one is shown to everyone (src/kits/pages/localized.ts). */
  title_es: ColumnType<string | null, string | null | undefined, string | null>;
  description_es: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON array of `Question` (src/forms/questions.ts). */
  questions: string;
  status: 'open' | 'closed';
  submission_count: ColumnType<number, number | undefined, number>;
  challenge: ColumnType<ChallengeMode, ChallengeMode | undefined, ChallengeMode>;
  origin_system: string;
  created_at: string;
  modified_at: string;
}

export interface SubmissionTable {
  id: string;
  form_id: string;
  organization_id: string;
  person_id: string;
  /** JSON object, question id to the answer (text, or a list of the choices ticked); null once the person is erased. */
  answers: string | null;
  source: string | null;
  referrer: string | null;
  language: string;
  /** A keyed hash of the submitter's address (src/kits/pages/client-key.ts); null from the API. */
  client_key: string | null;
  created_at: string;
  modified_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    forms: FormTable;
    submissions: SubmissionTable;
  }
}

export type Form = Selectable<FormTable>;
export type NewForm = Insertable<FormTable>;
export type Submission = Selectable<SubmissionTable>;
export type NewSubmission = Insertable<SubmissionTable>;

/** What each column holds, for erasure: a submission stays (and counts); what they answered goes. */
export const FORMS_PERSONAL_DATA: PersonalData = {
  forms: {
    rows: 'none',
    columns: {
      id: 'plain', organization_id: 'plain', slug: 'plain', title: 'plain', description: 'plain', questions: 'plain', status: 'plain',
      submission_count: 'plain', challenge: 'plain', origin_system: 'plain', created_at: 'plain', modified_at: 'plain',
      title_es: 'plain', description_es: 'plain',
    },
  },
  submissions: {
    rows: 'person_id',
    stamp: 'modified_at',
    columns: {
      id: 'plain', form_id: 'plain', organization_id: 'plain', created_at: 'plain', modified_at: 'plain',
      person_id: { erase: 'keep', why: 'links the kept submission to the emptied person row, so the count stays' },
      answers: { erase: 'clear' },
      source: { erase: 'clear', why: 'the link they came through can tell who sent it to them' },
      referrer: { erase: 'clear' },
      language: { erase: 'keep', why: 'not null, one of the site\u2019s languages: says nothing about who answered' },
      client_key: { erase: 'clear', why: 'a keyed hash of the connection they answered from' },
    },
  },
};
