import { AdminLayout, CsrfField, ErrorSummary, Input, Pager, type AdminPage } from '../../kits/console/layout.tsx';
import { DataTable } from '../../kits/console/table.tsx';
import { minute, number } from '../../kits/console/format.ts';
import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '../tables.ts';
import { eventsOf } from '../repository.ts';
import type { FieldErrors } from '../service.ts';
import type { AttemptOutcome } from '../delivery.ts';

export type EventChoice = [event: string, label: string];
type LoggedDelivery = Pick<WebhookDelivery, 'id' | 'event' | 'status' | 'attempts' | 'last_status_code' | 'last_duration_ms' | 'last_error' | 'next_attempt_at' | 'created_at'>;

const STATUS: Record<WebhookDelivery['status'], string> = { pending: 'Retrying', delivered: 'Delivered', failed: 'Failed', cancelled: 'Not sent' };

function answer(d: { last_status_code: number | null; last_error: string | null; last_duration_ms: number | null }): string {
  const code = d.last_status_code === null ? (d.last_error ?? '—') : `HTTP ${d.last_status_code}`;
  return d.last_duration_ms === null ? code : `${code}, ${number(d.last_duration_ms)} ms`;
}

export function EndpointsPage(props: { page: AdminPage; endpoints: WebhookEndpoint[]; labels: Map<string, string> }): JSX.Element {
  return (
    <AdminLayout page={props.page} title="Webhooks">
      <h1>Webhooks</h1>
      <p>
        Each endpoint receives the events it chose as they happen, in Action Network's webhook format, signed as the Standard Webhooks specification
        describes. A delivery that fails is tried again for about three days.
      </p>
      <p>
        <a href="/admin/webhooks/new" class="button">
          Add an endpoint
        </a>
      </p>
      <DataTable<WebhookEndpoint>
        caption="Endpoints"
        empty="No endpoint yet."
        rows={props.endpoints}
        columns={[
          { label: 'Address', head: true, text: (e) => e.url, href: (e) => `/admin/webhooks/${e.id}` },
          { label: 'Events', text: (e) => eventsOf(e.events).map((x) => props.labels.get(x) ?? x).join(', ') },
          { label: 'Status', text: (e) => (e.status === 'enabled' ? (e.failing_since ? `On, failing since ${minute(e.failing_since)} UTC` : 'On') : 'Off') },
          { label: 'Last success (UTC)', text: (e) => (e.last_success_at ? minute(e.last_success_at) : 'never') },
        ]}
      />
    </AdminLayout>
  );
}

export function EndpointForm(props: {
  page: AdminPage;
  title: string;
  action: string;
  choices: EventChoice[];
  values: { url: string; description: string; events: string[] };
  errors: FieldErrors;
  submit: string;
}): JSX.Element {
  const { values, errors } = props;
  return (
    <AdminLayout page={props.page} title={props.title}>
      <h1 safe>{props.title}</h1>
      <ErrorSummary errors={errors} />
      <form method="post" action={props.action} novalidate>
        <CsrfField token={props.page.csrf} />
        <Input name="url" label="Address" value={values.url} error={errors.url} hint="An https:// address on the public internet that answers 2xx when it has the delivery." />
        <Input name="description" label="Description (optional)" value={values.description} error={errors.description} hint="What it is, for the others on your team." />
        <div class={errors.events ? 'field has-error' : 'field'}>
          <fieldset aria-describedby={errors.events ? 'events-error' : undefined}>
            <legend>Events to send</legend>
            {errors.events ? (
              <span class="error-message" id="events-error" safe>
                {errors.events}
              </span>
            ) : (
              ''
            )}
            {props.choices.map(([event, label], i) => (
              <div class="checkbox">
                <input type="checkbox" id={i === 0 ? 'events' : `events-${event}`} name="events" value={event} checked={values.events.includes(event)} />
                <label for={i === 0 ? 'events' : `events-${event}`} safe>
                  {label}
                </label>
              </div>
            ))}
          </fieldset>
        </div>
        <button type="submit" safe>
          {props.submit}
        </button>
      </form>
    </AdminLayout>
  );
}

