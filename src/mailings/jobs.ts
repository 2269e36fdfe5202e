import path from 'node:path';
import './messages.ts';
import type { JobDeps } from '../context.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { JOB_CHUNK, JOB_PICK, JOB_START, JOB_TEST, MailingError, pickWinner } from './service.ts';
import { runChunk, startMailing, type SenderDeps } from './sender.ts';
import { renderVersion, subjectsOf, UNSUBSCRIBE_MARK, versionFor } from './compose.ts';
import * as repo from './repository.ts';

export function senderDeps(deps: JobDeps): SenderDeps {
  return {
    db: deps.db,
    postgres: /^postgres(ql)?:/.test(deps.config.databaseUrl),
    mailer: deps.mailer,
    secretKey: deps.secretKey,
    baseUrl: deps.baseUrl,
    mailFrom: deps.config.mailFrom,
    parallel: deps.config.mailingParallel ?? 1,
    ...(/^postgres(ql)?:/.test(deps.config.databaseUrl) ? {} : { ackDir: path.join(deps.config.dataDir, 'mailing-acks') }),
  };
}

/** The mailings' jobs: start, each link of the send chain, the subject test's winner, a test send. */
export function mailingJobHandlers(deps: JobDeps): Record<string, JobHandler> {
  const sender = senderDeps(deps);
  return {
    [JOB_START]: async ({ mailingId }: { mailingId: string }) => startMailing(sender, mailingId),
    [JOB_CHUNK]: async (payload: { mailingId: string; chunk: number; failures?: number }) => runChunk(sender, payload),
    // The wait is over and the organizer has not chosen: the subject with the most clicks (counted
    // per link and subject, never per person) wins; with no counts, the mailing's own subject.
    [JOB_PICK]: async ({ mailingId }: { mailingId: string }) => {
      const m = await repo.findMailingById(deps.db, mailingId);
      if (!m || m.status !== 'waiting' || m.test_winner !== null) return;
      const clicks = new Map<number, number>();
      for (const l of await repo.linksOf(deps.db, m.id)) if (l.variant >= 0) clicks.set(l.variant, (clicks.get(l.variant) ?? 0) + l.clicks);
      let winner = 0;
      for (const [variant, n] of clicks) if (n > (clicks.get(winner) ?? 0)) winner = variant;
      try {
        await pickWinner(deps.db, m, winner, new Date().toISOString());
      } catch (e) {
        if (!(e instanceof MailingError)) throw e;
      }
    },
    // Amazon SNS asks that its subscription be confirmed by opening the address it gave (checked in the webhook).
    'mailing.sns_confirm': async ({ url }: { url: string }) => {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`SNS subscription confirmation answered ${res.status}`);
    },
    // Each version (and each subject tested) to the organizer who asked, marked as a test.
    [JOB_TEST]: async ({ mailingId, to }: { mailingId: string; to: string }, job) => {
      const m = await repo.findMailingById(deps.db, mailingId);
      if (!m) return;
      const settings = await repo.findSettings(deps.db, m.organization_id);
      const organization = await repo.organizationName(deps.db, m.organization_id);
      const host = new URL(deps.baseUrl).hostname;
      const langs = [m.body_en.trim() ? 'en' : null, m.body_es.trim() ? 'es' : null].filter(Boolean) as string[];
      for (const lang of langs) {
        for (let variant = 0; variant < subjectsOf(m).length; variant++) {
          const v = versionFor(m, lang, variant);
          const body = renderVersion(organization, { postal_address: settings?.postal_address || '(your postal address goes here)' }, v);
          const link = `${deps.baseUrl}/admin/mailings/${m.id}`;
          await deps.mailer.send({
            to,
            subject: `[Test] ${v.subject}`,
            text: body.text.split(UNSUBSCRIBE_MARK).join(link),
            html: body.html.split(UNSUBSCRIBE_MARK).join(link),
            messageId: `<mailing-test-${job.id}.${lang}.${variant}@${host}>`,
            language: v.lang,
            fromName: m.sender_name ?? settings?.sender_name,
            replyTo: m.reply_to ?? settings?.reply_to,
          });
        }
      }
    },
  };
}
