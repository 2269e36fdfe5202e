import { Checkbox, AdminLayout, CsrfField, ErrorSummary, Input, TextArea, type AdminPage } from '../../kits/console/layout.tsx';
import { DataTable } from '../../kits/console/table.tsx';
import { ListPage, NotFoundPage } from '../../kits/console/list-pages.tsx';
import { minute, number } from '../../kits/console/format.ts';
import type { LetterCampaign, LetterTarget } from '../tables.ts';
import { targetLabel } from '../targets.ts';
import { perDay } from '../pacing.ts';
import { TimeZoneSelect } from '../../kits/console/time-zones.tsx';
import { SpanishFields } from '../../kits/console/spanish-fields.tsx';

// The console's letter campaigns (English): the list, the form, and a campaign's page with its
// delivery queue and the latest letters.

/** The campaign form as typed: every field a string or a box. */
export interface CampaignForm {
  title: string; slug: string; description: string; subject: string; subject_editable: boolean;
  letter_opening: string; letter_body: string; body_editable: boolean; letter_closing: string; body_max_length: string;
  ask_address: boolean; target_mode: string; hourly_cap: string; window_start: string; window_end: string; time_zone: string; status: string;
  /** As typed: a day, or a day and a time in UTC; '' for none. */
  closes_at: string;
  /** The Spanish versions ('' for none). */
  title_es: string; description_es: string; subject_es: string; letter_opening_es: string; letter_body_es: string; letter_closing_es: string;
}
export type CampaignFormErrors = Partial<Record<keyof CampaignForm, string>>;

export function CampaignsListPage(props: { page: AdminPage; campaigns: LetterCampaign[]; canCreate: boolean }): JSX.Element {
  return (
    <ListPage
      page={props.page}
      title="Letters"
      create={props.canCreate ? { href: '/admin/letters/new', label: 'New letter campaign' } : undefined}
      empty="No letter campaigns yet."
      rows={props.campaigns}
      columns={[
        { label: 'Campaign', head: true, text: (c) => c.title, href: (c) => `/admin/letters/${c.id}` },
        { label: 'Status', text: (c) => c.status },
        { label: 'Letters', num: true, text: (c) => number(c.outreach_count) },
        { label: 'Created (UTC)', text: (c) => minute(c.created_at) },
      ]}
    />
  );
}


function Choice(props: { name: string; legend: string; value: string; options: [string, string][]; error?: string }): JSX.Element {
  return (
    <fieldset class={props.error ? 'field has-error' : 'field'} id={props.name}>
      <legend safe>{props.legend}</legend>
      {props.error ? (
        <span class="error-message" safe>
          {props.error}
        </span>
      ) : (
        ''
      )}
      {props.options.map(([value, label]) => (
        <div class="radio">
          <input type="radio" id={`${props.name}-${value}`} name={props.name} value={value} checked={props.value === value} />
          <label for={`${props.name}-${value}`} safe>
            {label}
          </label>
        </div>
      ))}
    </fieldset>
  );
}

