import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { linkToken } from './service.ts';
import { findOrganization } from '../orgs/repository.ts';

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
  const send = async (linkId: string, subject: (org: string) => string, body: (url: string, org: string) => string) => {
    const link = await deps.db.selectFrom('account_links').selectAll().where('id', '=', linkId).executeTakeFirst();
    if (!link || link.used_at) return;
    const org = link.organization_id ? ((await findOrganization(deps.db, link.organization_id))?.name ?? '') : '';
    const url = `${deps.baseUrl}/admin/links/${link.id}/${linkToken(deps.secretKey, link.id)}`;
    await deps.mailer.send({ to: link.email, subject: subject(org), text: body(url, org), messageId: `<link-${link.id}@${host}>`, language: 'en' });
  };
  return {
    [JOB_INVITATION]: async ({ linkId }: { linkId: string }) =>
      send(
        linkId,
        (org) => `You are invited to ${org} on turnout`,
        (url, org) => `Hello,\n\nYou have been invited to help run ${org}'s campaigns on turnout.\n\nAccept the invitation (the link works for 7 days):\n${url}\n\nIf you did not expect this, ignore this email.\n`,
      ),
    [JOB_PASSWORD_RESET]: async ({ linkId }: { linkId: string }) =>
      send(
        linkId,
        () => 'Choose a new turnout password',
        (url) => `Hello,\n\nSomeone asked to reset the password of the turnout account for this address.\n\nChoose a new password (the link works once, for one hour):\n${url}\n\nIf it was not you, ignore this email: your password stays as it is.\n`,
      ),
    [JOB_SIGN_IN_LINK]: async ({ linkId }: { linkId: string }) =>
      send(linkId, () => 'Your turnout sign-in link', (url) => `Hello,\n\nSet your password and sign in (the link works once, for one hour):\n${url}\n`),
  };
}
