import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import { can } from '../../accounts/policy.ts';
import { audit } from '../../accounts/service.ts';
import { newId, nowIso } from '../../util/ids.ts';
import { AdminLayout, type AdminPage } from '../../kits/console/layout.tsx';
import { adminPage, sendAdmin } from '../../kits/console/page.tsx';
import { number } from '../../kits/console/format.ts';
import { deleteDelivery, deliveriesOf, insertDelivery } from '../../kits/delivery/repository.ts';
import { DeliverySection, readDeliveryForm, type DeliveryForm, type DeliveryFormErrors } from '../../kits/delivery/record.tsx';
import type { Delivery } from '../../kits/delivery/tables.ts';
import { spoolToFile } from '../../kits/delivery/spool.ts';
import { findOrganization } from '../../orgs/repository.ts';
import { petitionCache } from '../public-cache.ts';
import * as repo from '../repository.ts';
import type { Petition } from '../tables.ts';
import { PetitionNotFoundPage } from './pages.tsx';

type IdParams = { Params: { id: string } };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function DeliveryPage(props: { page: AdminPage; petition: Petition; deliveries: Delivery[]; form?: DeliveryForm; errors?: DeliveryFormErrors; can: { record: boolean; export: boolean } }): JSX.Element {
  const p = props.petition;
  return (
    <AdminLayout page={props.page} title={`Delivery: ${p.title}`}>
      <p>
        <a href={`/admin/petitions/${p.id}`}>Back to the petition</a>
      </p>
      <h1 safe>{`Delivery: ${p.title}`}</h1>
      <p safe>{`${number(p.signature_count)} signatures. The PDF holds the petition, its count, the count by state and the signers’ names and places, never their emails.`}</p>
      {props.can.export ? (
        <p>
          <a href={`/admin/petitions/${p.id}/delivery.pdf`}>Download the petition for its target (PDF)</a> · <a href={`/admin/petitions/${p.id}/delivery.csv`}>the signers’ names and places (CSV)</a>
        </p>
      ) : (
        ''
      )}
      <DeliverySection csrf={props.page.csrf} action={`/admin/petitions/${p.id}/deliveries`} deliveries={props.deliveries} form={props.form} errors={props.errors} canRecord={props.can.record} />
    </AdminLayout>
  );
}

/** A petition's delivery to its target in the console: the PDF and CSV to hand over, and the record of each delivery. */
export function petitionDeliveryRoutes(ctx: Context) {
  const db = ctx.database.db;
  const find = (request: FastifyRequest<IdParams>) =>
    UUID.test(request.params.id) ? repo.findPetition(db, request.organizer!.organization!.id, request.params.id.toLowerCase()) : Promise.resolve(undefined);
  const notFound = (request: FastifyRequest, reply: FastifyReply) => sendAdmin(reply, <PetitionNotFoundPage page={adminPage(request, reply)} />, 404);
  const show = async (request: FastifyRequest, reply: FastifyReply, petition: Petition, o: { notice?: string; form?: DeliveryForm; errors?: DeliveryFormErrors } = {}) => {
    const role = request.organizer!.organization!.role;
    const deliveries = await deliveriesOf(db, petition.organization_id, 'petition', petition.id);
    return sendAdmin(
      reply,
      <DeliveryPage page={adminPage(request, reply, o.notice)} petition={petition} deliveries={deliveries} form={o.form} errors={o.errors} can={{ record: can(role, 'manage_actions'), export: can(role, 'export_data') }} />,
      o.errors ? 422 : 200,
    );
  };
  const auditAs = (request: FastifyRequest, action: string, subject: string, details: Record<string, unknown>) =>
    audit(db, { organizationId: request.organizer!.organization!.id, userId: request.organizer!.session.user_id, action, subject, details });

  return async function (app: FastifyInstance) {
    app.get<IdParams & { Querystring: Record<string, unknown> }>('/petitions/:id/delivery', { config: { permission: 'view_reports' } }, async (request, reply) => {
      const petition = await find(request);
      if (!petition) return notFound(request, reply);
      const notice = request.query.notice === 'delivered' ? 'Delivery recorded.' : request.query.notice === 'removed' ? 'Delivery record removed.' : undefined;
      return show(request, reply, petition, { notice });
    });

    for (const format of ['pdf', 'csv'] as const) {
      app.get<IdParams>(`/petitions/:id/delivery.${format}`, { config: { permission: 'export_data' } }, async (request, reply) => {
        const petition = await find(request);
        if (!petition) return notFound(request, reply);
        const { writePetitionPdf, writePetitionDeliveryCsv } = await import('../delivery.ts');
        const sponsor = (await findOrganization(db, petition.organization_id))?.name ?? '';
        await auditAs(request, 'petition.delivery_exported', petition.id, { format, signatures: petition.signature_count });
        const file = await spoolToFile(ctx.config.dataDir, (out) => (format === 'pdf' ? writePetitionPdf(ctx.database, petition, sponsor, out, nowIso()) : writePetitionDeliveryCsv(ctx.database, petition, out)));
        return reply
          .type(format === 'pdf' ? 'application/pdf' : 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${petition.slug.replace(/[^a-z0-9-]/g, '')}-delivery.${format}"`)
          .header('cache-control', 'no-store')
          .send(file);
      });
    }

    app.post<IdParams & { Body: Record<string, unknown> }>('/petitions/:id/deliveries', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const petition = await find(request);
      if (!petition) return notFound(request, reply);
      const { form, errors, record } = readDeliveryForm(request.body);
      if (!record) return show(request, reply, petition, { form, errors });
      const id = newId();
      await insertDelivery(db, { id, organization_id: petition.organization_id, action_type: 'petition', action_id: petition.id, ...record, created_by: request.organizer!.session.user_id, created_at: nowIso() });
      await auditAs(request, 'petition.delivered', petition.id, { delivery: id, delivered_on: record.delivered_on, method: record.method, shown: record.shown === 1 });
      petitionCache(ctx).forget(petition.slug);
      return reply.redirect(`/admin/petitions/${petition.id}/delivery?notice=delivered`, 303);
    });

    app.post<{ Params: { id: string; deliveryId: string } }>('/petitions/:id/deliveries/:deliveryId/delete', { config: { permission: 'manage_actions' } }, async (request, reply) => {
      const petition = await find(request);
      if (!petition || !UUID.test(request.params.deliveryId)) return notFound(request, reply);
      if (!(await deleteDelivery(db, petition.organization_id, 'petition', petition.id, request.params.deliveryId.toLowerCase()))) return notFound(request, reply);
      await auditAs(request, 'petition.delivery_removed', petition.id, { delivery: request.params.deliveryId });
      petitionCache(ctx).forget(petition.slug);
      return reply.redirect(`/admin/petitions/${petition.id}/delivery?notice=removed`, 303);
    });
  };
}
