import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { linkToken } from './service.ts';
import { findOrganization } from '../orgs/repository.ts';
import { findUserByEmail } from './repository.ts';
import { translator, type MessageKey } from '../i18n/index.ts';
import './messages.ts';

export const JOB_INVITATION = 'account.invitation';
export const JOB_PASSWORD_RESET = 'account.password_reset';
export const JOB_SIGN_IN_LINK = 'account.sign_in_link';

export interface AccountJobDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  secretKey: Buffer;
  baseUrl: string;
}

/** Emails with one-time links. The link's token is made again from its id, so none is stored. */
export function accountJobHandlers(deps: AccountJobDeps): Record<string, JobHandler> {
  const host = new URL(deps.baseUrl).hostname;
  // In the language the account chose (its account page), else English: an invitee has no account yet.
  const send = async (linkId: string, kind: 'invitation' | 'reset' | 'sign_in') => {
    const link = await deps.db.selectFrom('account_links').selectAll().where('id', '=', linkId).executeTakeFirst();
    if (!link || link.used_at) return;
    const org = link.organization_id ? ((await findOrganization(deps.db, link.organization_id))?.name ?? '') : '';
    const url = `${deps.baseUrl}/admin/links/${link.id}/${linkToken(deps.secretKey, link.id)}`;
    const chosen = (await findUserByEmail(deps.db, link.email))?.language;
    const language = chosen === 'es' ? 'es' : 'en';
    const t = translator(language);
    await deps.mailer.send({
      to: link.email,
      subject: t(`account.${kind}.subject` as MessageKey, { org }),
      text: t(`account.${kind}.body` as MessageKey, { org, url }),
      messageId: `<link-${link.id}@${host}>`,
      language,
    });
  };
  return {
    [JOB_INVITATION]: async ({ linkId }: { linkId: string }) => send(linkId, 'invitation'),
    [JOB_PASSWORD_RESET]: async ({ linkId }: { linkId: string }) => send(linkId, 'reset'),
    [JOB_SIGN_IN_LINK]: async ({ linkId }: { linkId: string }) => send(linkId, 'sign_in'),
  };
}
