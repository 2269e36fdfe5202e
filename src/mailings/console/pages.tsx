import { escapeHtml } from '@kitajs/html';
import { AdminLayout, CsrfField, ErrorSummary, Input, TextArea, type AdminPage } from '../../kits/console/layout.tsx';
import { ListPage } from '../../kits/console/list-pages.tsx';
import { DataTable } from '../../kits/console/table.tsx';
import { minute, number } from '../../kits/console/format.ts';
import type { Mailing } from '../tables.ts';
import type { MailingErrors, MailingInput } from '../fields.ts';
import { subjectsOf } from '../compose.ts';
import { TimeZoneSelect } from '../../kits/console/time-zones.tsx';
import { DATE_TIME_HINT } from '../../kits/console/format.ts';

/** The compose form as typed, lists as one item a line. */
export type MailingForm = Record<Exclude<keyof MailingInput, 'languages' | 'actions' | 'exclude_actions'>, string> & { languages: string[]; actions: string[]; exclude_actions: string[] };

const STATUS: Record<Mailing['status'], string> = {
  draft: 'draft', scheduled: 'scheduled', sending: 'sending', waiting: 'waiting for the subject test\u2019s winner', paused: 'paused', cancelled: 'cancelled', sent: 'sent',
};

export function MailingsListPage(props: { page: AdminPage; mailings: Mailing[]; canCreate: boolean }): JSX.Element {
  return (
    <ListPage
      page={props.page}
      title="Mailings"
      create={props.canCreate ? { href: '/admin/mailings/new', label: 'New mailing' } : undefined}
      empty="No mailings yet."
      rows={props.mailings}
      columns={[
        { label: 'Mailing', head: true, text: (m) => m.title, href: (m) => `/admin/mailings/${m.id}` },
        { label: 'Status', text: (m) => STATUS[m.status] },
        { label: 'Recipients', num: true, text: (m) => (m.total_recipients ? number(m.total_recipients) : '') },
        { label: 'Created (UTC)', text: (m) => minute(m.created_at) },
      ]}
    />
  );
}

function Choices(props: { name: string; legend: string; options: { value: string; label: string }[]; checked: string[]; error?: string }): JSX.Element {
  if (props.options.length === 0) return '';
  return (
    <fieldset class={props.error ? 'field has-error' : 'field'} id={props.name}>
      <legend safe>{props.legend}</legend>
      {props.error ? <span class="error-message" safe>{props.error}</span> : ''}
      {props.options.map((o, i) => (
        <div class="checkbox">
          <input type="checkbox" id={`${props.name}-${i}`} name={props.name} value={o.value} checked={props.checked.includes(o.value)} />
          <label for={`${props.name}-${i}`} safe>
            {o.label}
          </label>
        </div>
      ))}
    </fieldset>
  );
}

/** The email as supporters will see it, rendered on the server (the same HTML the message carries). */
export function Preview(props: { versions: { label: string; subject: string; html: string }[] }): JSX.Element {
  return (
    <section aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview</h2>
      <p class="hint">Nothing is saved until you choose “Save mailing”. The unsubscribe link goes to each person’s own page.</p>
      {props.versions.map((v) => (
        <>
          <h3 safe>{`${v.label}: ${v.subject}`}</h3>
          <iframe title={`${v.label} preview`} sandbox="" srcdoc={escapeHtml(v.html)} style="width:100%;height:32rem;border:1px solid #ccc" />
        </>
      ))}
    </section>
  );
}

