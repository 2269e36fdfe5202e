import './messages.ts';
import type { JobDeps } from '../context.ts';
import { PermanentJobError, type JobHandler } from '../jobs/worker.ts';
import { isLanguage, translator } from '../i18n/index.ts';
import { findPerson } from '../actions/people/repository.ts';
import { formatMoney } from './money.ts';
import { JOB_CANCEL_SUBSCRIPTION, JOB_RECEIPT, linkToken } from './service.ts';
import { stripeClient } from './stripe.ts';
import * as repo from './repository.ts';
import { localized } from '../kits/pages/localized.ts';

/** Receipts, and cancelling a subscription at Stripe when the donor asked. Both safe to run twice. */
export function donationJobHandlers(deps: JobDeps): Record<string, JobHandler> {
  const host = new URL(deps.baseUrl).hostname;
  return {
    [JOB_RECEIPT]: async ({ donationId }: { donationId: string }) => {
      const gift = await repo.findDonation(deps.db, donationId);
      if (!gift || gift.processor === 'actblue') return;
      const [person, page, settings, recurring] = await Promise.all([
        findPerson(deps.db, gift.organization_id, gift.person_id),
        gift.fundraising_page_id ? repo.findPageById(deps.db, gift.fundraising_page_id) : undefined,
        repo.findSettings(deps.db, gift.organization_id),
        gift.recurring_id ? repo.findRecurring(deps.db, gift.recurring_id) : undefined,
      ]);
      // An erased person has no email: nothing to send, and nothing to retry.
      if (!person?.email) return;
      const lang = isLanguage(gift.language) ? gift.language : 'en';
      const t = translator(lang);
      const org = page?.organization_name ?? '';
      const amount = formatMoney(gift.amount_minor, gift.currency, lang);
      const date = new Intl.DateTimeFormat(lang === 'es' ? 'es-US' : 'en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(gift.created_at));
      const pledge = gift.status === 'pledged';
      // The page's title in the language the donor gave in.
      const title = page ? localized(lang, page.title, page.title_es).text : '';
      const lines = [
        person.given_name ? t('mail.hello', { name: person.given_name }) : t('mail.hello_anon'),
        '',
        pledge ? t('donation.receipt.pledge_body', { amount, org, title }) : t('donation.receipt.body', { amount, org, title }),
        '',
        `${t('donation.receipt.amount')}: ${amount}`,
        `${t('donation.receipt.date')}: ${date}`,
        `${t('donation.receipt.organization')}: ${org}`,
        `${t('donation.receipt.reference')}: ${gift.id}`,
      ];
      if (gift.fee_cover_minor > 0) lines.push(`${t('donation.receipt.fee_cover')}: ${formatMoney(gift.fee_cover_minor, gift.currency, lang)}`);
      if (!pledge && settings?.tax_wording) lines.push('', settings.tax_wording);
      if (recurring && recurring.status !== 'canceled') {
        lines.push('', t('donation.receipt.monthly'), `${deps.baseUrl}/fundraising/recurring/${recurring.id}/${linkToken(deps.secretKey, 'cancel', recurring.id)}`);
      }
      await deps.mailer.send({
        to: person.email,
        subject: pledge ? t('donation.receipt.pledge_subject', { org }) : t('donation.receipt.subject', { amount, org }),
        text: `${lines.join('\n')}\n`,
        messageId: `<donation-${gift.id}.receipt@${host}>`,
        language: lang,
        organizationId: gift.organization_id,
      });
    },
    [JOB_CANCEL_SUBSCRIPTION]: async ({ recurringId }: { recurringId: string }) => {
      const recurring = await repo.findRecurring(deps.db, recurringId);
      if (!recurring || recurring.processor !== 'stripe') return;
      const stripe = await stripeClient(deps.config.stripe);
      if (!stripe) throw new PermanentJobError('STRIPE_SECRET_KEY is not set: cancel the subscription in Stripe\'s dashboard');
      try {
        await stripe.subscriptions.cancel(recurring.processor_ref, {}, { idempotencyKey: `turnout-cancel-${recurring.id}` });
      } catch (error) {
        // Already canceled at Stripe (by the organizer, or an earlier run of this job): done.
        if ((error as { code?: string }).code === 'resource_missing') return;
        throw error;
      }
    },
  };
}
