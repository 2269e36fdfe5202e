import type { AttentionItem, Context, DashboardPart } from '../../context.ts';
import { invitationsWaiting } from '../repository.ts';

/**
 * The dashboard's partnerships: invitations this organization has to answer (first of all, since
 * a sponsor waits) and those it sent that wait for the partner. No section of its own: the
 * actions are the other capabilities'.
 */
export async function coalitionsDashboard(ctx: Context, organizationId: string): Promise<DashboardPart> {
  const waiting = await invitationsWaiting(ctx.database.db, organizationId);
  const kinds = new Map(ctx.capabilities.flatMap((c) => c.actions ?? []).map((k) => [k.type, k]));
  const titles = new Map<string, string>();
  for (const [type, kind] of kinds) {
    const ids = waiting.filter((w) => w.action_type === type).map((w) => w.action_id);
    if (ids.length > 0) for (const a of await kind.describe(ctx, ids)) titles.set(`${type}:${a.id}`, a.title);
  }
  const what = (w: (typeof waiting)[number]) => {
    const title = titles.get(`${w.action_type}:${w.action_id}`);
    const noun = kinds.get(w.action_type)?.noun ?? w.action_type.replace(/_/g, ' ');
    return title ? `the ${noun} “${title}”` : `a ${noun}`;
  };
  const attention: AttentionItem[] = waiting.map((w) =>
    w.sponsor_organization_id === organizationId
      ? { urgency: 2, href: `${kinds.get(w.action_type)?.consoleBase ?? `/admin/${w.action_type}s`}/${w.action_id}/partners`, text: `${w.partner_name} has not yet answered your invitation to partner on ${what(w)}` }
      : { urgency: 0, href: '/admin/partnerships', text: `${w.sponsor_name} invites you to partner on ${what(w)}: accept or decline` },
  );
  return { attention };
}
