import { DateTime } from 'luxon';
import type { Harness } from './helpers.ts';
import { createEvent } from '../src/events/service.ts';
import { checkEvent, type EventInput, DEFAULT_REMINDERS } from '../src/events/fields.ts';
import { createCampaign } from '../src/event-campaigns/service.ts';
import { lookupZip } from '../src/event-campaigns/places.ts';
import { nowIso } from '../src/util/ids.ts';

/** A day a week from now in Chicago, as the forms take it. */
export const nextWeek = (days = 7) => DateTime.now().setZone('America/Chicago').plus({ days }).toFormat('yyyy-MM-dd');

export async function campaign(h: Harness, organizationId: string, title = 'Week of Action for Privacy') {
  return createCampaign(h.ctx.database.db, organizationId, { title, description: 'Events across the country.\n\nJoin one near you.', status: 'open' }, nowIso());
}

/** A confirmed event in the campaign at the centroid of `zip`, made through the events service. */
export async function confirmedEvent(h: Harness, organizationId: string, campaignId: string, title: string, zip: string, over: Partial<EventInput> & { status?: 'confirmed' | 'pending' | 'rejected' } = {}) {
  const place = lookupZip(zip)!;
  const { status, ...rest } = over;
  const input: EventInput = {
    title,
    description: '',
    instructions: '',
    startDate: nextWeek(),
    startTime: '18:00',
    endDate: nextWeek(),
    endTime: '20:00',
    timezone: 'America/Chicago',
    capacity: null,
    online: false,
    joinUrl: '',
    venue: 'Public library',
    addressLines: ['1 Main St'],
    locality: place.city,
    region: place.state,
    postalCode: zip,
    country: 'US',
    latitude: place.latitude,
    longitude: place.longitude,
    visibility: 'public',
    reminders: DEFAULT_REMINDERS,
    ...rest,
  };
  const { columns, errors } = checkEvent(input);
  if (!columns) throw new Error(`test event is wrong: ${JSON.stringify(errors)}`);
  return h.ctx.committer.submit((uow) => createEvent(uow, organizationId, columns, { campaignId, status: status ?? 'confirmed' }));
}

/** The host form as a browser sends it, for an event in person at `zip`. */
export function hostForm(over: Record<string, string> = {}): Record<string, string> {
  return {
    lang: 'en',
    host_name: 'Rosa Parks',
    host_email: 'Rosa@Example.org',
    title: 'Privacy teach-in',
    description: 'Bring a friend.',
    start_date: nextWeek(10),
    start_time: '18:30',
    end_time: '20:00',
    timezone: 'America/Chicago',
    location_type: 'in_person',
    venue: 'Evanston Public Library',
    address_lines: '1703 Orrington Ave',
    locality: '',
    postal_code: '60201',
    join_url: '',
    capacity: '2',
    ...over,
  };
}
