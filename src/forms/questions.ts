import { randomBytes } from 'node:crypto';
import type { FieldErrors } from '../actions/people/validate.ts';
import { hasVisibleText, isCleanText } from '../actions/people/normalize.ts';
import { checkCustomFieldName } from '../people/index.ts';
import { translator, type Language } from '../i18n/index.ts';
import { localized, type Localized } from '../kits/pages/localized.ts';
import './messages.ts';

// A form's questions, what an organizer may make of them, and what a supporter's answers must
// be. The console and the API check questions with `checkQuestions`; the public page and the
// record submission helper check answers with `checkAnswers`.

export const QUESTION_KINDS = ['short_text', 'long_text', 'one_choice', 'choices', 'checkbox'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export interface Question {
  /** Short and stable across edits: the answers and the page's field (`q_<id>`) name it. */
  id: string;
  kind: QuestionKind;
  label: string;
  hint: string;
  required: boolean;
  /** The choices offered (one choice, several choices); empty for the other kinds. */
  options: string[];
  /** The person's custom field the answer is stored in. */
  field: string;
  /**
   * The Spanish versions (src/kits/pages/localized.ts), absent when there are none (as in
   * questions stored before them). `options_es` has one text per option, in the same order: it
   * is only what a Spanish reader sees; the value sent and stored stays the option in `options`.
   */
  label_es?: string;
  hint_es?: string;
  options_es?: string[];
}

/** An answer: a text, or the choices ticked (several choices). A ticked checkbox is `yes`. */
export type Answer = string | string[];
export type Answers = Record<string, Answer>;

export const QUESTION_LIMITS = { questions: 30, label: 300, hint: 500, options: 30, option: 200, shortAnswer: 255, longAnswer: 5000 } as const;

/** A kind as an organizer reads it (messages.ts, `forms.kind.*`), like "Several choices" for `choices`. */
export const kindLabel = (kind: QuestionKind, lang: Language = 'en'): string => translator(lang)(`forms.kind.${kind}`);

/** The kinds' names in English, the console's language. */
export const KIND_LABELS = Object.fromEntries(QUESTION_KINDS.map((k) => [k, kindLabel(k)])) as Record<QuestionKind, string>;

/** The kinds to choose from, as one sentence's list: "Short text, Long text, … or A checkbox". */
const kindList = (lang: Language) => new Intl.ListFormat(lang, { type: 'disjunction' }).format(QUESTION_KINDS.map((k) => kindLabel(k, lang)));

const hasOptions = (kind: QuestionKind) => kind === 'one_choice' || kind === 'choices';
const ID = /^[a-z0-9]{1,16}$/;

/** The questions stored on a form; anything unreadable is left out. */
export function questionsOf(form: { questions: string }): Question[] {
  try {
    const parsed: unknown = JSON.parse(form.questions);
    return Array.isArray(parsed) ? parsed.filter((q): q is Question => typeof q?.id === 'string' && QUESTION_KINDS.includes(q?.kind)) : [];
  } catch {
    return [];
  }
}

/** The custom field a label suggests: its words in lower case ASCII, joined by underscores. */
export function fieldSlug(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60)
    .replace(/_+$/, '');
}

/** A question as an organizer or an API client gave it, before it is checked. */
export interface QuestionInput {
  id?: string;
  kind?: string;
  label?: string;
  hint?: string;
  required?: boolean;
  options?: string[];
  field?: string;
  /** The Spanish versions; empty or null for none. */
  label_es?: string | null;
  hint_es?: string | null;
  options_es?: string[] | null;
}

/** What is wrong with each question, by position and part (`0.label`), in English (the console's and the API's language). */
export type QuestionErrors = Record<string, string>;

const clean = (v: string | undefined) => (v ?? '').replace(/\r\n?/g, '\n').trim();

/**
 * Checks an organizer's questions and makes them ready to store: an id for a new question, the
 * custom field defaulting to the label's slug (numbered when two labels give the same), the
 * options of the choice kinds. Errors are keyed `<position>.<part>`.
 */
