import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import type { EventCampaign } from '../tables.ts';
import { AdminLayout, CsrfField, ErrorSummary, Input } from '../../kits/console/layout.tsx';
import { SpanishFields } from '../../kits/console/spanish-fields.tsx';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { DataTable, type Column } from '../../kits/console/table.tsx';
import { audit } from '../../accounts/service.ts';
import { nowIso } from '../../util/ids.ts';
import { translator, type MessageKey } from '../../i18n/index.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { whenText, cityOf } from '../public/pages.tsx';
import * as repo from '../repository.ts';
import {
  campaignTotals,
  checkCampaignFields,
  createCampaign,
  emptyTotals,
  revokeHostLink,
  updateCampaign,
  CAMPAIGN_LIMITS,
  type CampaignTotals,
} from '../service.ts';
import { isId, notFound, noticeOf, text, type Body, type EventParams, type IdParams } from './route-helpers.tsx';
import { registerModerationRoutes } from './moderation-routes.tsx';
import { registerAddEventRoutes } from './add-events-routes.tsx';

type Counts = Pick<CampaignTotals, 'events' | 'rsvps' | 'attended'>;

/** Confirmed events, accepted RSVPs and people checked in: the counts of a campaign, or of a state. */
const COUNT_COLUMNS: Column<Counts>[] = [
  { label: 'Events', num: true, text: (r) => String(r.events) },
  { label: 'RSVPs', num: true, text: (r) => String(r.rsvps) },
  { label: 'Attended', num: true, text: (r) => String(r.attended) },
];

function Totals(props: { totals: CampaignTotals; caption: string }): JSX.Element {
  const { totals } = props;
  const columns: Column<Counts & { state: string }>[] = [{ label: 'State', head: true, text: (r) => r.state }, ...COUNT_COLUMNS];
  return (
    <DataTable
      caption={props.caption}
      columns={columns}
      rows={totals.byRegion.map((r) => ({ ...r, state: r.online ? 'Online' : (r.region ?? 'No state') }))}
      foot={{ ...totals, state: 'All' }}
    />
  );
}

type CampaignValues = { title?: string; description?: string; status?: string; title_es?: string | null; description_es?: string | null };

/** The campaign form as typed (each text cut one past its bound, so a too long one is refused, not shortened). */
function campaignValues(body: Record<string, unknown> | undefined) {
  return {
    title: text(body?.title, CAMPAIGN_LIMITS.title),
    description: text(body?.description, CAMPAIGN_LIMITS.description),
    status: body?.status === 'closed' ? 'closed' : 'open',
    title_es: text(body?.title_es, CAMPAIGN_LIMITS.title),
    description_es: text(body?.description_es, CAMPAIGN_LIMITS.description),
  };
}

function CampaignFields(props: { values: CampaignValues; errors: Record<string, string | undefined> }): JSX.Element {
  const { values, errors } = props;
  return (
    <>
      <Input name="title" label="Title" value={values.title} error={errors.title} required />
      <div class={errors.description ? 'field has-error' : 'field'}>
        <label for="description">Description</label>
        <span class="hint" id="description-hint">
          Shown above the search on the public page. Leave a blank line between paragraphs.
        </span>
        {errors.description ? (
          <span class="error-message" id="description-error" safe>
            {errors.description}
          </span>
        ) : (
          ''
        )}
        <textarea id="description" name="description" rows="6" aria-describedby={errors.description ? 'description-hint description-error' : 'description-hint'} safe>
          {values.description ?? ''}
        </textarea>
      </div>
      <SpanishFields
        fields={[
          { name: 'title_es', label: 'Title', value: values.title_es ?? '', error: errors.title_es },
          { name: 'description_es', label: 'Description', value: values.description_es ?? '', error: errors.description_es, rows: 6 },
        ]}
      />
      <div class="field">
        <label for="status">Status</label>
        <select id="status" name="status">
          <option value="open" selected={values.status !== 'closed'}>
            open: anyone can offer to host an event
          </option>
          <option value="closed" selected={values.status === 'closed'}>
            closed: no new events are offered
          </option>
        </select>
      </div>
    </>
  );
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

const en = translator('en');

/** checkCampaignFields' messages in English, each a sentence beside its field. */
function formErrors(errors: FieldErrors): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, e] of Object.entries(errors)) {
    if (!e) continue;
    const values = { ...e.values };
    if (typeof values.field === 'string') values.field = en(values.field as MessageKey);
    const message = en(e.key, values);
    out[field] = message.charAt(0).toUpperCase() + message.slice(1) + '.';
  }
  return out;
}

