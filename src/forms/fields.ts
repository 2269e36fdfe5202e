import { hasVisibleText, isCleanText } from '../actions/people/normalize.ts';
import { isChallengeMode } from '../kits/pages/challenge.ts';
import { FORM_LIMITS, isValidSlug, type FormFields } from './service.ts';
import { checkQuestions, type QuestionErrors, type QuestionInput } from './questions.ts';

/** A form as an organizer or an API client gave it, before it is checked. */
export interface FormInput {
  title: string;
  slug?: string;
  description: string;
  status: string;
  questions: QuestionInput[];
  /** The proof-of-work challenge's mode (`off`, `automatic`, `always`); absent keeps the default or the form's. */
  challenge?: string;
}

/** What is wrong with a form's own fields, by field, then its questions' (`0.label`), in English: the console's and the API's language. */
export type FormErrors = Record<string, string> & QuestionErrors;

/**
 * Checks a form's fields: the title, the web address, the Markdown description, the status and
 * the questions (`checkQuestions`). Returns the fields ready to store, or the errors.
 */
export function checkForm(input: FormInput): { fields: FormFields | null; errors: FormErrors } {
  const errors: FormErrors = {};
  const title = input.title.trim();
  if (!title) errors.title = 'Enter a title';
  else if (!isCleanText(title) || !hasVisibleText(title)) errors.title = 'The title contains line breaks, control or invalid characters';
  else if (title.length > FORM_LIMITS.title) errors.title = `The title must be ${FORM_LIMITS.title} characters or fewer`;
  const slug = (input.slug ?? '').trim();
  if (slug && !isValidSlug(slug)) errors.slug = `The web address is lower-case letters and digits in words joined by hyphens, up to ${FORM_LIMITS.slug} characters`;
  const description = input.description.replace(/\r\n?/g, '\n').trim();
  if (!isCleanText(description, true)) errors.description = 'The description contains control or invalid characters';
  else if (description.length > FORM_LIMITS.description) errors.description = `The description must be ${FORM_LIMITS.description} characters or fewer`;
  if (input.status !== 'open' && input.status !== 'closed') errors.status = 'Choose open or closed';
  if (input.challenge !== undefined && !isChallengeMode(input.challenge)) errors.challenge = 'Choose off, automatic or always';
  const { questions, errors: questionErrors } = checkQuestions(input.questions);
  Object.assign(errors, questionErrors);
  if (Object.keys(errors).length > 0) return { fields: null, errors };
  return { fields: { title, description, status: input.status as 'open' | 'closed', questions, ...(slug ? { slug } : {}), ...(input.challenge !== undefined && isChallengeMode(input.challenge) ? { challenge: input.challenge } : {}) }, errors };
}
