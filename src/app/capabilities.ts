import type { Capability } from '../context.ts';
import { petitions } from '../petitions/index.ts';
import { events } from '../events/index.ts';
import { eventCampaigns } from '../event-campaigns/index.ts';
import { donations } from '../donations/index.ts';
import { openLetters } from '../open-letters/index.ts';
import { letters } from '../letters/index.ts';
import { forms } from '../forms/index.ts';
import { mailings } from '../mailings/index.ts';
import { coalitions } from '../coalitions/index.ts';
import { people } from '../people/index.ts';
import { imports } from '../imports/index.ts';
import { organizers } from '../organizers/index.ts';
import { campaigns } from '../campaigns/index.ts';
import { webhooks } from '../webhooks/index.ts';
import { embeds } from '../embeds/index.ts';

/**
 * The one list of what turnout does. Adding a capability is a folder under src/ with an
 * index.ts that exports a `Capability`, and one line here (docs/ADDING-A-CAPABILITY.md). The
 * public pages, the console and its menu, the API and its entry point, the worker's jobs, the
 * migrations, the home page, the dashboard and erasure are all built from it, in this order.
 */
export const CAPABILITIES: readonly Capability[] = [petitions, events, eventCampaigns, donations, openLetters, letters, forms, mailings, coalitions, people, imports, organizers, embeds, webhooks, campaigns];