export function CampaignFormPage(props: { page: AdminPage; campaign?: LetterCampaign; form: CampaignForm; errors: CampaignFormErrors }): JSX.Element {
  const { form: f, errors: e, campaign } = props;
  const title = campaign ? `Edit ${campaign.title}` : 'New letter campaign';
  return (
    <AdminLayout page={props.page} title={title}>
      <h1 safe>{title}</h1>
      <ErrorSummary errors={e} />
      <form method="post" action={campaign ? `/admin/letters/${campaign.id}/edit` : '/admin/letters/new'} novalidate>
        <CsrfField token={props.page.csrf} />
        <Input name="title" label="Title" value={f.title} error={e.title} required />
        <Input name="slug" label="Web address" hint="The end of /letters/…: lower-case letters, numbers and hyphens. Left empty, it is made from the title." value={f.slug} error={e.slug} />
        <TextArea name="description" label="Why write (Markdown, shown above the form)" value={f.description} error={e.description} rows={5} />
        <h2>The letter</h2>
        <Input name="subject" label="Subject" value={f.subject} error={e.subject} required />
        <Checkbox name="subject_editable" label="Supporters may change the subject" checked={f.subject_editable} />
        <TextArea name="letter_opening" label="Opening (locked: sent as you write it)" hint="After “Dear …,”, which is added for each recipient." value={f.letter_opening} error={e.letter_opening} rows={3} />
        <TextArea name="letter_body" label="Body" hint="What supporters start from." value={f.letter_body} error={e.letter_body} rows={8} />
        <Checkbox name="body_editable" label="Supporters may rewrite the body" checked={f.body_editable} />
        <Input name="body_max_length" label="Longest body a supporter may send (characters)" value={f.body_max_length} error={e.body_max_length} inputmode="numeric" />
        <TextArea name="letter_closing" label="Closing (locked)" hint="Before the supporter’s signature (their name, city and state), which is added." value={f.letter_closing} error={e.letter_closing} rows={3} />
        <Checkbox name="ask_address" label="Ask for a street address (it goes to the recipients under the supporter’s name)" checked={f.ask_address} />
        <SpanishFields
          fields={[
            { name: 'title_es', label: 'Title', value: f.title_es, error: e.title_es },
            { name: 'description_es', label: 'Why write', value: f.description_es, error: e.description_es, rows: 5 },
            { name: 'subject_es', label: 'Subject', value: f.subject_es, error: e.subject_es },
            { name: 'letter_opening_es', label: 'Opening', value: f.letter_opening_es, error: e.letter_opening_es, rows: 3 },
            { name: 'letter_body_es', label: 'Body', value: f.letter_body_es, error: e.letter_body_es, rows: 8, hint: 'What supporters who read Spanish start from; the letter goes to the recipients as the supporter sends it.' },
            { name: 'letter_closing_es', label: 'Closing', value: f.letter_closing_es, error: e.letter_closing_es, rows: 3 },
          ]}
        />
        <h2>Recipients and delivery</h2>
        <Choice name="target_mode" legend="Whom the letters go to" value={f.target_mode} error={e.target_mode} options={[['fixed', 'The same people for every supporter (a fixed list)'], ['matched', 'Each supporter’s own officials, from a target list matched by state or ZIP code']]} />
        <Input name="hourly_cap" label="Letters an hour to each recipient, at most" hint="Letters are spread evenly over the hour: 60 means one a minute." value={f.hourly_cap} error={e.hourly_cap} inputmode="numeric" />
        <Input name="window_start" label="Send from (HH:MM)" value={f.window_start} error={e.window_start} />
        <Input name="window_end" label="Send until (HH:MM)" value={f.window_end} error={e.window_end} />
        <TimeZoneSelect name="time_zone" label="On the clock of (time zone)" value={f.time_zone} error={e.time_zone} />
        <Choice name="status" legend="Status" value={f.status} error={e.status} options={[['open', 'Open: supporters can write'], ['closed', 'Closed: the page shows no form (queued letters are still delivered)']]} />
        <Input
          name="closes_at"
          label="Closes by itself at (optional)"
          value={f.closes_at}
          error={e.closes_at}
          hint="A day, like 2026-06-30 (closing at the end of that day), or a day and a time in UTC, like 2026-06-30T17:00. The page then says it is closed, without the form; letters already written are still delivered. Leave it empty to close it yourself."
        />
        <button type="submit">{campaign ? 'Save changes' : 'Create the campaign'}</button>
      </form>
    </AdminLayout>
  );
}

export interface QueueRow {
  target: LetterTarget;
  queued: number;
  sent: number;
  bounced: number;
  failed: number;
  lastHour: number;
}

export interface RecentLetter {
  id: string;
  name: string;
  email: string;
  state: string | null;
  subject: string | null;
  body: string | null;
  delivery: string;
  created_at: string;
}

