import type { Form, Submission } from '../tables.ts';
import { answersOf, questionsOf } from '../questions.ts';
import { apiUrl, identifiers, link } from '../../kits/api/hal.ts';

// A form and a submission as Action Network's resources (see src/kits/api/presenters.ts).

export function presentForm(baseUrl: string, f: Form) {
  const self = apiUrl(baseUrl, `/forms/${f.id}`);
  return {
    identifiers: identifiers(f.id),
    origin_system: f.origin_system,
    created_date: f.created_at,
    modified_date: f.modified_at,
    title: f.title,
    // Action Network's administrative name; turnout keeps one title.
    name: f.title,
    // Markdown (Action Network's is HTML).
    description: f.description,
    // The Spanish versions; null: the English text is shown to everyone.
    'turnout:title_es': f.title_es ?? null,
    'turnout:description_es': f.description_es ?? null,
    browser_url: `${baseUrl}/forms/${f.slug}`,
    total_submissions: f.submission_count,
    'turnout:status': f.status,
    // Each with its Spanish versions, null when it has none (questions stored before them too).
    'turnout:questions': questionsOf(f).map((q) => ({ ...q, label_es: q.label_es ?? null, hint_es: q.hint_es ?? null, options_es: q.options_es ?? null })),
    _links: {
      self: link(self),
      'osdi:submissions': link(`${self}/submissions`),
      'osdi:record_submission_helper': link(`${self}/submissions`),
    },
  };
}

type SubmissionRow = Pick<Submission, 'id' | 'form_id' | 'person_id' | 'answers' | 'source' | 'referrer' | 'created_at' | 'modified_at'>;

export function presentSubmission(baseUrl: string, s: SubmissionRow) {
  const form = apiUrl(baseUrl, `/forms/${s.form_id}`);
  return {
    identifiers: identifiers(s.id),
    origin_system: 'turnout',
    created_date: s.created_at,
    modified_date: s.modified_at,
    'action_network:person_id': s.person_id,
    'action_network:form_id': s.form_id,
    'action_network:referrer_data': { source: s.source, referrer: s.referrer },
    // By question id (the form's `turnout:questions`); empty once the person is erased.
    'turnout:answers': answersOf(s),
    _links: {
      self: link(`${form}/submissions/${s.id}`),
      'osdi:person': link(apiUrl(baseUrl, `/people/${s.person_id}`)),
      'osdi:form': link(form),
    },
  };
}