/** The secret, shown once after it was made or rolled. */
export function SecretPage(props: { page: AdminPage; endpoint: WebhookEndpoint; secret: string; oldUntil?: string }): JSX.Element {
  return (
    <AdminLayout page={props.page} title="The signing secret">
      <h1>The signing secret</h1>
      <p>Copy it now: it is shown this once. The receiver checks each delivery's signature with it (any Standard Webhooks library does).</p>
      <p>
        <code id="secret" safe>
          {props.secret}
        </code>
      </p>
      {props.oldUntil ? <p safe>{`The old secret keeps signing beside this one until ${minute(props.oldUntil)} UTC, so the receiver can change over without losing a delivery.`}</p> : ''}
      <p>
        <a href={`/admin/webhooks/${props.endpoint.id}`}>Go to the endpoint</a>
      </p>
    </AdminLayout>
  );
}

function ActionButton(props: { csrf: string; action: string; label: string; secondary?: boolean }): JSX.Element {
  return (
    <form method="post" action={props.action} class="inline">
      <CsrfField token={props.csrf} />
      <button type="submit" class={props.secondary ? 'secondary' : undefined} safe>
        {props.label}
      </button>
    </form>
  );
}

export function EndpointPage(props: {
  page: AdminPage;
  endpoint: WebhookEndpoint;
  labels: Map<string, string>;
  deliveries: LoggedDelivery[];
  test?: AttemptOutcome;
}): JSX.Element {
  const e = props.endpoint;
  const base = `/admin/webhooks/${e.id}`;
  const t = props.test;
  return (
    <AdminLayout page={props.page} title={`Webhook: ${e.url}`}>
      <h1 safe>{e.url}</h1>
      {t ? (
        <p class="notice" role="status" safe>
          {t.ok ? `The test was delivered: HTTP ${t.statusCode} in ${number(t.durationMs)} ms.` : `The test was not delivered: ${t.error ?? 'no answer'} (${number(t.durationMs)} ms).`}
        </p>
      ) : (
        ''
      )}
      <dl>
        <dt>Status</dt>
        <dd safe>{e.status === 'enabled' ? (e.failing_since ? `On; every attempt has failed since ${minute(e.failing_since)} UTC` : 'On') : `Off. ${e.disabled_reason ?? ''}`}</dd>
        <dt>Events</dt>
        <dd safe>{eventsOf(e.events).map((x) => props.labels.get(x) ?? x).join(', ')}</dd>
        {e.description ? (
          <>
            <dt>Description</dt>
            <dd safe>{e.description}</dd>
          </>
        ) : (
          ''
        )}
        <dt>Last success</dt>
        <dd>{e.last_success_at ? `${minute(e.last_success_at)} UTC` : 'never'}</dd>
        <dt>Signing secret</dt>
        <dd>
          {e.previous_secret_expires_at && e.previous_secret_expires_at > new Date().toISOString()
            ? `Rolled: the old secret signs too until ${minute(e.previous_secret_expires_at)} UTC`
            : 'One secret, shown when it was made'}
        </dd>
      </dl>
      <p>
        <ActionButton csrf={props.page.csrf} action={`${base}/test`} label="Send a test" />{' '}
        <a href={`${base}/edit`} class="button secondary">
          Edit
        </a>{' '}
        <ActionButton csrf={props.page.csrf} action={`${base}/${e.status === 'enabled' ? 'disable' : 'enable'}`} label={e.status === 'enabled' ? 'Turn off' : 'Turn on'} secondary />{' '}
        <ActionButton csrf={props.page.csrf} action={`${base}/roll-secret`} label="Roll the secret" secondary />{' '}
        <ActionButton csrf={props.page.csrf} action={`${base}/delete`} label="Delete" secondary />
      </p>
      <h2>Recent deliveries</h2>
      <DeliveryTable endpointId={e.id} rows={props.deliveries} labels={props.labels} />
      <p>
        <a href={`${base}/deliveries`}>The whole delivery log (30 days)</a>
      </p>
    </AdminLayout>
  );
}