export function checkQuestions(inputs: readonly QuestionInput[], lang: Language = 'en'): { questions: Question[]; errors: QuestionErrors } {
  const errors: QuestionErrors = {};
  const t = translator(lang);
  if (inputs.length > QUESTION_LIMITS.questions) errors.questions = `A form has at most ${QUESTION_LIMITS.questions} questions`;
  const ids = new Set<string>();
  const fields = new Set<string>();
  const questions: Question[] = [];
  inputs.slice(0, QUESTION_LIMITS.questions).forEach((q, i) => {
    const kind = QUESTION_KINDS.find((k) => k === q.kind);
    if (!kind) errors[`${i}.kind`] = translator(lang)('forms.edit.error.kind', { n: i + 1, kinds: kindList(lang) });
    const label = clean(q.label);
    if (!label) errors[`${i}.label`] = `Question ${i + 1}: enter the question`;
    else if (!isCleanText(label) || !hasVisibleText(label)) errors[`${i}.label`] = `Question ${i + 1}: the question contains line breaks, control or invalid characters`;
    else if (label.length > QUESTION_LIMITS.label) errors[`${i}.label`] = `Question ${i + 1}: the question must be ${QUESTION_LIMITS.label} characters or fewer`;
    const hint = clean(q.hint);
    if (hint && !isCleanText(hint)) errors[`${i}.hint`] = `Question ${i + 1}: the hint contains line breaks, control or invalid characters`;
    else if (hint.length > QUESTION_LIMITS.hint) errors[`${i}.hint`] = `Question ${i + 1}: the hint must be ${QUESTION_LIMITS.hint} characters or fewer`;
    const withOptions = kind !== undefined && hasOptions(kind);
    const typed = withOptions ? (q.options ?? []).map((o) => clean(o)).filter(Boolean) : [];
    const typedEs = withOptions ? (q.options_es ?? []).map((o) => clean(o)).filter(Boolean) : [];
    // The Spanish choices pair with the English ones line by line as typed; a repeated English
    // choice is then dropped with its Spanish one.
    const options: string[] = [];
    const optionsEs: string[] = [];
    typed.forEach((o, j) => {
      if (options.includes(o)) return;
      options.push(o);
      if (typedEs[j] !== undefined) optionsEs.push(typedEs[j]);
    });
    if (withOptions) {
      if (options.length < 2) errors[`${i}.options`] = `Question ${i + 1}: offer at least two choices, one per line`;
      else if (options.length > QUESTION_LIMITS.options) errors[`${i}.options`] = `Question ${i + 1}: offer at most ${QUESTION_LIMITS.options} choices`;
      else if (options.some((o) => !isCleanText(o) || o.length > QUESTION_LIMITS.option)) {
        errors[`${i}.options`] = `Question ${i + 1}: each choice is one line of at most ${QUESTION_LIMITS.option} characters`;
      }
    }
    const es = checkSpanish(q, i, label, typed.length, typedEs, optionsEs, t);
    Object.assign(errors, es.errors);
    let field = clean(q.field);
    if (field) {
      const problem = checkCustomFieldName(field);
      if (problem) errors[`${i}.field`] = `Question ${i + 1}: the custom field ${problem === 'name_long' ? 'must be 255 characters or fewer' : 'contains line breaks or control characters'}`;
      else if (fields.has(field)) errors[`${i}.field`] = `Question ${i + 1}: another question already uses the custom field “${field}”`;
    } else {
      const base = fieldSlug(label) || `question_${i + 1}`;
      field = base;
      for (let n = 2; fields.has(field); n++) field = `${base}_${n}`;
    }
    fields.add(field);
    let id = typeof q.id === 'string' && ID.test(q.id) && !ids.has(q.id) ? q.id : '';
    while (!id || ids.has(id)) id = randomBytes(6).toString('hex').slice(0, 8);
    ids.add(id);
    questions.push({ id, kind: kind ?? 'short_text', label, hint, required: q.required === true, options, field, ...es.spanish });
  });
  return { questions, errors };
}

/**
 * A question's Spanish versions checked with the English ones' bounds: the label and the hint
 * one line each, and either a Spanish choice for every choice as typed (`typedCount`), or none.
 * Returns what to store (only the versions given) and the errors, keyed `<position>.<part>_es`.
 */
function checkSpanish(q: QuestionInput, i: number, label: string, typedCount: number, typedEs: string[], optionsEs: string[], t: ReturnType<typeof translator>) {
  const errors: QuestionErrors = {};
  const spanish: Pick<Question, 'label_es' | 'hint_es' | 'options_es'> = {};
  const n = i + 1;
  const labelEs = clean(q.label_es ?? '');
  if (labelEs && (!isCleanText(labelEs) || !hasVisibleText(labelEs))) errors[`${i}.label_es`] = t('forms.edit.error.label_es_invalid', { n });
  else if (labelEs.length > QUESTION_LIMITS.label) errors[`${i}.label_es`] = t('forms.edit.error.label_es_too_long', { n, max: QUESTION_LIMITS.label });
  else if (labelEs) spanish.label_es = labelEs;
  const hintEs = clean(q.hint_es ?? '');
  if (hintEs && !isCleanText(hintEs)) errors[`${i}.hint_es`] = t('forms.edit.error.hint_es_invalid', { n });
  else if (hintEs.length > QUESTION_LIMITS.hint) errors[`${i}.hint_es`] = t('forms.edit.error.hint_es_too_long', { n, max: QUESTION_LIMITS.hint });
  else if (hintEs) spanish.hint_es = hintEs;
  if (typedEs.length > 0) {
    const repeated = optionsEs.find((o, j) => optionsEs.indexOf(o) !== j);
    if (typedEs.length !== typedCount) errors[`${i}.options_es`] = t('forms.edit.error.options_es_count', { n, label: label || '…', options: typedCount, given: typedEs.length });
    else if (typedEs.some((o) => !isCleanText(o) || o.length > QUESTION_LIMITS.option)) errors[`${i}.options_es`] = t('forms.edit.error.options_es_invalid', { n, max: QUESTION_LIMITS.option });
    // Two choices a Spanish reader could not tell apart.
    else if (repeated !== undefined) errors[`${i}.options_es`] = t('forms.edit.error.options_es_repeated', { n, choice: repeated });
    else spanish.options_es = optionsEs;
  }
  return { errors, spanish };
}

