import { spawn } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { connect } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { capabilityMigrations } from '../../src/app/migrations.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { newId } from '../../src/util/ids.ts';
import { MemorySampler, ROOT } from './processes.ts';

/**
 * A SQLite database holding `rows` signatures (and as many people) on the demo petition,
 * written straight into the file in one transaction (ids made as the application makes them):
 * the export is what is measured, not this.
 */
export async function seedSignatures(dataDir: string, rows: number): Promise<{ databaseUrl: string; slug: string }> {
  const file = path.join(dataDir, 'turnout.sqlite');
  const databaseUrl = `sqlite:${file}`;
  const database = connect(databaseUrl);
  await migrateToLatest(database.db, capabilityMigrations());
  const { petitionSlug } = await seedDemo(database.db);
  const petition = await database.db.selectFrom('petitions').select(['id', 'organization_id']).where('slug', '=', petitionSlug).executeTakeFirstOrThrow();
  await database.close();

  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const person = db.prepare(
    `INSERT INTO people (id, organization_id, email, given_name, family_name, postal_code, country, language, email_status, created_at, modified_at)
     VALUES (?, ?, ?, ?, ?, ?, 'US', 'en', 'subscribed', ?, ?)`,
  );
  const signature = db.prepare(
    `INSERT INTO signatures (id, petition_id, organization_id, person_id, comments, source, referrer, language, confirmed_at, created_at, modified_at)
     VALUES (?, ?, ?, ?, ?, ?, NULL, 'en', ?, ?, ?)`,
  );
  const start = Date.parse('2025-01-01T00:00:00Z');
  const insertAll = db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const at = new Date(start + i * 10).toISOString();
      const personId = newId();
      person.run(personId, petition.organization_id, `export-${i}@example.org`, `Given${i}`, `Family${i}`, String(10000 + (i % 89999)), at, at);
      signature.run(newId(), petition.id, petition.organization_id, personId, i % 10 === 0 ? `Comment number ${i}, with "quotes"` : null, i % 3 === 0 ? 'email' : null, at, at, at);
    }
    db.prepare('UPDATE petitions SET signature_count = ? WHERE id = ?').run(rows, petition.id);
  });
  insertAll();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { databaseUrl, slug: petitionSlug };
}

export interface ExportFigures {
  rows: number;
  seconds: number;
  peakMb: number;
  /** Highest resident memory in the first and in the second half of the export: equal when memory is flat. */
  firstHalfMb: number;
  secondHalfMb: number;
  lines: number;
  bytes: number;
}

/** Times `turnout export signatures` as a child process and samples its memory. */
export async function timeExport(dataDir: string, databaseUrl: string, slug: string, rows: number): Promise<ExportFigures> {
  const output = path.join(dataDir, 'signatures.csv');
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/turnout.js', 'export', 'signatures', '--petition', slug, '--output', output], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const memory = new MemorySampler(child.pid!, 50);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const seconds = (performance.now() - started) / 1000;
  memory.stop();
  if (code !== 0) throw new Error(`export exited with ${code}: ${stderr}`);
  const half = (seconds * 1000) / 2;
  const highest = (xs: { rssMb: number }[]) => xs.reduce((m, s) => Math.max(m, s.rssMb), 0);
  return {
    rows,
    seconds,
    peakMb: memory.peakMb,
    firstHalfMb: highest(memory.samples.filter((s) => s.atMs < half)),
    secondHalfMb: highest(memory.samples.filter((s) => s.atMs >= half)),
    lines: await countLines(output),
    bytes: statSync(output).size,
  };
}

async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return lines;
}