/**
 * Event campaigns (a distributed week of action) in the console: the list with totals, a
 * campaign's page (its events by state, host links), and the moderation of events offered by
 * hosts. Every route needs manage_actions: host names and emails are on these pages.
 */
export function eventCampaignsConsoleRoutes(ctx: Context) {
  const db = ctx.database.db;
  return async function (app: FastifyInstance) {
    const listPage = async (request: FastifyRequest, reply: FastifyReply, opts: { values?: { title?: string; description?: string; status?: string }; errors?: Record<string, string | undefined>; status?: number } = {}) => {
      const org = request.organizer!.organization!;
      const [campaigns, totals] = await Promise.all([repo.listCampaigns(db, org.id, { limit: 500, offset: 0 }), campaignTotals(db, org.id)]);
      const page = adminPage(request, reply);
      return sendAdmin(
        reply,
        <AdminLayout page={page} title="Week of action">
          <h1>Week of action</h1>
          <p>A campaign gathers events that people host across the country: supporters find one near them, and anyone can offer to host one.</p>
          <DataTable
            caption="Confirmed events, accepted RSVPs and people checked in, per campaign"
            empty="No campaigns yet."
            rows={campaigns.map((c) => ({ ...(totals.get(c.id) ?? emptyTotals()), campaign: c }))}
            columns={[
              { label: 'Campaign', head: true, text: (r) => r.campaign.title, href: (r) => `/admin/event-campaigns/${r.campaign.id}` },
              { label: 'Status', text: (r) => r.campaign.status },
              ...COUNT_COLUMNS,
            ]}
          />
          <h2>New campaign</h2>
          <ErrorSummary errors={opts.errors ?? {}} />
          <form method="post" action="/admin/event-campaigns">
            <CsrfField token={page.csrf} />
            <CampaignFields values={opts.values ?? {}} errors={opts.errors ?? {}} />
            <button type="submit">Create the campaign</button>
          </form>
        </AdminLayout>,
        opts.status ?? 200,
      );
    };

    app.get('/event-campaigns', { config: { permission: 'manage_actions' } }, (request, reply) => listPage(request, reply));

    app.post<{ Body: Body }>('/event-campaigns', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const organizer = request.organizer!;
      const org = organizer.organization!;
      const values = campaignValues(request.body);
      const errors = checkCampaignFields(values);
      if (Object.keys(errors).length > 0) return listPage(request, reply, { values, errors: formErrors(errors), status: 422 });
      const campaign = await createCampaign(db, org.id, { title: values.title, description: values.description, status: values.status as 'open' | 'closed', title_es: values.title_es, description_es: values.description_es }, nowIso());
      await audit(db, { organizationId: org.id, userId: organizer.session.user_id, action: 'event_campaign.created', subject: campaign.id, details: { title: campaign.title } });
      return reply.redirect(`/admin/event-campaigns/${campaign.id}`, 303);
    });

    const campaignPage = async (
      request: FastifyRequest<IdParams>,
      reply: FastifyReply,
      campaign: EventCampaign,
      opts: { values?: { title?: string; description?: string; status?: string }; errors?: Record<string, string | undefined>; notice?: string; status?: number } = {},
    ) => {
      const org = request.organizer!.organization!;
      const [events, totals, awaiting] = await Promise.all([
        repo.campaignEvents(db, org.id, campaign.id),
        campaignTotals(db, org.id, campaign.id),
        repo.awaitingModeration(db, org.id, campaign.id),
      ]);
      const t = totals.get(campaign.id) ?? emptyTotals();
      const page = adminPage(request, reply, opts.notice);
      const url = `${ctx.config.baseUrl}/event_campaigns/${campaign.slug}`;
      return sendAdmin(
        reply,
        <AdminLayout page={page} title={campaign.title}>
          <h1 safe>{campaign.title}</h1>
          <p>
            Public page: <a href={`/event_campaigns/${campaign.slug}`} safe>{url}</a>
            <br />
            Hosts offer events at <span safe>{`${url}/host`}</span>
          </p>
          <p>
            <a href={`/admin/event-campaigns/${campaign.id}/moderation`} safe>
              {awaiting.length === 0 ? 'Events to review: none' : `Events to review: ${awaiting.length}`}
            </a>
          </p>
          <h2>Totals</h2>
          <p safe>{`${plural(t.events, 'confirmed event')}, ${plural(t.rsvps, 'RSVP')}, ${t.attended} attended.`}</p>
          <Totals totals={t} caption="By state (confirmed events only)" />
          <h2>Events</h2>
          <p>
            <a href={`/admin/event-campaigns/${campaign.id}/events/new`}>Add an event</a> ·{' '}
            <a href={`/admin/event-campaigns/${campaign.id}/import`}>Import events from CSV</a>
          </p>
          <DataTable
            empty="No events yet."
            rows={events}
            columns={[
              { label: 'Event', head: true, text: (e) => e.title, href: (e) => `/events/${e.slug}` },
              { label: 'When and where', text: (e) => `${whenText('en', { start_at: e.start_at, end_at: e.start_at, timezone: e.timezone })} · ${e.online ? 'Online' : cityOf(e)}` },
              { label: 'Status', text: (e) => (e.status === 'pending' && !e.host_email_confirmed_at ? 'pending (host has not confirmed their email)' : e.status) },
              {
                label: 'Host',
                cell: (e) => (
                  <>
                    <span safe>{e.host_name ?? ''}</span> <span safe>{e.host_email ?? ''}</span>
                  </>
                ),
              },
              { label: 'RSVPs', num: true, text: (e) => String(e.accepted_count) },
              {
                label: <span class="skip">Host link</span>,
                cell: (e) =>
                  e.host_email ? (
                    <form method="post" action={`/admin/event-campaigns/${campaign.id}/events/${e.id}/revoke-host-link`} class="inline">
                      <CsrfField token={page.csrf} />
                      <input type="checkbox" id={`send-${e.id}`} name="send_new_link" value="yes" checked />
                      <label for={`send-${e.id}`}>email a new link</label>
                      <button type="submit" class="secondary" aria-label={`Revoke the host link of ${e.title}`}>
                        Revoke host link
                      </button>
                    </form>
                  ) : (
                    ''
                  ),
              },
            ]}
          />
          <h2>Edit the campaign</h2>
          <ErrorSummary errors={opts.errors ?? {}} />
          <form method="post" action={`/admin/event-campaigns/${campaign.id}`}>
            <CsrfField token={page.csrf} />
            <CampaignFields values={opts.values ?? campaign} errors={opts.errors ?? {}} />
            <button type="submit">Save the campaign</button>
          </form>
          <p>
            <a href="/admin/event-campaigns">All campaigns</a>
          </p>
        </AdminLayout>,
        opts.status ?? 200,
      );
    };

    const load = async (request: FastifyRequest<IdParams>) => (isId(request.params.id) ? repo.findCampaign(db, request.organizer!.organization!.id, request.params.id) : undefined);

    app.get<IdParams>('/event-campaigns/:id', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const campaign = await load(request);
      if (!campaign) return notFound(request, reply);
      return campaignPage(request, reply, campaign, { notice: noticeOf(request.query) });
    });

    app.post<IdParams>('/event-campaigns/:id', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const campaign = await load(request);
      if (!campaign) return notFound(request, reply);
      const organizer = request.organizer!;
      const values = campaignValues(request.body);
      const errors = checkCampaignFields(values);
      if (Object.keys(errors).length > 0) return campaignPage(request, reply, campaign, { values, errors: formErrors(errors), status: 422 });
      const updated = await updateCampaign(db, campaign, { title: values.title, description: values.description, status: values.status as 'open' | 'closed', title_es: values.title_es, description_es: values.description_es }, nowIso());
      await audit(db, { organizationId: campaign.organization_id, userId: organizer.session.user_id, action: 'event_campaign.changed', subject: campaign.id });
      return campaignPage(request, reply, updated, { notice: 'The campaign is saved.' });
    });

    app.post<EventParams>('/event-campaigns/:id/events/:eventId/revoke-host-link', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const campaign = await load(request);
      if (!campaign || !isId(request.params.eventId)) return notFound(request, reply);
      const sendNewLink = request.body?.send_new_link === 'yes';
      const done = await ctx.committer.submit((uow) =>
        revokeHostLink(uow, { organizationId: campaign.organization_id, eventId: request.params.eventId, byUserId: request.organizer!.session.user_id, sendNewLink }),
      );
      if (!done) return notFound(request, reply);
      return reply.redirect(`/admin/event-campaigns/${campaign.id}?done=${sendNewLink ? 'revoked_sent' : 'revoked'}`, 303);
    });

    registerModerationRoutes(app, ctx, load);
    await registerAddEventRoutes(app, ctx, load);
  };
}
