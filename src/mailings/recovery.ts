import { existsSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import * as repo from './repository.ts';

// What a killed run leaves, and how the next run of its chunk puts it back (src/mailings/
// README.md, "How a mailing goes out", points 4 and 7): the acknowledgement logs of SQLite
// runs, and the recovery that reads them.

/** What recovery needs of the sender's dependencies (src/mailings/sender.ts, SenderDeps). */
interface RecoveryDeps {
  /** SQLite only: where runs keep their acknowledgement logs. */
  ackDir?: string;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

/** A row left `sending` longer than this by another chain is taken back (a chunk runs seconds). */
export const ABANDONED_MS = 2 * 60_000;

/**
 * SQLite only. A commit there is written to the log (and would survive a killed process) before
 * its fdatasync ends and the driver answers; a message's end is sent only after the answer. A
 * process killed in between leaves rows that say `sent` for messages whose end never left. So
 * each batch, once answered, is noted in a small file with a synchronous write before the ends
 * go out; after a crash, rows of a later batch than the file's last go back in the queue.
 * PostgreSQL answers a commit only once it is visible, so it needs no such log.
 */
export class AckLog {
  private fd: number | null = null;
  constructor(private readonly file: string) {}
  /** Made before the first send, so that a log still there says its run did not finish (removed at the end). */
  open(): void {
    if (this.fd !== null) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    this.fd = openSync(this.file, 'a');
  }
  note(batch: number): void {
    this.open();
    writeSync(this.fd!, `${batch}\n`);
  }
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    rmSync(this.file, { force: true });
  }
  /** The last batch a (dead) run noted, or 0. */
  static last(file: string): number {
    try {
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      return Number(lines[lines.length - 1]) || 0;
    } catch {
      return 0;
    }
  }
}

/** A run's log: `<mailing>.<chunk>-<run>.ack`, so that a mailing's recovery reads and removes only its own runs' logs. */
export const ackFile = (dir: string, mailingId: string, claim: string) => path.join(dir, `${safeName(mailingId)}.${claimName(claim)}.ack`);

const safeName = (s: string) => s.replace(/[^0-9a-z-]/gi, '_');
const claimName = (claim: string) => claim.replace(/[^0-9a-z:-]/gi, '_').replace(':', '-');

/**
 * The log of a mailing's run, if it has one: its own name, or the name logs had before they
 * carried the mailing (`<chunk>-<run>.ack`), for a run killed before an upgrade.
 */
function logOf(dir: string, mailingId: string, claim: string): string | null {
  for (const file of [ackFile(dir, mailingId, claim), path.join(dir, `${claimName(claim)}.ack`)]) if (existsSync(file)) return file;
  return null;
}

/**
 * Puts back what dead runs of `chunk` held: rows still `sending`, and (SQLite) sends recorded
 * after the last batch the run's log acknowledged, whose ends never left. A run's log is made
 * before its first send, so a run without one has nothing to put back. A settled run's sent
 * rows leave its claim in the same transaction, so no later recovery reads its log again (a log
 * already removed would read as nothing acknowledged, and send those rows twice); the logs go
 * into `settled`, to be removed once the transaction has committed. So do the logs of dead runs
 * that recorded no send (killed before their first): they have nothing to put back (their rows
 * still `sending` go back as abandoned ones do), and would otherwise stay for good.
 */
export async function recoverDeadRuns(trx: Transaction<Database>, deps: RecoveryDeps, mailingId: string, chunk: number, run: string, start: Date, settled: string[]): Promise<number> {
  let back = await repo.requeueAbandoned(trx, mailingId, { chunkPrefix: `${chunk}:`, before: new Date(start.getTime() - ABANDONED_MS).toISOString() });
  if (!deps.ackDir) return back;
  const withSends = await repo.runsWithSends(trx, mailingId, `${chunk}:`, run);
  for (const dead of withSends) {
    const file = logOf(deps.ackDir, mailingId, dead);
    // No log: the run ended (its log goes after its last transaction) or was settled already.
    // Its job may still run again (a worker killed before marking it done): nothing to put back.
    if (!file) continue;
    const n = await repo.requeueUnacknowledged(trx, mailingId, dead, AckLog.last(file));
    if (n > 0) deps.log?.('mailing: sends recorded but not answered before a crash go again', { mailing: mailingId, rows: n });
    await repo.settleRun(trx, mailingId, dead);
    settled.push(file);
    back += n;
  }
  // This mailing's other logs of this chunk (the name carries the mailing): runs that recorded no send.
  const mine = [run, ...withSends].map((claim) => path.basename(ackFile(deps.ackDir!, mailingId, claim)));
  const prefix = `${safeName(mailingId)}.${claimName(`${chunk}:`)}`;
  for (const name of existsSync(deps.ackDir) ? readdirSync(deps.ackDir) : []) {
    if (name.startsWith(prefix) && name.endsWith('.ack') && !mine.includes(name)) settled.push(path.join(deps.ackDir, name));
  }
  return back;
}

/** SQLite: whether any run of the mailing still has its acknowledgement log (at work, or killed and not yet settled). */
export async function runsOpen(trx: Transaction<Database>, deps: RecoveryDeps, mailingId: string): Promise<boolean> {
  if (!deps.ackDir) return false;
  const dir = deps.ackDir;
  return (await repo.runsWithSends(trx, mailingId, '', '')).some((claim) => logOf(dir, mailingId, claim) !== null);
}

/**
 * Whether a run of `chunk` that is no longer the head was left unfinished by a killed process:
 * rows still `sending` under its claim, or (SQLite) a run's acknowledgement log still there (the
 * log is made before a run's first send and removed once the run is over).
 */
export async function unfinished(trx: Transaction<Database>, deps: RecoveryDeps, mailingId: string, chunk: number): Promise<boolean> {
  if (await repo.hasRows(trx, mailingId, 'sending', `${chunk}:`)) return true;
  if (!deps.ackDir) return false;
  const dir = deps.ackDir;
  return (await repo.runsWithSends(trx, mailingId, `${chunk}:`, '')).some((claim) => logOf(dir, mailingId, claim) !== null);
}