export function MailingFormPage(props: {
  page: AdminPage;
  mailing?: Mailing;
  form: MailingForm;
  errors: MailingErrors;
  preview?: JSX.Element;
  actions: { ref: string; label: string }[];
  count?: number;
}): JSX.Element {
  const { page, mailing, form, errors } = props;
  const action = mailing ? `/admin/mailings/${mailing.id}/edit` : '/admin/mailings/new';
  const heading = mailing ? `Edit: ${mailing.title}` : 'New mailing';
  const wrong = Object.values(errors).some(Boolean);
  const choices = props.actions.map((a) => ({ value: a.ref, label: a.label }));
  return (
    <AdminLayout page={page} title={wrong ? `Error: ${heading}` : heading}>
      <p>
        <a href={mailing ? `/admin/mailings/${mailing.id}` : '/admin/mailings'}>Back</a>
      </p>
      <h1 safe>{heading}</h1>
      <ErrorSummary errors={errors} />
      {(props.preview ?? '') as 'safe'}
      {props.count !== undefined ? <p role="status" safe>{`This audience is ${number(props.count)} subscribed ${props.count === 1 ? 'person' : 'people'} now.`}</p> : ''}
      <form method="post" action={action} novalidate>
        <CsrfField token={page.csrf} />
        <Input name="title" label="Name of the mailing" value={form.title} error={errors.title} hint="Only organizers see it." required />
        <h2>English version</h2>
        <Input name="subject_en" label="Subject" value={form.subject_en} error={errors.subject_en} hint="Up to 200 characters. Leave the English version empty to send in Spanish only." />
        <Input name="preheader_en" label="Preheader (optional)" value={form.preheader_en} error={errors.preheader_en} hint="The line mail apps show after the subject." />
        <TextArea name="body_en" label="Text, in Markdown" value={form.body_en} error={errors.body_en} rows={12} hint="**bold**, _italic_, [a link](https://…), lists, headings. HTML is shown as text; images are not sent (they would tell other sites who reads)." />
        <h2>Spanish version (optional)</h2>
        <Input name="subject_es" label="Subject" value={form.subject_es} error={errors.subject_es} hint="People whose language is Spanish get this version; everybody else gets the English one, or this one if there is no English." />
        <Input name="preheader_es" label="Preheader (optional)" value={form.preheader_es} error={errors.preheader_es} />
        <TextArea name="body_es" label="Text, in Markdown" value={form.body_es} error={errors.body_es} rows={8} />
        <h2>Subject test (optional)</h2>
        <TextArea name="test_subjects_en" label="Other English subjects to test, one a line" value={form.test_subjects_en} error={errors.test_subjects_en} rows={3} hint="One to three. The subjects go to a share of the audience, then the winner goes to the rest." />
        <TextArea name="test_subjects_es" label="Other Spanish subjects, in the same order" value={form.test_subjects_es} error={errors.test_subjects_es} rows={3} />
        <Input name="test_share" label="Share of the audience in the test (percent)" value={form.test_share} error={errors.test_share} inputmode="numeric" hint="20 if left empty." />
        <Input name="test_wait_minutes" label="Minutes before the winner goes to the rest" value={form.test_wait_minutes} error={errors.test_wait_minutes} inputmode="numeric" hint="240 if left empty. You can pick the winner sooner; otherwise the subject with the most clicks wins (when clicks are counted), or the first." />
        <h2>Audience</h2>
        <p class="hint">Only people subscribed to your emails, always; then these rules, each narrowing the audience.</p>
        <Input name="include_tags" label="With any of these tags (one a line or comma)" value={form.include_tags} error={errors.include_tags} />
        <Input name="exclude_tags" label="Without any of these tags" value={form.exclude_tags} error={errors.exclude_tags} />
        <Choices name="actions" legend="Who took any of these actions" options={choices} checked={form.actions} error={errors.actions} />
        <Choices name="exclude_actions" legend="Leave out who took these actions" options={choices} checked={form.exclude_actions} error={errors.exclude_actions} />
        <Input name="states" label="In these US states (IL, TX …)" value={form.states} error={errors.states} />
        <Input name="near_zip" label="Near this ZIP code" value={form.near_zip} error={errors.near_zip} inputmode="numeric" />
        <Input name="near_miles" label="Within this many miles of it" value={form.near_miles} error={errors.near_miles} inputmode="numeric" />
        <Choices name="languages" legend="In these languages (none ticked: any)" options={[{ value: 'en', label: 'English (and people with no language)' }, { value: 'es', label: 'Spanish' }]} checked={form.languages} error={errors.languages} />
        <h2>Sender</h2>
        <Input name="sender_name" label="Sender name (optional)" value={form.sender_name} error={errors.sender_name} hint="The mailing settings’ name if left empty." />
        <Input name="reply_to" label="Reply-to address (optional)" value={form.reply_to} error={errors.reply_to} type="email" />
        <button type="submit" name="intent" value="preview" class="secondary">
          Preview and count
        </button>{' '}
        <button type="submit" name="intent" value="save">
          Save mailing
        </button>
      </form>
    </AdminLayout>
  );
}

export interface Progress {
  queued: number;
  held: number;
  sending: number;
  sent: number;
  skipped: number;
  failed: number;
  cancelled: number;
  unsubscribed: number;
}

