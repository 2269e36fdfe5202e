import { apiUrl, identifiers, link } from '../../kits/api/hal.ts';
import type { Mailing } from '../tables.ts';
import { parseAudience } from '../audience.ts';

const STATUS: Record<Mailing['status'], string> = { draft: 'draft', scheduled: 'scheduled', sending: 'sending', waiting: 'sending', paused: 'paused', cancelled: 'cancelled', sent: 'sent' };

/** Counts of one message, all aggregate: nothing here says who. */
export interface MessageStatistics {
  sent: number;
  unsubscribed: number;
  bounced: number;
  spam_reports: number;
  clicked: number | null;
}

/** A mailing as Action Network's `message`; `targets` are tags, the Spanish version and audience rules under `turnout:`. */
export function presentMessage(baseUrl: string, m: Mailing, stats?: MessageStatistics) {
  const a = parseAudience(m.audience);
  const self = apiUrl(baseUrl, `/messages/${m.id}`);
  return {
    identifiers: identifiers(m.id),
    origin_system: m.origin_system,
    created_date: m.created_at,
    modified_date: m.modified_at,
    subject: m.subject_en || m.subject_es,
    body: m.body_en || m.body_es,
    from: m.sender_name,
    reply_to: m.reply_to,
    status: STATUS[m.status],
    sent_start_date: m.started_at,
    scheduled_start_date: m.scheduled_at,
    total_targeted: m.total_recipients,
    targets: a.include_tags.map((name) => ({ name, type: 'tag' })),
    statistics: stats ?? null,
    'turnout:title': m.title,
    'turnout:preheader': m.preheader_en,
    'turnout:body_format': 'markdown',
    'turnout:spanish': m.subject_es || m.body_es ? { subject: m.subject_es, preheader: m.preheader_es, body: m.body_es } : null,
    'turnout:exclude_tags': a.exclude_tags,
    _links: {
      self: link(self),
      'osdi:send_helper': link(`${self}/send`),
      'osdi:schedule_helper': link(`${self}/schedule`),
    },
  };
}
