import { hasVisibleText, isCleanText } from '../actions/people/normalize.ts';
import { isChallengeMode } from '../kits/pages/challenge.ts';
import { checkSpanishVersion } from '../actions/spanish-version.ts';
import { FORM_LIMITS, isValidSlug, type FormFields } from './service.ts';
import { checkQuestions, type QuestionErrors, type QuestionInput } from './questions.ts';
import { translator, type Language } from '../i18n/index.ts';
import './messages.ts';

/** A form as an organizer or an API client gave it, before it is checked. */
export interface FormInput {
  title: string;
  slug?: string;
  description: string;
  status: string;
  questions: QuestionInput[];
  /** The proof-of-work challenge's mode (`off`, `automatic`, `always`); absent keeps the default or the form's. */
  challenge?: string;
  /** The Spanish versions ('' or null for none); absent keeps the stored ones. */
  titleEs?: string | null;
  descriptionEs?: string | null;
}

/** What is wrong with a form's own fields, by field, then its questions' (`0.label`): in English, the console's and the API's language, unless asked otherwise. */
export type FormErrors = Record<string, string> & QuestionErrors;

/**
 * Checks a form's fields: the title, the web address, the Markdown description, the status and
 * the questions (`checkQuestions`). Returns the fields ready to store, or the errors.
 */
export function checkForm(input: FormInput, lang: Language = 'en'): { fields: FormFields | null; errors: FormErrors } {
  const errors: FormErrors = {};
  const t = translator(lang);
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
  // The Spanish versions: optional, within the English one's bounds; '' and null store null.
  const spanish = (field: 'title_es' | 'description_es', raw: string | null | undefined, max: number, oneLine: boolean) => {
    const { value, error } = checkSpanishVersion(raw, max, oneLine);
    if (error) errors[field] = error.problem === 'too_long' ? t(`forms.edit.error.${field}_too_long`, { max }) : t(`forms.edit.error.${field}_invalid`);
    return value;
  };
  const titleEs = spanish('title_es', input.titleEs, FORM_LIMITS.title, true);
  const descriptionEs = spanish('description_es', input.descriptionEs, FORM_LIMITS.description, false);
  const { questions, errors: questionErrors } = checkQuestions(input.questions, lang);
  Object.assign(errors, questionErrors);
  if (Object.keys(errors).length > 0) return { fields: null, errors };
  return {
    fields: {
      title,
      description,
      status: input.status as 'open' | 'closed',
      questions,
      ...(slug ? { slug } : {}),
      ...(input.challenge !== undefined && isChallengeMode(input.challenge) ? { challenge: input.challenge } : {}),
      ...(titleEs === undefined ? {} : { title_es: titleEs }),
      ...(descriptionEs === undefined ? {} : { description_es: descriptionEs }),
    },
    errors,
  };
}
