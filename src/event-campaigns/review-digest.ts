import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { UnitOfWork } from '../actions/unit-of-work.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { PERMISSIONS } from '../accounts/policy.ts';
import { findOrganization } from '../orgs/repository.ts';
import { insertJobs } from '../jobs/repository.ts';
import { renderEmail } from '../kits/mail/layout.ts';
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

const when = (e: { start_at: string; timezone: string }) =>
  new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: e.timezone, timeZoneName: 'short' }).format(new Date(e.start_at));

// Markdown's own characters in a title typed by a host are shown as they are.
const plain = (v: string) => v.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);

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
      const next = nextDigest(now.slice(0, 10) === day ? now : `${day}T${String(DIGEST_HOUR_UTC).padStart(2, '0')}:00:00.000Z`);
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
      const byCampaign = new Map<string, { title: string; events: typeof waiting }>();
      for (const e of waiting) {
        const c = byCampaign.get(e.campaign_id) ?? { title: e.campaign_title, events: [] };
        c.events.push(e);
        byCampaign.set(e.campaign_id, c);
      }
      // The console is in English for now, and so are the emails to organizers.
      const parts = [`${waiting.length === 1 ? 'One event is' : `${waiting.length}${waiting.length === 200 ? ' or more' : ''} events are`} waiting for your review: its host confirmed their email, and it goes on the map when an organizer approves it.`];
      for (const [id, c] of byCampaign) {
        parts.push(`## ${plain(c.title)}`);
        parts.push(c.events.map((e) => `- ${plain(e.title)}, ${plain(when(e))}, ${e.online ? 'online' : plain([e.locality, e.region].filter(Boolean).join(', '))}${e.host_name ? `, hosted by ${plain(e.host_name)}` : ''}`).join('\n'));
        parts.push(`[Review these events](${deps.baseUrl}/admin/event-campaigns/${id}/moderation)`);
      }
      const mail = renderEmail(
        { organization: org.name, lang: 'en', preheader: `${waiting.length} waiting for review`, footer: ['You get this digest as an organizer who can approve events. It is sent only on days when events wait.'] },
        parts.join('\n\n'),
      );
      await deps.mailer.send({
        to: to.email,
        subject: `Events waiting for review: ${waiting.length}`,
        text: mail.text,
        html: mail.html,
        messageId: `<review-digest-${organizationId}.${day}.${userId}@${host}>`,
        language: 'en',
      });
    },
  };
}
