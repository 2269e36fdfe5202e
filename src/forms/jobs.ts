import './messages.ts';
import { localized } from '../kits/pages/localized.ts';
import type { JobDeps } from '../context.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { isLanguage, translator } from '../i18n/index.ts';
import { renderEmail } from '../kits/mail/layout.ts';
import { organizationBrand } from '../orgs/brand.ts';
import { findPerson } from '../actions/people/repository.ts';
import { findFormById, findSubmission } from './repository.ts';
import { JOB_AUTORESPONSE } from './service.ts';
import { answersOf, choiceInLanguage, questionsOf } from './questions.ts';

/** Markdown's special characters in a supporter's or an organizer's own words, escaped. */
const md = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, (c) => `\\${c}`);

/**
 * The autoresponse: thanks, and a copy of the answers, in the organization's layout. The
 * Message-ID is derived from the submission, so a repeat of the job is the same message. A
 * submission gone or whose person was erased (no email) sends nothing.
 */
export function formJobHandlers(deps: JobDeps): Record<string, JobHandler> {
  const host = new URL(deps.baseUrl).hostname;
  return {
    [JOB_AUTORESPONSE]: async ({ submissionId }: { submissionId: string }) => {
      const submission = await findSubmission(deps.db, submissionId);
      if (!submission) return;
      const [form, person] = await Promise.all([findFormById(deps.db, submission.form_id), findPerson(deps.db, submission.organization_id, submission.person_id)]);
      if (!form || !person?.email) return;
      const lang = isLanguage(submission.language) ? submission.language : 'en';
      const t = translator(lang);
      // The form's title in the language the person answered in.
      const title = localized(lang, form.title, form.title_es).text;
      const brand = await organizationBrand(deps.db, form.organization_id);
      const answers = answersOf(submission);
      const lines = questionsOf(form).flatMap((q) => {
        const a = answers[q.id];
        if (a === undefined) return [];
        // The question and its choices as the person read them; the stored answer is the option itself.
        const chosen = (c: string) => choiceInLanguage(lang, q, c);
        const text = Array.isArray(a) ? a.map(chosen).join(', ') : q.kind === 'checkbox' ? t('forms.mail.yes') : q.kind === 'one_choice' ? chosen(a) : a;
        return [`**${md(localized(lang, q.label, q.label_es).text)}**\n${md(text).replace(/\n/g, '  \n')}`];
      });
      const hello = person.given_name ? t('mail.hello', { name: person.given_name }) : t('mail.hello_anon');
      const url = `${deps.baseUrl}/forms/${form.slug}`;
      const markdown = [md(hello), `${md(t('forms.mail.body', { title }))}`, ...lines, `[${md(title)}](${url})`].join('\n\n');
      const organization = brand.name || form.organization_name;
      const rendered = renderEmail({ organization, accent: brand.accent, lang, preheader: t('forms.thanks.body', { title }), footer: [t('forms.mail.footer', { org: organization })] }, markdown);
      await deps.mailer.send({
        to: person.email,
        subject: t('forms.mail.subject', { title }),
        text: rendered.text,
        html: rendered.html,
        messageId: `<submission-${submission.id}.thanks@${host}>`,
        language: lang,
        fromName: organization,
      });
    },
  };
}