export function CampaignDetailPage(props: { page: AdminPage; campaign: LetterCampaign; queue: QueueRow[]; letters: RecentLetter[] | null; canManage: boolean; canExport: boolean }): JSX.Element {
  const { campaign: c } = props;
  const pace = { hourlyCap: c.hourly_cap, windowStart: c.window_start, windowEnd: c.window_end, timeZone: c.time_zone };
  const totals = props.queue.reduce((a, r) => ({ queued: a.queued + r.queued, sent: a.sent + r.sent, bounced: a.bounced + r.bounced }), { queued: 0, sent: 0, bounced: 0 });
  return (
    <AdminLayout page={props.page} title={c.title}>
      <h1 safe>{c.title}</h1>
      <p>
        <a href={`/letters/${c.slug}`} safe>{`/letters/${c.slug}`}</a> · <span>{c.status}</span>
        {c.closes_at ? <span safe>{` (${c.closes_at <= new Date().toISOString() ? 'closed by itself at' : 'closes by itself at'} ${c.closes_at.slice(0, 10)} ${c.closes_at.slice(11, 16)} UTC)`}</span> : ''} · <span safe>{`${number(c.outreach_count)} ${c.outreach_count === 1 ? "letter" : "letters"} written`}</span>
      </p>
      <p>
        {props.canManage ? <a href={`/admin/letters/${c.id}/edit`}>Edit the campaign</a> : ''} {props.canManage ? '·' : ''} <a href={`/admin/letters/${c.id}/targets`}>Recipients</a>
        {props.canExport ? (
          <>
            {' '}
            · <a href={`/admin/letters/${c.id}/outreaches.csv`}>Export the letters (CSV)</a>
          </>
        ) : (
          ''
        )}
      </p>
      <h2>Delivery</h2>
      <p safe>
        {`At most ${number(c.hourly_cap)} letters an hour to each recipient, from ${c.window_start} to ${c.window_end} (${c.time_zone}): ${number(perDay(pace))} a day each. Queued: ${number(totals.queued)}; sent: ${number(totals.sent)}; bounced: ${number(totals.bounced)}.`}
      </p>
      <DataTable
        caption="The queue of each recipient"
        rows={props.queue}
        empty="No recipients yet: add them on the Recipients page."
        columns={[
          { label: 'Recipient', head: true, text: (r) => targetLabel(r.target) },
          { label: 'State', text: (r) => [r.target.state, r.target.district].filter(Boolean).join(' ') },
          { label: 'Status', text: (r) => (r.target.status === 'bounced' ? `bounced, paused: ${r.target.bounce_reason ?? ''}` : r.target.status) },
          { label: 'Queued', num: true, text: (r) => number(r.queued) },
          { label: 'Sent', num: true, text: (r) => number(r.sent) },
          { label: 'Last hour', num: true, text: (r) => `${number(r.lastHour)} of ${number(c.hourly_cap)}` },
          { label: 'Bounced or failed', num: true, text: (r) => number(r.bounced + r.failed) },
          { label: 'Next letter (UTC)', text: (r) => (r.queued > 0 && r.target.status === 'active' && r.target.next_slot_at ? minute(r.target.next_slot_at) : '') },
        ]}
      />
      {props.letters ? (
        <>
          <h2>Latest letters</h2>
          <DataTable
            rows={props.letters}
            empty="No letters yet."
            columns={[
              { label: 'Writer', head: true, text: (l) => l.name || '(erased)' },
              { label: 'Email', text: (l) => l.email },
              { label: 'State', text: (l) => l.state ?? '' },
              { label: 'Subject', text: (l) => l.subject ?? '' },
              { label: 'Message', text: (l) => (l.body ?? '').slice(0, 300) },
              { label: 'Delivery', text: (l) => l.delivery },
              { label: 'Written (UTC)', text: (l) => minute(l.created_at) },
            ]}
          />
        </>
      ) : (
        ''
      )}
    </AdminLayout>
  );
}

export const CampaignNotFoundPage = (props: { page: AdminPage }) => (
  <NotFoundPage page={props.page} title="No such letter campaign" body="This letter campaign is not in your organization." back={{ href: '/admin/letters', label: 'All letter campaigns' }} />
);