export function MailingDetailPage(props: {
  page: AdminPage;
  mailing: Mailing;
  progress: Progress;
  audienceCount: number | null;
  bounces: Partial<Record<'hard' | 'soft' | 'complaint', number>>;
  links: { url: string; variant: number; clicks: number }[];
  canManage: boolean;
  timezone: string;
}): JSX.Element {
  const { page, mailing: m, progress: p } = props;
  const csrf = <CsrfField token={page.csrf} />;
  const post = (path: string, label: string, secondary = true) => (
    <form method="post" action={`/admin/mailings/${m.id}/${path}`} class="inline">
      {csrf}
      <button type="submit" class={secondary ? 'secondary' : undefined} safe>
        {label}
      </button>
    </form>
  );
  const total = m.total_recipients;
  const done = p.sent + p.skipped + p.failed + p.cancelled;
  const subjects = subjectsOf(m);
  return (
    <AdminLayout page={page} title={m.title}>
      <p>
        <a href="/admin/mailings">Back to mailings</a> · <a href="/admin/mailings/settings">Mailing settings</a>
      </p>
      <h1 safe>{m.title}</h1>
      <p safe>{`Status: ${STATUS[m.status]}${m.scheduled_at && m.status === 'scheduled' ? ` for ${minute(m.scheduled_at)} UTC` : ''}.`}</p>
      {total > 0 ? (
        <>
          <h2>Progress</h2>
          <p>
            <progress max={String(total)} value={String(done)} aria-label="Sent so far" safe>{`${done} of ${total}`}</progress>
          </p>
          <DataTable
            columns={[{ label: 'What', head: true, text: (r) => r[0] }, { label: 'People', num: true, text: (r) => number(r[1]) }]}
            rows={[
              ['Sent', p.sent], ['Waiting to be sent', p.queued + p.sending], ['Waiting for the subject test’s winner', p.held], ['Skipped (unsubscribed or bounced meanwhile)', p.skipped],
              ['Refused by the mail server', p.failed], ['Cancelled', p.cancelled], ['Unsubscribed through this mailing', p.unsubscribed],
              ['Hard bounces', props.bounces.hard ?? 0], ['Soft bounces', props.bounces.soft ?? 0], ['Spam complaints', props.bounces.complaint ?? 0],
            ] as [string, number][]}
          />
          <p class="hint">Opens are never recorded. This page reloads only when you reload it.</p>
        </>
      ) : props.audienceCount !== null ? (
        <p safe>{`The audience is ${number(props.audienceCount)} subscribed ${props.audienceCount === 1 ? 'person' : 'people'} now.`}</p>
      ) : (
        ''
      )}
      {props.links.length > 0 ? (
        <>
          <h2>Clicks, per link</h2>
          <DataTable
            columns={[{ label: 'Link', head: true, text: (l) => l.url }, { label: 'Subject', text: (l) => (l.variant < 0 ? 'after the test' : subjects[l.variant]?.en || subjects[l.variant]?.es || '') }, { label: 'Clicks', num: true, text: (l) => number(l.clicks) }]}
            rows={props.links}
          />
        </>
      ) : (
        ''
      )}
      {props.canManage ? (
        <>
          <h2>Actions</h2>
          <p>
            {m.status === 'draft' || m.status === 'scheduled' ? <a href={`/admin/mailings/${m.id}/edit`}>Edit</a> : ''} {post('test', 'Send me a test')}{' '}
            {m.status === 'sending' ? post('pause', 'Pause') : ''} {m.status === 'paused' ? post('resume', 'Resume', false) : ''}{' '}
            {m.status === 'scheduled' ? post('unschedule', 'Back to draft') : ''} {['draft', 'scheduled', 'sending', 'paused', 'waiting'].includes(m.status) ? post('cancel', 'Cancel the mailing') : ''}
          </p>
          {m.test_winner === null && subjects.length > 1 && ['sending', 'waiting', 'paused'].includes(m.status) ? (
            <form method="post" action={`/admin/mailings/${m.id}/winner`}>
              {csrf}
              <fieldset>
                <legend>Pick the winning subject now</legend>
                {subjects.map((s, i) => (
                  <div class="radio">
                    <input type="radio" id={`winner-${i}`} name="winner" value={String(i)} checked={i === 0} />
                    <label for={`winner-${i}`} safe>
                      {[s.en, s.es].filter(Boolean).join(' / ')}
                    </label>
                  </div>
                ))}
              </fieldset>
              <button type="submit">Send the winner to the rest</button>
            </form>
          ) : (
            ''
          )}
          {m.status === 'draft' || m.status === 'scheduled' ? (
            <form method="post" action={`/admin/mailings/${m.id}/send`} novalidate>
              {csrf}
              <h2>Send</h2>
              <div class="radio">
                <input type="radio" id="when-now" name="when" value="now" checked />
                <label for="when-now">Now</label>
              </div>
              <div class="radio">
                <input type="radio" id="when-later" name="when" value="later" />
                <label for="when-later">At this time</label>
              </div>
              <Input name="at" label="Date and time" type="datetime-local" hint={DATE_TIME_HINT} />
              <TimeZoneSelect name="timezone" label="Time zone" value={props.timezone} hint="Your organization’s, from the mailing settings." />
              <button type="submit">Send the mailing</button>
            </form>
          ) : (
            ''
          )}
        </>
      ) : (
        ''
      )}
    </AdminLayout>
  );
}
