import type { Kysely } from 'kysely';
import './messages.ts';
import type { Database } from '../db/schema.ts';
import type { JobDeps } from '../context.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { isLanguage, translator } from '../i18n/index.ts';
import { localized } from '../kits/pages/localized.ts';
import { findPerson } from '../actions/people/repository.ts';
import { confirmationToken, JOB_CONFIRMATION } from './service.ts';
import { findLetterById, findSignature } from './repository.ts';

async function load(db: Kysely<Database>, signatureId: string) {
  const signature = await findSignature(db, signatureId);
  if (!signature) return null;
  const [letter, person] = await Promise.all([findLetterById(db, signature.open_letter_id), findPerson(db, signature.organization_id, signature.person_id)]);
  // An erased person has no email: nothing to send, and nothing to retry.
  if (!letter || !person?.email) return null;
  return { signature, letter, person };
}

/** The open letters' email: the confirmation link. Its Message-ID is derived from the signature and the job. */
export function openLetterJobHandlers(deps: JobDeps): Record<string, JobHandler> {
  const host = new URL(deps.baseUrl).hostname;
  return {
    [JOB_CONFIRMATION]: async ({ signatureId }: { signatureId: string }, job) => {
      const loaded = await load(deps.db, signatureId);
      if (!loaded || loaded.signature.confirmed_at !== null) return;
      const { signature, letter, person } = loaded;
      const lang = isLanguage(signature.language) ? signature.language : 'en';
      const t = translator(lang);
      const hello = person.given_name ? t('mail.hello', { name: person.given_name }) : t('mail.hello_anon');
      const token = confirmationToken(deps.secretKey, signature.id);
      // The signer's version of the title (the language they signed in).
      const title = localized(lang, letter.title, letter.title_es).text;
      await deps.mailer.send({
        to: person.email!,
        subject: t('openletter.mail.confirm.subject', { title }),
        text: `${hello}\n\n${t('openletter.mail.confirm.body', {
          who: signature.org_name ?? t('openletter.mail.confirm.you'),
          title,
          url: `${deps.baseUrl}/open_letters/${letter.slug}/confirm/${signature.id}/${token}`,
          org: letter.organization_name,
        })}\n`,
        messageId: `<open-letter-signature-${signature.id}.confirm.${job.id}@${host}>`,
        language: lang,
        organizationId: signature.organization_id,
      });
    },
  };
}
