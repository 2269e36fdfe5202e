import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { UnitOfWork } from '../actions/unit-of-work.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { PERMISSIONS } from '../accounts/policy.ts';
import { findOrganization } from '../orgs/repository.ts';
import { insertJobs } from '../jobs/repository.ts';
import { renderEmail } from '../kits/mail/layout.ts';
import { translator, type Language } from '../i18n/index.ts';
import './messages.ts';
import { newId } from '../util/ids.ts';
import { awaitingReviewInOrganization, jobExists, reviewersOf } from './digest-queries.ts';

// The organizers' daily digest of events waiting for review. There is no clock in the worker:
// the digest is a job queued for the next digest hour when an event starts waiting (a host
// confirmed their email, the API added a tentative event), once per organization and day; it
// queues one email per organizer who may decide (manage_actions), and tomorrow's digest while
// events still wait. A day with nothing waiting sends nothing.

export const JOB_REVIEW_DIGEST = 'event_campaign.review_digest';
export const JOB_REVIEW_DIGEST_MAIL = 'event_campaign.review_digest_mail';

/** The digest goes out at 14:00 UTC: 9 in the morning in Chicago, 10 in New York, 7 in Los Angeles. */
export const DIGEST_HOUR_UTC = 14;

/** The next digest time after `now`, and its day (`2026-06-07`). */
export function nextDigest(now: string): { runAt: string; day: string } {
  const at = new Date(now);
  const today = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), DIGEST_HOUR_UTC);
  const run = new Date(at.getTime() < today ? today : today + 86_400_000);
  return { runAt: run.toISOString(), day: run.toISOString().slice(0, 10) };
}

const digestPayload = (organizationId: string, day: string) => JSON.stringify({ organizationId, day });

/** Queues the organization's next digest unless it is queued already. */
export async function scheduleReviewDigest(uow: UnitOfWork, organizationId: string): Promise<void> {
  const { runAt, day } = nextDigest(uow.now);
  if (await jobExists(uow.trx, JOB_REVIEW_DIGEST, digestPayload(organizationId, day), ['pending', 'running'])) return;
  uow.enqueue(JOB_REVIEW_DIGEST, { organizationId, day }, { runAt, maxAttempts: 5 });
}

export interface ReviewDigestDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  baseUrl: string;
}

const when = (e: { start_at: string; timezone: string }, lang: Language) =>
  new Intl.DateTimeFormat(lang === 'es' ? 'es-US' : 'en-US', { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: e.timezone, timeZoneName: 'short' }).format(new Date(e.start_at));

// Markdown's own characters in a title typed by a host are shown as they are.
const plain = (v: string) => v.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);

/** The most events one digest lists; a digest that reaches it says "or more". */
const DIGEST_LIMIT = 200;

/**
 * The language of an organizer's digest: theirs when they chose one (their account page), else
 * their organization's, else English. Organizations have no language of their own yet.
 */
export function digestLanguage(stored: { organizer?: string | null; organization?: string | null } = {}): Language {
  for (const lang of [stored.organizer, stored.organization]) if (lang === 'en' || lang === 'es') return lang;
  return 'en';
}

type WaitingEvent = Awaited<ReturnType<typeof awaitingReviewInOrganization>>[number];

/** The digest's email in `lang`: the events waiting, by campaign, each campaign with the link to its moderation page. */
export function reviewDigestMail(lang: Language, organization: string, waiting: readonly WaitingEvent[], baseUrl: string): { subject: string; text: string; html: string } {
  const t = translator(lang);
  const byCampaign = new Map<string, { title: string; events: WaitingEvent[] }>();
  for (const e of waiting) {
    const c = byCampaign.get(e.campaign_id) ?? { title: e.campaign_title, events: [] };
    c.events.push(e);
    byCampaign.set(e.campaign_id, c);
  }
  const count = waiting.length;
  const parts = [t('digest.intro', { count, more: count >= DIGEST_LIMIT ? 'yes' : 'no' })];
  for (const [id, c] of byCampaign) {
    parts.push(`## ${plain(c.title)}`);
    parts.push(
      c.events
        .map((e) => `- ${plain(e.title)}, ${plain(when(e, lang))}, ${e.online ? t('digest.online') : plain([e.locality, e.region].filter(Boolean).join(', '))}${e.host_name ? `, ${plain(t('digest.hosted_by', { name: e.host_name }))}` : ''}`)
        .join('\n'),
    );
    parts.push(`[${t('digest.review')}](${baseUrl}/admin/event-campaigns/${id}/moderation)`);
  }
  const mail = renderEmail({ organization, lang, preheader: t('digest.preheader', { count }), footer: [t('digest.footer')] }, parts.join('\n\n'));
  return { subject: t('digest.subject', { count }), text: mail.text, html: mail.html };
}

export function reviewDigestHandlers(deps: ReviewDigestDeps): Record<string, JobHandler> {
  const host = new URL(deps.baseUrl).hostname;
  return {
    [JOB_REVIEW_DIGEST]: async ({ organizationId, day }: { organizationId: string; day: string }) => {
      const waiting = await awaitingReviewInOrganization(deps.db, organizationId, 1);
      if (waiting.length === 0) return;
      const reviewers = await reviewersOf(deps.db, organizationId, PERMISSIONS.manage_actions);
      const now = new Date().toISOString();
      const jobs = [];
      for (const r of reviewers) {
        const payload = JSON.stringify({ organizationId, userId: r.id, day });
        if (await jobExists(deps.db, JOB_REVIEW_DIGEST_MAIL, payload, ['pending', 'running', 'done'])) continue;
        jobs.push({ id: newId(), kind: JOB_REVIEW_DIGEST_MAIL, payload, status: 'pending' as const, attempts: 0, max_attempts: 8, run_at: now, locked_by: null, locked_until: null, last_error: null, created_at: now, finished_at: null });
      }
      // Tomorrow's digest, while events still wait; it sends nothing if they were decided meanwhile.
      // The one after this day's digest hour (a digest run before its hour, or late, still queues the next day's).
      const hour = `${day}T${String(DIGEST_HOUR_UTC).padStart(2, '0')}:00:00.000Z`;
      const next = nextDigest(now > hour ? now : hour);
      if (!(await jobExists(deps.db, JOB_REVIEW_DIGEST, digestPayload(organizationId, next.day), ['pending', 'running']))) {
        jobs.push({ id: newId(), kind: JOB_REVIEW_DIGEST, payload: digestPayload(organizationId, next.day), status: 'pending' as const, attempts: 0, max_attempts: 5, run_at: next.runAt, locked_by: null, locked_until: null, last_error: null, created_at: now, finished_at: null });
      }
      await insertJobs(deps.db, jobs);
    },

    // Built when it runs: an event decided since the digest was queued is not in it, and none left sends nothing.
    [JOB_REVIEW_DIGEST_MAIL]: async ({ organizationId, userId, day }: { organizationId: string; userId: string; day: string }) => {
      const [org, reviewers, waiting] = await Promise.all([
        findOrganization(deps.db, organizationId),
        reviewersOf(deps.db, organizationId, PERMISSIONS.manage_actions),
        awaitingReviewInOrganization(deps.db, organizationId),
      ]);
      const to = reviewers.find((r) => r.id === userId);
      if (!org || !to || waiting.length === 0) return;
      const lang = digestLanguage({ organizer: to.language });
      const mail = reviewDigestMail(lang, org.name, waiting, deps.baseUrl);
      await deps.mailer.send({
        to: to.email,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: `<review-digest-${organizationId}.${day}.${userId}@${host}>`,
        language: lang,
      });
    },
  };
}
