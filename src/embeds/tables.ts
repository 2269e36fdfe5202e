import type { Selectable } from 'kysely';
import type { PersonalData } from '../context.ts';

/** One origin allowed to embed an organization's actions (migration 020_embeds). */
export interface EmbedOriginTable {
  id: string;
  organization_id: string;
  /** The WHATWG serialization: `https://host` or `https://host:port`, lower case, no path. */
  origin: string;
  /** The organizer's note (which site it is); supporters never see it. */
  note: string;
  created_by: string | null;
  created_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    embed_origins: EmbedOriginTable;
  }
}

export type EmbedOrigin = Selectable<EmbedOriginTable>;

/** Sites, not people: nothing here names a supporter. */
export const EMBEDS_PERSONAL_DATA: PersonalData = {
  embed_origins: { rows: 'none', columns: Object.fromEntries(['id', 'organization_id', 'origin', 'note', 'created_by', 'created_at'].map((c) => [c, 'plain' as const])) },
};
