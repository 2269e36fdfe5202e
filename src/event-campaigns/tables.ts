import type { Selectable } from 'kysely';

// The event campaigns' tables (made by the events' migration 005), merged into the core's
// `Database` below.

export interface EventCampaignTable {
  id: string;
  organization_id: string;
  slug: string;
  title: string;
  description: string;
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
