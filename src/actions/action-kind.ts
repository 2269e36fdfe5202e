import type { Kysely } from 'kysely';
import type { ActionKind, Context, PartneredAction } from '../context.ts';
import type { Database } from '../db/schema.ts';

type Db = Kysely<Database>;
type Count<K extends string> = { [key in K]: string | null } & { n: number | string };

/**
 * Builds an action type's ActionKind (what the coalition screens need of it) from its own
 * queries: the capability says how to read its actions and its grouped counts; the shape of
 * what coalitions get is the same for every type.
 */
export function actionKind<Row extends { id: string; slug: string; title: string }>(k: {
  type: string;
  /** The console's name for one action; by default the type in words ("open_letter": "open letter"). */
  noun?: string;
  /** The console's folder of these actions; by default `/admin/<type>s`. */
  consoleBase?: string;
  /** False when the type takes no partners; true by default. */
  partners?: boolean;
  find(db: Db, organizationId: string, id: string): Promise<Row | undefined>;
  byIds(db: Db, ids: readonly string[]): Promise<Row[]>;
  /** The total, what it counts in a sentence, and where the action lives. */
  present(row: Row): Pick<PartneredAction, 'total' | 'totalText' | 'consolePath' | 'publicPath'>;
  countBySource(db: Db, sponsorId: string, actionId: string): Promise<Count<'source'>[]>;
  countSharedWith(db: Db, sponsorId: string, actionId: string): Promise<Count<'organization_id'>[]>;
  forget(ctx: Context, slug: string): void;
}): ActionKind {
  const partnered = (row: Row): PartneredAction => ({ type: k.type, id: row.id, title: row.title, slug: row.slug, ...k.present(row) });
  return {
    type: k.type,
    noun: k.noun ?? k.type.replaceAll('_', ' '),
    consoleBase: k.consoleBase ?? `/admin/${k.type}s`,
    partners: k.partners ?? true,
    find: async (ctx, organizationId, id) => {
      const row = await k.find(ctx.database.db, organizationId, id);
      return row && partnered(row);
    },
    describe: async (ctx, ids) => (await k.byIds(ctx.database.db, ids)).map(partnered),
    counts: async (ctx, sponsorId, actionId) => {
      const [bySource, sharedWith] = await Promise.all([k.countBySource(ctx.database.db, sponsorId, actionId), k.countSharedWith(ctx.database.db, sponsorId, actionId)]);
      return {
        bySource: new Map(bySource.map((r) => [r.source ?? '', Number(r.n)])),
        sharedWith: new Map(sharedWith.map((r) => [r.organization_id ?? '', Number(r.n)])),
      };
    },
    forget: k.forget,
  };
}
