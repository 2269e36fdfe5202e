import { checkAnswers, FormClosedError, formCache, submitForm, type CachedForm } from '../forms/index.ts';
import { validatePerson } from '../actions/people/validate.ts';
import { cleanSource } from '../kits/pages/referral.ts';
import { guardSubmission } from '../kits/pages/form-guard.ts';
import { translator } from '../i18n/index.ts';
import { localized } from '../kits/pages/localized.ts';
import { consentFields, isOptIn, personFields, type EmbedKind, type FieldDef } from './kinds.ts';

/** A form in an embed: the same checks (`checkAnswers`), guard and `submitForm` as /forms/:slug. */
export const formKind: EmbedKind<CachedForm> = {
  type: 'form',
  segment: 'forms',
  capability: 'forms',
  load: (ctx, slug) => formCache(ctx).get(slug),
  isOpen: (f) => f.status === 'open',
  closedText: (_f, t) => t('forms.closed'),
  count: (f) => f.submission_count,
  countText: (f, t) => t('forms.count', { count: f.submission_count }),
  summary: () => [],
  heading: (_f, t) => t('forms.heading'),
  submitLabel: (_f, t) => t('forms.submit'),
  // Each question in the reader's version (src/forms/README.md); a choice's value stays the main-language option.
  fields: (f, t, lang) => [
    ...personFields(t, t('forms.email_hint')),
    ...f.questions.map((q): FieldDef => {
      const label = localized(lang, q.label, q.label_es).text;
      const hint = localized(lang, q.hint ?? '', q.hint_es).text;
      const choice = (o: string, i: number) => ({ value: o, label: localized(lang, o, q.options_es?.[i]).text });
      const base = { name: `q_${q.id}`, label: q.required ? label : `${label} ${t('forms.optional')}`, hint: hint || undefined, required: q.required };
      switch (q.kind) {
        case 'short_text':
          return { ...base, type: 'text', maxlength: 255 };
        case 'long_text':
          return { ...base, type: 'textarea', maxlength: 5000 };
        case 'checkbox':
          return { ...base, type: 'checkbox', value: 'yes' };
        case 'one_choice':
          return { ...base, type: 'radios', options: q.options.map(choice) };
        case 'choices':
          return { ...base, type: 'checkboxes', options: q.options.map(choice) };
      }
    }),
    ...consentFields(t, f.organization_name, []),
  ],
  thanks: (f, t) => ({ title: t('forms.thanks.title'), body: t('forms.thanks.body', { title: f.title }) }),

  async submit(form, { ctx, request, reply, body, site, refuse }) {
    const closed = { status: 'closed', message: request.t('forms.closed') } as const;
    if (form.status !== 'open') return closed;
    const { person, errors } = validatePerson(body);
    // Only this form's questions are read, as on the form's page.
    const { answers, errors: answerErrors } = checkAnswers(form.questions, (q) => body[`q_${q.id}`], request.lang);
    const allErrors = { ...errors, ...answerErrors };
    if (Object.keys(allErrors).length > 0) return { status: 'invalid', errors: allErrors };
    const guard = await guardSubmission(ctx, request, reply, form, person.email, refuse);
    if (!guard) return { status: 'refused' };
    try {
      await ctx.committer.submit(
        (uow) =>
          submitForm(uow, { id: form.id, organization_id: form.organization_id, status: form.status, questions: form.questions_json }, {
            person,
            answers,
            optIn: isOptIn(body.opt_in),
            optInWording: translator(request.lang)('form.opt_in', { org: form.organization_name }),
            language: request.lang,
            referral: { source: cleanSource(body.source), referrer: site },
            clientKey: guard.clientKey,
          }),
        { sideBySide: true },
      );
    } catch (error) {
      if (error instanceof FormClosedError) return closed;
      throw error;
    }
    return { status: 'done', variant: 'sent' };
  },
};
