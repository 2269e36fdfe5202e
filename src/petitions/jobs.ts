import type { Kysely } from 'kysely';
import './messages.ts';
import type { Database } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { isLanguage, translator } from '../i18n/index.ts';
import { confirmationToken, JOB_AUTORESPONSE, JOB_CONFIRMATION } from './service.ts';
import { findPetitionById, findSignature } from './repository.ts';
import { findPerson } from '../actions/people/repository.ts';
import { localized } from '../kits/pages/localized.ts';

export interface PetitionJobDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  secretKey: Buffer;
  baseUrl: string;
}

async function load(db: Kysely<Database>, signatureId: string) {
  const signature = await findSignature(db, signatureId);
  if (!signature) return null;
  const [petition, person] = await Promise.all([
    findPetitionById(db, signature.petition_id),
    findPerson(db, signature.organization_id, signature.person_id),
  ]);
  // An erased person has no email: nothing to send, and nothing to retry.
  if (!petition || !person?.email) return null;
  return { signature, petition, person };
}

/** The petition's emails. The Message-ID is derived from the signature, so a resend is recognizable. */
export function petitionJobHandlers(deps: PetitionJobDeps): Record<string, JobHandler> {
  const host = new URL(deps.baseUrl).hostname;
  return {
    [JOB_AUTORESPONSE]: async ({ signatureId }: { signatureId: string }) => {
      const loaded = await load(deps.db, signatureId);
      if (!loaded) return;
      const { signature, petition, person } = loaded;
      const lang = isLanguage(signature.language) ? signature.language : 'en';
      const t = translator(lang);
      const hello = person.given_name ? t('mail.hello', { name: person.given_name }) : t('mail.hello_anon');
      // The signer's version of the title (the language they signed in).
      const title = localized(lang, petition.title, petition.title_es).text;
      await deps.mailer.send({
        to: person.email!,
        subject: t('mail.autoresponse.subject', { title }),
        text: `${hello}\n\n${t('mail.autoresponse.body', {
          title,
          url: `${deps.baseUrl}/petitions/${petition.slug}`,
          org: petition.organization_name,
        })}\n`,
        messageId: `<signature-${signature.id}.thanks@${host}>`,
        language: lang,
        organizationId: signature.organization_id,
      });
    },
    [JOB_CONFIRMATION]: async ({ signatureId }: { signatureId: string }, job) => {
      const loaded = await load(deps.db, signatureId);
      if (!loaded || loaded.signature.confirmed_at !== null) return;
      const { signature, petition, person } = loaded;
      const lang = isLanguage(signature.language) ? signature.language : 'en';
      const t = translator(lang);
      const hello = person.given_name ? t('mail.hello', { name: person.given_name }) : t('mail.hello_anon');
      // The signer's version of the title (the language they signed in).
      const title = localized(lang, petition.title, petition.title_es).text;
      const token = confirmationToken(deps.secretKey, signature.id);
      await deps.mailer.send({
        to: person.email!,
        subject: t('mail.confirm.subject', { title }),
        text: `${hello}\n\n${t('mail.confirm.body', {
          title,
          url: `${deps.baseUrl}/petitions/${petition.slug}/confirm/${signature.id}/${token}`,
          org: petition.organization_name,
        })}\n`,
        // A repeat signer may ask for the confirmation again: each request is its own message.
        messageId: `<signature-${signature.id}.confirm.${job.id}@${host}>`,
        language: lang,
        organizationId: signature.organization_id,
      });
    },
  };
}
