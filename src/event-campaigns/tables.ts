import type { ColumnType, Selectable } from 'kysely';
import type { PersonalData } from '../context.ts';

// The event campaigns' tables (made by the events' migration 005), merged into the core's
// `Database` below.

export interface EventCampaignTable {
  id: string;
  organization_id: string;
  slug: string;
  title: string;
  description: string;
  /** Spanish versions (migration 021); null: the English one is shown to everyone (src/kits/pages/localized.ts). */
  title_es: ColumnType<string | null, string | null | undefined, string | null>;
  description_es: ColumnType<string | null, string | null | undefined, string | null>;
  status: 'open' | 'closed';
  origin_system: string;
  created_at: string;
  modified_at: string;
}

export interface TrustedHostTable {
  organization_id: string;
  email: string;
  created_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    event_campaigns: EventCampaignTable;
    trusted_hosts: TrustedHostTable;
  }
}

export type EventCampaign = Selectable<EventCampaignTable>;

/** What each column holds, for erasure (Capability.personalData). */
export const EVENT_CAMPAIGNS_PERSONAL_DATA: PersonalData = {
  event_campaigns: {
    rows: 'none',
    columns: Object.fromEntries(['id', 'organization_id', 'slug', 'title', 'description', 'title_es', 'description_es', 'status', 'origin_system', 'created_at', 'modified_at'].map((c) => [c, 'plain' as const])),
  },
  trusted_hosts: {
    rows: 'erase',
    columns: {
      organization_id: 'plain',
      email: { erase: 'clear', why: 'a host the organization trusts: the row is deleted when a person with that email is erased' },
      created_at: 'plain',
    },
  },
};
