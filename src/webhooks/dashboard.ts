import type { AttentionItem, Context, DashboardPart } from '../context.ts';

/**
 * The dashboard's webhooks: an endpoint turned off after its failures (nothing reaches the
 * receiver until someone turns it on again) and one failing now (deliveries wait for retries).
 * No section of its own: the webhooks page lists them all.
 */
export async function webhooksDashboard(ctx: Context, organizationId: string): Promise<DashboardPart> {
  const rows = await ctx.database.db
    .selectFrom('webhook_endpoints')
    .select(['id', 'url', 'status', 'disabled_at', 'failing_since'])
    .where('organization_id', '=', organizationId)
    .where((eb) => eb.or([eb('status', '=', 'disabled'), eb('failing_since', 'is not', null)]))
    .orderBy('created_at')
    .execute();
  const host = (url: string) => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  };
  const attention: AttentionItem[] = rows.map((r) =>
    r.status === 'disabled'
      ? { urgency: 1, href: `/admin/webhooks/${r.id}`, text: `The webhook to ${host(r.url)} is turned off after its deliveries failed: nothing is sent to it until you turn it on again` }
      : { urgency: 1, href: `/admin/webhooks/${r.id}`, text: `Deliveries to the webhook at ${host(r.url)} have failed since ${r.failing_since!.slice(0, 16).replace('T', ' ')} UTC; turnout keeps retrying` },
  );
  return { attention };
}
