import type { Kysely } from 'kysely';
import './messages.ts';
import type { Database } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { isLanguage, translator, type Language } from '../i18n/index.ts';
import { findAttendance, findEventById } from '../events/index.ts';
import { hostToken } from '../events/index.ts';
import { findPerson } from '../actions/people/repository.ts';
import { findOrganization } from '../orgs/repository.ts';
import { findCampaign, hostLanguage } from './repository.ts';
import { reviewDigestHandlers } from './review-digest.ts';
import { hostEmailToken, JOB_HOST_APPROVED, JOB_HOST_CONFIRM, JOB_HOST_MESSAGE, JOB_HOST_NEW_LINK, JOB_HOST_REJECTED } from './service.ts';

export interface EventCampaignJobDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  secretKey: Buffer;
  baseUrl: string;
}

/**
 * Emails to hosts (confirm your address, your event is live with its private link, it was not
 * accepted, here is a new link) and hosts' messages to their attendees. Each Message-ID is
 * derived from what it is about, so a resend after a crash is recognizably the same message.
 */
export function eventCampaignJobHandlers(deps: EventCampaignJobDeps): Record<string, JobHandler> {
  const host = new URL(deps.baseUrl).hostname;

  async function load(eventId: string) {
    const event = await findEventById(deps.db, eventId);
    if (!event?.host_email) return null;
    const [org, campaign] = await Promise.all([
      findOrganization(deps.db, event.organization_id),
      event.campaign_id ? findCampaign(deps.db, event.organization_id, event.campaign_id) : undefined,
    ]);
    return { event, org: org?.name ?? '', campaign: campaign?.title ?? event.title, campaignSlug: campaign?.slug ?? null };
  }

  async function languageOf(organizationId: string, eventId: string): Promise<Language> {
    const lang = await hostLanguage(deps.db, organizationId, eventId);
    return isLanguage(lang) ? lang : 'en';
  }

  const hello = (lang: Language, name: string | null) => (name ? translator(lang)('mail.hello', { name }) : translator(lang)('mail.hello_anon'));

  return {
    ...reviewDigestHandlers(deps),
    [JOB_HOST_CONFIRM]: async ({ eventId, language }: { eventId: string; language?: string }) => {
      const loaded = await load(eventId);
      if (!loaded || loaded.event.host_email_confirmed_at || loaded.event.status !== 'pending' || !loaded.campaignSlug) return;
      const { event } = loaded;
      const lang = isLanguage(language) ? language : 'en';
      const t = translator(lang);
      const url = `${deps.baseUrl}/event_campaigns/${loaded.campaignSlug}/host/confirm/${event.id}/${hostEmailToken(deps.secretKey, event.id)}`;
      await deps.mailer.send({
        to: event.host_email!,
        subject: t('mail.host_confirm.subject', { title: event.title }),
        text: `${hello(lang, event.host_name)}\n\n${t('mail.host_confirm.body', { title: event.title, campaign: loaded.campaign, url, org: loaded.org })}\n`,
        messageId: `<event-${event.id}.host-confirm@${host}>`,
        language: lang,
      });
    },

    [JOB_HOST_APPROVED]: async ({ eventId }: { eventId: string }) => {
      const loaded = await load(eventId);
      if (!loaded || loaded.event.status !== 'confirmed') return;
      const { event } = loaded;
      const lang = await languageOf(event.organization_id, event.id);
      const t = translator(lang);
      await deps.mailer.send({
        to: event.host_email!,
        subject: t('mail.host_approved.subject', { title: event.title }),
        text: `${hello(lang, event.host_name)}\n\n${t('mail.host_approved.body', {
          title: event.title,
          campaign: loaded.campaign,
          event_url: `${deps.baseUrl}/events/${event.slug}`,
          host_url: `${deps.baseUrl}/events/${event.slug}/host/${hostToken(deps.secretKey, event.id, event.host_link_version)}`,
          org: loaded.org,
        })}\n`,
        messageId: `<event-${event.id}.host-approved@${host}>`,
        language: lang,
      });
    },

    [JOB_HOST_REJECTED]: async ({ eventId }: { eventId: string }) => {
      const loaded = await load(eventId);
      if (!loaded || loaded.event.status !== 'rejected') return;
      const { event } = loaded;
      const lang = await languageOf(event.organization_id, event.id);
      const t = translator(lang);
      await deps.mailer.send({
        to: event.host_email!,
        subject: t('mail.host_rejected.subject', { title: event.title }),
        text: `${hello(lang, event.host_name)}\n\n${t('mail.host_rejected.body', { title: event.title, campaign: loaded.campaign, org: loaded.org })}\n`,
        messageId: `<event-${event.id}.host-rejected@${host}>`,
        language: lang,
      });
    },

    [JOB_HOST_NEW_LINK]: async ({ eventId, version }: { eventId: string; version: number }) => {
      const loaded = await load(eventId);
      // A later revocation made this link old too: the job for the newer one sends that.
      if (!loaded || loaded.event.host_link_version !== version || loaded.event.status === 'rejected') return;
      const { event } = loaded;
      const lang = await languageOf(event.organization_id, event.id);
      const t = translator(lang);
      await deps.mailer.send({
        to: event.host_email!,
        subject: t('mail.host_new_link.subject', { title: event.title }),
        text: `${hello(lang, event.host_name)}\n\n${t('mail.host_new_link.body', {
          title: event.title,
          host_url: `${deps.baseUrl}/events/${event.slug}/host/${hostToken(deps.secretKey, event.id, version)}`,
          org: loaded.org,
        })}\n`,
        messageId: `<event-${event.id}.host-link-${version}@${host}>`,
        language: lang,
      });
    },

    [JOB_HOST_MESSAGE]: async (p: { eventId: string; attendanceId: string; messageId: string; subject: string; body: string }) => {
      const attendance = await findAttendance(deps.db, p.attendanceId);
      // Someone who cancelled since the host wrote no longer gets the host's messages.
      if (!attendance || attendance.event_id !== p.eventId || attendance.status !== 'accepted') return;
      const [event, person] = await Promise.all([findEventById(deps.db, p.eventId), findPerson(deps.db, attendance.organization_id, attendance.person_id)]);
      if (!event || !person?.email) return;
      const org = (await findOrganization(deps.db, event.organization_id))?.name ?? '';
      const lang: Language = isLanguage(attendance.language) ? attendance.language : 'en';
      const t = translator(lang);
      await deps.mailer.send({
        to: person.email,
        subject: p.subject,
        text: `${p.body}\n\n-- \n${t('mail.host_message.footer', { title: event.title, host: event.host_name ?? '', org, url: `${deps.baseUrl}/events/${event.slug}` })}\n`,
        messageId: `<host-message-${p.messageId}.${attendance.id}@${host}>`,
        language: lang,
        // Answers go to the host, who wrote it; an erased host's message has no one to answer.
        ...(event.host_email ? { replyTo: event.host_name ? `"${event.host_name.replace(/["\\\r\n]/g, '')}" <${event.host_email}>` : event.host_email } : {}),
      });
    },
  };
}
