import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { Context } from '../../context.ts';
import type { Db } from '../../db/connect.ts';
import { newId } from '../../util/ids.ts';
import { csvText } from '../../util/csv.ts';
import { decimalString } from '../money.ts';
import { giftsForExport, type GiftFilter } from '../gifts-repository.ts';

/** Action Network's names where its donation exports have one, turnout's own for the rest. */
export const GIFT_COLUMNS = [
  'uuid',
  'first_name',
  'last_name',
  'email',
  'zip_code',
  'can2_country',
  'amount',
  'currency',
  'recurrence',
  'created_date',
  'source',
  'referrer',
  'language',
  'status',
  'refunded',
  'fee_cover',
  'processor',
  'fundraising_page',
] as const;

const CHUNK = 1000;

// The columns of giftsForExport, in its order.
function csvRow(r: unknown[]): unknown[] {
  const [id, given, family, email, zip, country, amount, currency, period, created, source, referrer, language, status, refunded, feeCover, processor, page] = r;
  const cur = String(currency);
  return [
    `turnout:${String(id)}`,
    given ?? '',
    family ?? '',
    email ?? '',
    zip ?? '',
    country ?? '',
    decimalString(Number(amount), cur),
    cur,
    period ?? '',
    created,
    source ?? '',
    referrer ?? '',
    language ?? '',
    status,
    decimalString(Number(refunded), cur),
    decimalString(Number(feeCover), cur),
    processor,
    page ?? '',
  ];
}

async function write(out: Writable, data: string) {
  if (!out.write(data)) await once(out, 'drain');
}

/** Writes the gifts matching `filter` as CSV, oldest first, a thousand rows at a time (memory holds one chunk). */
export async function exportGiftsCsv(database: Db, organizationId: string, filter: GiftFilter, out: Writable) {
  await write(out, csvText([], GIFT_COLUMNS));
  for await (const rows of database.readChunks(giftsForExport(database.db, organizationId, filter), CHUNK)) await write(out, csvText(rows.map(csvRow)));
}

/**
 * The export written to a file first, then handed back as a stream of it, as the petitions'
 * export is: a slow download never holds a database connection (on SQLite, the one every gift
 * and signature waits for). The file is unlinked at once; the open stream keeps its bytes.
 */
export async function spoolGiftsCsv(ctx: Context, organizationId: string, filter: GiftFilter) {
  const dir = path.join(ctx.config.dataDir, 'tmp');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `gifts-${newId()}.csv`);
  try {
    const out = createWriteStream(file, { mode: 0o600 });
    try {
      await exportGiftsCsv(ctx.database, organizationId, filter, out);
    } catch (error) {
      out.destroy();
      throw error;
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    const handle = await open(file, 'r');
    return handle.createReadStream();
  } finally {
    await rm(file, { force: true });
  }
}
