import { CompiledQuery, type Compilable, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Q = Kysely<Database> | Transaction<Database>;

/** The most rows one statement of a `RowStatement` carries on SQLite; a bigger batch is several statements. */
export const MOST_ROWS = 64;
/** On PostgreSQL, where each statement is a round trip and a text is not prepared: one statement of up to this many rows. */
export const MOST_ROWS_POSTGRES = 128;

/** SQLite: the rows of a batch in statements of 64, 32, … 1 rows (50 rows are 32 + 16 + 2), so a handful of texts are prepared. */
export function ladder(n: number): number[] {
  const sizes: number[] = [];
  let left = n;
  while (left > 0) {
    let size = MOST_ROWS;
    while (size > left) size >>= 1;
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

/** PostgreSQL: statements of up to 128 rows, each of its batch's own size (a round trip costs more there than a text). */
export function runs(n: number): number[] {
  const sizes: number[] = [];
  for (let left = n; left > 0; left -= MOST_ROWS_POSTGRES) sizes.push(Math.min(left, MOST_ROWS_POSTGRES));
  return sizes;
}

// A value the cached text can carry as a parameter; anything else (an expression, a missing
// column) goes through Kysely, which knows what to do with it.
const plain = (v: unknown) => v === null || (v !== undefined && (typeof v !== 'object' || v instanceof Uint8Array));

/**
 * A multi-row statement (an insert, an upsert) whose text is compiled once for each size, not
 * built again for every batch. Kysely parses each row of `values(rows)` and compiles a new text
 * for each batch, and SQLite then prepares each new text (a batch size is a text of its own):
 * for a surge's signatures that was a sixth of the write. Here a size's text is compiled once,
 * with marked values, and kept only if the compiled parameters are exactly those values, row
 * after row (so nothing else in the statement is a parameter); a batch is then sent as one or a
 * few of those texts with its rows' values. On SQLite the sizes are a short ladder (`ladder`),
 * so few statements are prepared and kept; on PostgreSQL a batch of up to 128 rows is one
 * statement (`runs`), since there each statement is a round trip. Rows that are not plain (a
 * column missing, an expression for a value) are built by Kysely as before.
 */
export class RowStatement<Row extends object, Out = unknown> {
  // By dialect, columns and size: the text, or null when the statement cannot be cached.
  private readonly texts = new Map<string, string | null>();

  constructor(
    readonly name: string,
    private readonly build: (q: Q, rows: Row[]) => Compilable<Out>,
  ) {}

  /** Runs the statement for the rows and returns what it returned (its `returning` rows). */
  async execute(q: Q, rows: readonly Row[]): Promise<Out[]> {
    if (rows.length === 0) return [];
    const postgres = q.getExecutor().adapter.constructor.name === 'PostgresAdapter';
    const sizes = postgres ? runs(rows.length) : ladder(rows.length);
    // Several statements are one write, as the one multi-row statement they replace was.
    if (sizes.length > 1 && !q.isTransaction) return q.transaction().execute((trx) => this.execute(trx, rows));
    const columns = Object.keys(rows[0]!);
    const uniform = rows.every((row) => {
      const values = row as Record<string, unknown>;
      let n = 0;
      for (const key in values) {
        if (columns[n++] !== key || !plain(values[key])) return false;
      }
      return n === columns.length;
    });
    const out: Out[] = [];
    let at = 0;
    for (const size of sizes) {
      const part = rows.slice(at, at + size);
      at += size;
      const text = uniform ? this.text(q, columns, size) : null;
      if (text === null) {
        for (const r of (await q.executeQuery(this.build(q, part))).rows) out.push(r);
        continue;
      }
      const parameters: unknown[] = [];
      for (const row of part) for (const c of columns) parameters.push((row as Record<string, unknown>)[c]);
      for (const r of (await q.executeQuery<Out>(CompiledQuery.raw(text, parameters))).rows) out.push(r);
    }
    return out;
  }

  private text(q: Q, columns: string[], size: number): string | null {
    const key = `${q.getExecutor().adapter.constructor.name}|${columns.join(',')}|${size}`;
    let text = this.texts.get(key);
    if (text === undefined) {
      const marks: string[] = [];
      const rows = Array.from({ length: size }, (_, r) => Object.fromEntries(columns.map((c, i) => [c, marks[marks.push(`\u0001${r}:${i}\u0001`) - 1]])) as Row);
      const compiled = this.build(q, rows).compile();
      const same = compiled.parameters.length === marks.length && compiled.parameters.every((p, i) => p === marks[i]);
      text = same ? compiled.sql : null;
      this.texts.set(key, text);
    }
    return text;
  }
}
