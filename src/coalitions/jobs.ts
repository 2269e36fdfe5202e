import type { JobDeps } from '../context.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { renderEmail } from '../kits/mail/layout.ts';
import { ownersOf, partnershipForEmail } from './repository.ts';
import { JOB_PARTNER_INVITATION } from './service.ts';

/** The noun of each partnered action type in the email ("the petition “…”"). */
const NOUNS: Record<string, string> = { petition: 'petition', event: 'event', donation: 'fundraising page', letter: 'letter campaign', open_letter: 'open letter' };

/** Markdown's special characters in an organization's or action's own words, escaped. */
const md = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, (c) => `\\${c}`);

/**
 * The invitation email to each owner of the invited organization: who invites them to what, and
 * where they answer. Sent only while the invitation still waits (an answer before the worker ran
 * sends nothing); the Message-ID names the partnership and the owner, so a repeat is the same mail.
 */
export function coalitionJobHandlers(deps: JobDeps): Record<string, JobHandler> {
  const host = new URL(deps.baseUrl).hostname;
  return {
    [JOB_PARTNER_INVITATION]: async ({ partnershipId, actionType, title }: { partnershipId: string; actionType: string; title: string }) => {
      const p = await partnershipForEmail(deps.db, partnershipId);
      if (!p || p.status !== 'invited') return;
      const what = `the ${NOUNS[actionType] ?? actionType.replace(/_/g, ' ')} “${title}”`;
      const answer = `${deps.baseUrl}/admin/partnerships`;
      const subject = `${p.sponsor_name} invites ${p.partner_name} to partner on ${what}`;
      const markdown = [
        `**${md(p.sponsor_name)}** invites **${md(p.partner_name)}** to be a partner on ${md(what)}.`,
        `As a partner you get your own link and box on the form: supporters who tick it join your list. The total is shared; neither organization sees the other's supporters.`,
        `[Answer the invitation](${answer}) from the Partnerships page of your console.`,
      ].join('\n\n');
      for (const owner of await ownersOf(deps.db, p.partner_organization_id)) {
        const rendered = renderEmail(
          { organization: p.sponsor_name, lang: 'en', preheader: `Accept or decline from your console.`, footer: [`You get this email because you are an owner of ${p.partner_name} on turnout.`] },
          markdown,
        );
        await deps.mailer.send({ to: owner.email, subject, text: rendered.text, html: rendered.html, messageId: `<partner-${p.id}-${owner.id}@${host}>`, language: 'en' });
      }
    },
  };
}
