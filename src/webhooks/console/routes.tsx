import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { NotFoundPage } from '../../kits/console/list-pages.tsx';
import { audit } from '../../accounts/service.ts';
import * as repo from '../repository.ts';
import { checkEndpoint, createEndpoint, editEndpoint, removeEndpoint, resendDelivery, rollSecret, sendTest, setEnabled, type EndpointFields } from '../service.ts';
import { DeliveryLogPage, DeliveryPage, EndpointForm, EndpointPage, EndpointsPage, SecretPage, type EventChoice } from './pages.tsx';
import type { WebhookEndpoint } from '../tables.ts';

type Body = Record<string, unknown>;
type ById = { Params: { id: string } };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PER_PAGE = 50;
const NOTICES: Record<string, string> = {
  saved: 'Saved. The change applies to the next events.',
  deleted: 'Deleted. Nothing more is sent to that address.',
  enabled: 'Turned on. New events are sent again; deliveries that failed while it was off are not.',
  disabled: 'Turned off. Nothing is sent until it is turned on again.',
  resent: 'Queued to be sent again, from its first attempt.',
  not_resent: 'That delivery cannot be sent again: only a failed one, with its body, to an endpoint that is on.',
};
const permission = { config: { permission: 'manage_webhooks' as const } };

/** The console's webhooks: endpoints, their secrets, the test button and the delivery log (owners and admins). */
export function webhooksConsoleRoutes(ctx: Context) {
  const db = ctx.database.db;
  // Every capability's events, in the list's order: forms' submissions appear once forms declare them.
  const choices: EventChoice[] = ctx.capabilities.flatMap((c) => (c.webhooks ?? []).map((k): EventChoice => [k.event, k.label]));
  const labels = new Map(choices);
  const known = choices.map(([e]) => e);

  const readFields = (body: Body): EndpointFields => {
    const raw = body.events;
    const events = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((e): e is string => typeof e === 'string');
    return {
      url: typeof body.url === 'string' ? body.url.trim() : '',
      description: typeof body.description === 'string' ? body.description.trim() : '',
      events: [...new Set(events)],
    };
  };

  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    sendAdmin(
      reply,
      <NotFoundPage page={adminPage(request, reply)} title="No such webhook" body="This organization has no webhook endpoint at that address." back={{ href: '/admin/webhooks', label: 'Go to the webhooks' }} />,
      404,
    );

  const load = async (request: FastifyRequest<ById>): Promise<WebhookEndpoint | undefined> => {
    const id = request.params.id;
    return UUID.test(id) ? repo.findEndpoint(db, request.organizer!.organization!.id, id.toLowerCase()) : undefined;
  };

  const showEndpoint = async (request: FastifyRequest, reply: FastifyReply, endpoint: WebhookEndpoint, o: { notice?: string; test?: Awaited<ReturnType<typeof sendTest>> } = {}) =>
    sendAdmin(reply, <EndpointPage page={adminPage(request, reply, o.notice)} endpoint={endpoint} labels={labels} deliveries={await repo.listDeliveries(db, endpoint.id, 10, 0)} test={o.test} />);

  const note = (request: FastifyRequest, action: string, endpoint: Pick<WebhookEndpoint, 'id' | 'url'>, details: Record<string, unknown> = {}) =>
    audit(db, { organizationId: request.organizer!.organization!.id, userId: request.organizer!.session.user_id, action, subject: endpoint.id, details: { url: endpoint.url, ...details } });

  return async function (app: FastifyInstance) {
    app.get<{ Querystring: Record<string, unknown> }>('/webhooks', permission, async (request, reply) => {
      const endpoints = await repo.listEndpoints(db, request.organizer!.organization!.id);
      const notice = typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined;
      return sendAdmin(reply, <EndpointsPage page={adminPage(request, reply, notice)} endpoints={endpoints} labels={labels} />);
    });

    app.get('/webhooks/new', permission, async (request, reply) =>
      sendAdmin(reply, <EndpointForm page={adminPage(request, reply)} title="Add a webhook endpoint" action="/admin/webhooks" choices={choices} values={{ url: '', description: '', events: [] }} errors={{}} submit="Add the endpoint" />),
    );

    app.post<{ Body: Body }>('/webhooks', permission, async (request, reply) => {
      const fields = readFields(request.body ?? {});
      const errors = await checkEndpoint(fields, known, ctx.config);
      if (Object.keys(errors).length > 0) {
        return sendAdmin(reply, <EndpointForm page={adminPage(request, reply)} title="Add a webhook endpoint" action="/admin/webhooks" choices={choices} values={fields} errors={errors} submit="Add the endpoint" />, 422);
      }
      const { endpoint, secret } = await createEndpoint(db, ctx.config, request.organizer!.organization!.id, request.organizer!.session.user_id, fields);
      await note(request, 'webhook.created', endpoint, { events: fields.events });
      return sendAdmin(reply, <SecretPage page={adminPage(request, reply)} endpoint={endpoint} secret={secret} />, 201);
    });

    app.get<ById & { Querystring: Record<string, unknown> }>('/webhooks/:id', permission, async (request, reply) => {
      const endpoint = await load(request);
      if (!endpoint) return notFound(request, reply);
      return showEndpoint(request, reply, endpoint, { notice: typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined });
    });

    app.get<ById>('/webhooks/:id/edit', permission, async (request, reply) => {
      const endpoint = await load(request);
      if (!endpoint) return notFound(request, reply);
      const values = { url: endpoint.url, description: endpoint.description, events: repo.eventsOf(endpoint.events) };
      return sendAdmin(reply, <EndpointForm page={adminPage(request, reply)} title="Edit the webhook endpoint" action={`/admin/webhooks/${endpoint.id}`} choices={choices} values={values} errors={{}} submit="Save" />);
    });

    app.post<ById & { Body: Body }>('/webhooks/:id', permission, async (request, reply) => {
      const endpoint = await load(request);
      if (!endpoint) return notFound(request, reply);
      const fields = readFields(request.body ?? {});
      const errors = await checkEndpoint(fields, known, ctx.config);
      if (Object.keys(errors).length > 0) {
        return sendAdmin(reply, <EndpointForm page={adminPage(request, reply)} title="Edit the webhook endpoint" action={`/admin/webhooks/${endpoint.id}`} choices={choices} values={fields} errors={errors} submit="Save" />, 422);
      }
      await editEndpoint(db, endpoint.organization_id, endpoint.id, fields);
      await note(request, 'webhook.changed', { id: endpoint.id, url: fields.url }, { events: fields.events, before: endpoint.url });
      return reply.redirect(`/admin/webhooks/${endpoint.id}?notice=saved`, 303);
    });

    app.post<ById>('/webhooks/:id/delete', permission, async (request, reply) => {
      const endpoint = await load(request);
      if (!endpoint) return notFound(request, reply);
      await removeEndpoint(db, endpoint.organization_id, endpoint.id);
      await note(request, 'webhook.deleted', endpoint);
      return reply.redirect('/admin/webhooks?notice=deleted', 303);
    });

    for (const [path, enabled] of [['enable', true], ['disable', false]] as const) {
      app.post<ById>(`/webhooks/:id/${path}`, permission, async (request, reply) => {
        const endpoint = await load(request);
        if (!endpoint) return notFound(request, reply);
        await setEnabled(db, endpoint.organization_id, endpoint.id, enabled);
        await note(request, enabled ? 'webhook.enabled' : 'webhook.disabled', endpoint);
        return reply.redirect(`/admin/webhooks/${endpoint.id}?notice=${enabled ? 'enabled' : 'disabled'}`, 303);
      });
    }

    app.post<ById>('/webhooks/:id/roll-secret', permission, async (request, reply) => {
      const endpoint = await load(request);
      if (!endpoint) return notFound(request, reply);
      const { secret, oldUntil } = await rollSecret(db, ctx.config, endpoint);
      await note(request, 'webhook.secret_rolled', endpoint, { old_until: oldUntil });
      return sendAdmin(reply, <SecretPage page={adminPage(request, reply)} endpoint={endpoint} secret={secret} oldUntil={oldUntil} />);
    });

    app.post<ById>('/webhooks/:id/test', permission, async (request, reply) => {
      const endpoint = await load(request);
      if (!endpoint) return notFound(request, reply);
      const test = await sendTest(db, ctx.config, endpoint);
      return showEndpoint(request, reply, (await repo.findEndpointById(db, endpoint.id)) ?? endpoint, { test });
    });

    app.get<ById & { Querystring: Record<string, unknown> }>('/webhooks/:id/deliveries', permission, async (request, reply) => {
      const endpoint = await load(request);
      if (!endpoint) return notFound(request, reply);
      const pages = Math.max(1, Math.ceil((await repo.countDeliveries(db, endpoint.id)) / PER_PAGE));
      const asked = typeof request.query.page === 'string' && /^\d{1,6}$/.test(request.query.page) ? Number(request.query.page) : 1;
      const page = Math.min(Math.max(asked, 1), pages);
      const rows = await repo.listDeliveries(db, endpoint.id, PER_PAGE, (page - 1) * PER_PAGE);
      return sendAdmin(reply, <DeliveryLogPage page={adminPage(request, reply)} endpoint={endpoint} rows={rows} labels={labels} pageNumber={page} pages={pages} />);
    });

    type ByDelivery = { Params: { id: string; deliveryId: string }; Querystring: Record<string, unknown> };
    app.get<ByDelivery>('/webhooks/:id/deliveries/:deliveryId', permission, async (request, reply) => {
      const endpoint = await load(request);
      const id = request.params.deliveryId;
      const delivery = endpoint && UUID.test(id) ? await repo.findDeliveryOf(db, endpoint.organization_id, endpoint.id, id.toLowerCase()) : undefined;
      if (!endpoint || !delivery) return notFound(request, reply);
      const notice = typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined;
      return sendAdmin(reply, <DeliveryPage page={adminPage(request, reply, notice)} endpoint={endpoint} delivery={delivery} attempts={await repo.attemptsOf(db, delivery.id)} labels={labels} />);
    });

    app.post<ByDelivery>('/webhooks/:id/deliveries/:deliveryId/resend', permission, async (request, reply) => {
      const endpoint = await load(request);
      const id = request.params.deliveryId;
      if (!endpoint || !UUID.test(id) || !(await repo.findDeliveryOf(db, endpoint.organization_id, endpoint.id, id.toLowerCase()))) return notFound(request, reply);
      const resent = await resendDelivery(db, endpoint, id.toLowerCase());
      if (resent) await note(request, 'webhook.resent', endpoint, { delivery: id.toLowerCase() });
      return reply.redirect(`/admin/webhooks/${endpoint.id}/deliveries/${id.toLowerCase()}?notice=${resent ? 'resent' : 'not_resent'}`, 303);
    });
  };
}