/** A question as a reader sees it: each text in their language when it has one (`localized`), each choice's value the option itself. */
export interface QuestionShown {
  label: Localized;
  hint: Localized;
  options: { value: string; label: Localized }[];
}

export function questionInLanguage(reader: Language, q: Question): QuestionShown {
  const es = q.options_es && q.options_es.length === q.options.length ? q.options_es : undefined;
  return {
    label: localized(reader, q.label, q.label_es),
    hint: localized(reader, q.hint, q.hint_es),
    options: q.options.map((value, j) => ({ value, label: localized(reader, value, es?.[j]) })),
  };
}

/** A stored choice as a reader of `reader` reads it: its Spanish version when the form has one, else as it is (a choice since removed too). */
export function choiceInLanguage(reader: Language, q: Question, choice: string): string {
  return questionInLanguage(reader, q).options.find((o) => o.value === choice)?.label.text ?? choice;
}

/** A choice's text as a supporter's browser sends it back. */
const same = (a: string, b: string) => a.trim() === b.trim();

/**
 * Checks a supporter's answers to a form's questions: `raw(question)` is what they sent for it
 * (a text, a list of texts, or nothing). Errors are keyed by the question's field on the page
 * (`q_<id>`), as message keys with the question's label in `lang`. Unanswered optional questions are left
 * out of the answers.
 */
export function checkAnswers(questions: readonly Question[], raw: (q: Question) => unknown, lang: Language = 'en'): { answers: Answers; errors: FieldErrors } {
  const answers: Answers = {};
  const errors: FieldErrors = {};
  for (const q of questions) {
    const name = `q_${q.id}`;
    // The question as the supporter read it; the values accepted are the options in `options` whatever the language.
    const values = { label: localized(lang, q.label, q.label_es).text };
    const sent = raw(q);
    const list = (Array.isArray(sent) ? sent : sent === undefined || sent === null ? [] : [sent]).map((v) => (typeof v === 'string' ? v : null));
    if (list.includes(null)) {
      errors[name] = { key: 'forms.error.invalid', values };
      continue;
    }
    const texts = (list as string[]).map((v) => v.replace(/\r\n?/g, '\n').trim()).filter(Boolean);
    if (texts.length === 0) {
      if (q.required) errors[name] = { key: q.kind === 'checkbox' ? 'forms.error.tick' : q.kind === 'choices' || q.kind === 'one_choice' ? 'forms.error.choose' : 'forms.error.required', values };
      continue;
    }
    switch (q.kind) {
      case 'short_text':
      case 'long_text': {
        const long = q.kind === 'long_text';
        const max = long ? QUESTION_LIMITS.longAnswer : QUESTION_LIMITS.shortAnswer;
        const text = texts[0]!;
        if (texts.length > 1) errors[name] = { key: 'forms.error.invalid', values };
        else if (!isCleanText(text, long)) errors[name] = { key: 'forms.error.invalid_text', values };
        else if (text.length > max) errors[name] = { key: 'forms.error.too_long', values: { ...values, max } };
        else answers[q.id] = text;
        break;
      }
      case 'one_choice': {
        const choice = q.options.find((o) => same(o, texts[0]!));
        if (texts.length > 1 || !choice) errors[name] = { key: 'forms.error.not_offered', values };
        else answers[q.id] = choice;
        break;
      }
      case 'choices': {
        const chosen = texts.map((t) => q.options.find((o) => same(o, t)));
        if (chosen.some((c) => c === undefined)) errors[name] = { key: 'forms.error.not_offered', values };
        // In the order the form offers them, each once.
        else answers[q.id] = q.options.filter((o) => chosen.includes(o));
        break;
      }
      case 'checkbox': {
        if (texts.length > 1 || !['yes', 'on', 'true'].includes(texts[0]!.toLowerCase())) errors[name] = { key: 'forms.error.not_offered', values };
        else answers[q.id] = 'yes';
        break;
      }
    }
  }
  return { answers, errors };
}

/** Several choices in one custom field, as organizers read them in a sheet. */
export const CHOICES_SEPARATOR = '; ';

/** The custom fields the answers set on the person: each question's field, the answer as text. */
export function customFieldsOfAnswers(questions: readonly Question[], answers: Answers): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const q of questions) {
    const a = answers[q.id];
    if (a === undefined) continue;
    fields[q.field] = Array.isArray(a) ? a.join(CHOICES_SEPARATOR) : a;
  }
  return fields;
}

/** An answer as one cell of a table or a CSV. */
export function answerText(a: Answer | undefined): string {
  return a === undefined ? '' : Array.isArray(a) ? a.join(CHOICES_SEPARATOR) : a;
}

/** The answers stored on a submission (none once erased). */
export function answersOf(s: { answers: string | null }): Answers {
  if (!s.answers) return {};
  try {
    const parsed: unknown = JSON.parse(s.answers);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Answers) : {};
  } catch {
    return {};
  }
}
