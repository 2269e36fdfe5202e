import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { newId } from '../../util/ids.ts';

/**
 * Writes a download (a PDF, a CSV) to a private temporary file, then hands back a stream of it:
 * reading the database straight into the response would hold a connection for as long as the
 * slowest download takes. The file is unlinked at once; the open stream keeps its bytes.
 */
export async function spoolToFile(dataDir: string, write: (out: Writable) => Promise<void>) {
  const dir = path.join(dataDir, 'tmp');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `delivery-${newId()}`);
  try {
    const out = createWriteStream(file, { mode: 0o600 });
    try {
      await write(out);
    } catch (error) {
      out.destroy();
      throw error;
    }
    if (!out.writableFinished) await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    const handle = await open(file, 'r');
    return handle.createReadStream();
  } finally {
    await rm(file, { force: true });
  }
}
