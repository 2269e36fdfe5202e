import type { Kysely } from 'kysely';
import './messages.ts';
import type { Database } from '../db/schema.ts';
import type { Mailer, OutgoingMail } from '../mail/mailer.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { isLanguage, translator } from '../i18n/index.ts';
import { localized } from '../kits/pages/localized.ts';
import { ensurePacers, JOB_PACE, JOB_QUEUED, paceTarget, recordOutcome } from './delivery.ts';
import { queuedTargetsOf, sendToWrite } from './delivery-repository.ts';
import { targetLabel } from './targets.ts';

export interface LetterJobDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  baseUrl: string;
  /** The clock the pacer reads: tests drive it; otherwise the time now. */
  now?: () => number;
}

type Written = NonNullable<Awaited<ReturnType<typeof sendToWrite>>>;

/** The language letter campaigns are written in (a campaign has no language of its own). */
const CAMPAIGN_LANGUAGE = 'en' as const;

/** One letter to one target, as it is emailed: the salutation, the organizer's opening, the supporter's words, the closing, the signature. */
export function letterMail(w: Written, baseUrl: string): OutgoingMail {
  // The frame (salutation, closing, "sent by") speaks the campaign's language, the one its
  // organizers wrote it in and its officials read: English, since a letter campaign names no
  // other. The page's language the supporter chose only changes the words around their form;
  // their own words go as they wrote them.
  const lang = CAMPAIGN_LANGUAGE;
  const t = translator(lang);
  // The organizer's locked opening and closing in the version the writer's form showed (the
  // language they wrote in): the letter goes as they saw it. Their subject and body are stored as sent.
  const shownIn = isLanguage(w.language) ? w.language : 'en';
  const opening = localized(shownIn, w.letter_opening, w.letter_opening_es).text;
  const closing = localized(shownIn, w.letter_closing, w.letter_closing_es).text;
  const writer = [w.given_name, w.family_name].filter(Boolean).join(' ') || w.writer_email!;
  const parts = [t('letter.dear', { name: targetLabel({ name: w.target_name, title: w.target_title }) }), opening, w.body ?? '', closing, `${t('letter.sincerely')}\n${w.signature ?? writer}`];
  const host = new URL(baseUrl).hostname;
  return {
    to: w.target_email,
    subject: w.subject ?? '',
    text: `${parts.filter((p) => p.trim()).join('\n\n')}\n\n-- \n${t('letter.sent_by', { org: w.organization_name, name: `${writer} <${w.writer_email}>` })}\n${baseUrl}/letters/${w.slug}\n`,
    // One letter per target per supporter: a resend after a crash is the same message.
    messageId: `<outreach-${w.outreach_id}.${w.target_id}@${host}>`,
    language: lang,
    replyTo: w.writer_email!,
    // A supporter's letter, not the organization's email: it goes as they wrote it.
    layout: false,
    fromName: `${writer} via ${w.organization_name}`.slice(0, 200),
  };
}

/**
 * The letters' jobs. `letter.queued` (one per outreach, queued with it) starts the pacers of
 * its targets; `letter.pace` is one run of a target's pacer (delivery.ts): it sends at most one
 * letter. Mail errors are recorded on the letter, never thrown: a bounce flags the target, any
 * other failure keeps the letter's place for a later slot.
 */
export function letterJobHandlers(deps: LetterJobDeps): Record<string, JobHandler> {
  const clock = deps.now ?? Date.now;
  return {
    [JOB_QUEUED]: async ({ outreachId }: { outreachId: string }) => {
      const targets = await queuedTargetsOf(deps.db, outreachId);
      if (targets.length > 0) await ensurePacers(deps.db, targets, clock());
    },
    [JOB_PACE]: async ({ targetId }: { targetId: string }, job) => {
      const step = await paceTarget(deps.db, targetId, job.id, clock());
      if (step.kind !== 'send') return;
      const written = await sendToWrite(deps.db, step.send.id);
      // The writer was erased (no email, no letter) or the letter was cancelled meanwhile: nothing goes.
      if (!written || !written.writer_email || written.body === null) {
        await recordOutcome(deps.db, step.send, { skipped: 'The writer was erased' }, clock());
        return;
      }
      try {
        await deps.mailer.send(letterMail(written, deps.baseUrl));
      } catch (error) {
        await recordOutcome(deps.db, step.send, { error }, clock());
        return;
      }
      await recordOutcome(deps.db, step.send, { sent: true }, clock());
    },
  };
}
