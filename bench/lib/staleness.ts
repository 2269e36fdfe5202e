import { connect } from '../../src/db/connect.ts';

interface Reading {
  atMs: number;
  count: number;
}

export interface Staleness {
  /** Highest age, in ms, of a count shown on the page (an upper bound: see `resolutionMs`). */
  maxMs: number;
  /** Median age of the shown count. */
  p50Ms: number;
  samples: number;
  /** The database was read this often; the ages are upper bounds that far out. */
  resolutionMs: number;
}

/**
 * Measures how old the count on the public page is while signatures arrive: reads the
 * petition's counter in the database every `dbEveryMs` and the page every `pageEveryMs`. A
 * count shown on the page stopped being true when the database first held more; the page's
 * age is the time from then to the moment it was served. Since the database is only read
 * every `dbEveryMs`, "then" is taken as the last reading that still held the shown count, so
 * each age is an upper bound.
 */
export function watchStaleness(opts: { baseUrl: string; databaseUrl: string; slug: string; dbEveryMs?: number; pageEveryMs?: number }) {
  const dbEveryMs = opts.dbEveryMs ?? 50;
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const { db, close } = connect(opts.databaseUrl);
  const counts: Reading[] = [];
  const shown: { doneMs: number; count: number }[] = [];
  let running = true;

  const dbLoop = (async () => {
    while (running) {
      const r = await db.selectFrom('petitions').select('signature_count').where('slug', '=', opts.slug).executeTakeFirstOrThrow();
      counts.push({ atMs: now(), count: Number(r.signature_count) });
      await new Promise((resolve) => setTimeout(resolve, dbEveryMs));
    }
  })();
  const pageLoop = (async () => {
    while (running) {
      const res = await fetch(`${opts.baseUrl}/petitions/${opts.slug}`);
      const html = await res.text();
      const m = /<progress[^>]*\bvalue="(\d+)"/.exec(html);
      if (m) shown.push({ doneMs: now(), count: Number(m[1]) });
      await new Promise((resolve) => setTimeout(resolve, opts.pageEveryMs ?? 100));
    }
  })();

  return async function stop(): Promise<Staleness> {
    running = false;
    await Promise.all([dbLoop, pageLoop]);
    await close();
    const ages: number[] = [];
    for (const s of shown) {
      // The last database reading that still held what the page showed, before the page was served.
      let lastTrue: Reading | undefined;
      let overtaken = false;
      for (const c of counts) {
        if (c.atMs > s.doneMs) break;
        if (c.count <= s.count) lastTrue = c;
        else overtaken = true;
      }
      if (!overtaken || !lastTrue) {
        ages.push(0);
        continue;
      }
      // Readings after lastTrue all held more than the page: it was stale since lastTrue at the latest.
      const firstMore = counts.find((c) => c.atMs > lastTrue!.atMs && c.count > s.count);
      ages.push(firstMore && firstMore.atMs <= s.doneMs ? s.doneMs - lastTrue.atMs : 0);
    }
    ages.sort((a, b) => a - b);
    return {
      maxMs: ages.at(-1) ?? 0,
      p50Ms: ages[Math.floor(ages.length / 2)] ?? 0,
      samples: ages.length,
      resolutionMs: dbEveryMs,
    };
  };
}
