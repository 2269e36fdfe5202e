import type { EventRow } from './tables.ts';
import type { Language } from '../i18n/index.ts';
import { addressLinesOf } from './fields.ts';

type Timed = Pick<EventRow, 'start_at' | 'end_at' | 'timezone'>;

const locale = (lang: Language) => (lang === 'es' ? 'es-US' : 'en-US');
const formats = new Map<string, { range: Intl.DateTimeFormat; zone: Intl.DateTimeFormat }>();

function formatsFor(lang: Language, timeZone: string) {
  const key = `${lang}\u0000${timeZone}`;
  let f = formats.get(key);
  if (!f) {
    f = {
      range: new Intl.DateTimeFormat(locale(lang), { timeZone, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit' }),
      zone: new Intl.DateTimeFormat(locale(lang), { timeZone, timeZoneName: 'long' }),
    };
    formats.set(key, f);
  }
  return f;
}

/**
 * When an event happens, on its own clock and with the zone's name, in the reader's language:
 * "Saturday, March 14, 2026, 6:00 – 8:00 PM Central Daylight Time". (formatRange would shorten
 * the zone to "CDT", which a reader elsewhere may not know, so the name is added from the start.)
 */
export function eventWhen(event: Timed, lang: Language): string {
  const f = formatsFor(lang, event.timezone);
  const start = new Date(event.start_at);
  const range = f.range.formatRange(start, new Date(event.end_at));
  const zone = f.zone.formatToParts(start).find((p) => p.type === 'timeZoneName')?.value ?? event.timezone;
  return `${range} ${zone}`;
}

/** The area an event is in, for anyone to see: city and region, never the street. */
export function eventArea(event: Pick<EventRow, 'locality' | 'region'>): string {
  return [event.locality, event.region].filter(Boolean).join(', ');
}

/** The full place, one line each, for attendees only: venue, street lines, city, region and ZIP, and the country when not the US. */
export function placeLines(event: Pick<EventRow, 'venue' | 'address_lines' | 'locality' | 'region' | 'postal_code' | 'country'>): string[] {
  const cityLine = [[event.locality, event.region].filter(Boolean).join(', '), event.postal_code].filter(Boolean).join(' ');
  const country = event.country && event.country !== 'US' ? new Intl.DisplayNames(['en'], { type: 'region' }).of(event.country) ?? event.country : '';
  return [event.venue ?? '', ...addressLinesOf(event), cityLine, country].filter(Boolean);
}