function DeliveryTable(props: { endpointId: string; rows: LoggedDelivery[]; labels: Map<string, string> }): JSX.Element {
  return (
    <DataTable<LoggedDelivery>
      caption="Deliveries, newest first"
      empty="Nothing was sent yet."
      rows={props.rows}
      columns={[
        { label: 'Made (UTC)', head: true, text: (d) => minute(d.created_at), href: (d) => `/admin/webhooks/${props.endpointId}/deliveries/${d.id}` },
        { label: 'Event', text: (d) => (d.event === 'test' ? 'Test' : (props.labels.get(d.event) ?? d.event)) },
        { label: 'Status', text: (d) => (d.status === 'pending' && d.next_attempt_at ? `${STATUS[d.status]} at ${minute(d.next_attempt_at)}` : STATUS[d.status]) },
        { label: 'Attempts', num: true, text: (d) => number(d.attempts) },
        { label: 'Last answer', text: (d) => answer(d) },
      ]}
    />
  );
}

export function DeliveryLogPage(props: { page: AdminPage; endpoint: WebhookEndpoint; rows: LoggedDelivery[]; labels: Map<string, string>; pageNumber: number; pages: number }): JSX.Element {
  const base = `/admin/webhooks/${props.endpoint.id}`;
  return (
    <AdminLayout page={props.page} title="Delivery log">
      <h1>Delivery log</h1>
      <p>
        <a href={base} safe>{props.endpoint.url}</a>: every delivery of the last 30 days, with its last answer and how long it took. Bodies are not kept once
        delivered.
      </p>
      <DeliveryTable endpointId={props.endpoint.id} rows={props.rows} labels={props.labels} />
      <Pager label="Delivery log pages" page={props.pageNumber} pages={props.pages} link={(p) => `${base}/deliveries?page=${p}`} />
    </AdminLayout>
  );
}

export function DeliveryPage(props: { page: AdminPage; endpoint: WebhookEndpoint; delivery: WebhookDelivery; attempts: WebhookAttempt[]; labels: Map<string, string> }): JSX.Element {
  const d = props.delivery;
  const base = `/admin/webhooks/${props.endpoint.id}`;
  return (
    <AdminLayout page={props.page} title="Delivery">
      <h1>Delivery</h1>
      <dl>
        <dt>Endpoint</dt>
        <dd>
          <a href={base} safe>{props.endpoint.url}</a>
        </dd>
        <dt>Event</dt>
        <dd safe>{d.event === 'test' ? 'Test' : (props.labels.get(d.event) ?? d.event)}</dd>
        <dt>Message id (webhook-id, idempotency_key)</dt>
        <dd>
          <code safe>{d.message_id}</code>
        </dd>
        <dt>Status</dt>
        <dd safe>{d.status === 'pending' && d.next_attempt_at ? `Retrying at ${minute(d.next_attempt_at)} UTC` : STATUS[d.status]}</dd>
      </dl>
      {d.status === 'failed' && d.body !== null && d.event !== 'test' && props.endpoint.status === 'enabled' ? (
        <ActionButton csrf={props.page.csrf} action={`${base}/deliveries/${d.id}/resend`} label="Send again" />
      ) : (
        ''
      )}
      <DataTable<WebhookAttempt>
        caption="Attempts"
        empty="Not attempted yet."
        rows={props.attempts}
        columns={[
          { label: 'Attempt', num: true, head: true, text: (a) => number(a.attempt) },
          { label: 'At (UTC)', text: (a) => `${a.started_at.slice(0, 19).replace('T', ' ')}` },
          { label: 'Answer', text: (a) => (a.status_code === null ? '—' : `HTTP ${a.status_code}`) },
          { label: 'Time', num: true, text: (a) => `${number(a.duration_ms)} ms` },
          { label: 'Error', text: (a) => a.error ?? '' },
        ]}
      />
    </AdminLayout>
  );
}
