// Keeps the code's shape (docs/ARCHITECTURE.md): reads the import graph of src/ and fails on an
// import cycle between files, a kit or core module importing a capability, a capability reaching
// into another capability's files instead of its entry (index.ts), and a source file that has
// grown past about 400 lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const SRC = resolve(import.meta.dirname, '../src');
const MAX_LINES = 400;
/** Folders that put the capabilities together: they may import any capability's entry. */
const COMPOSITION = new Set(['app', 'cli', 'demo']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const files = sourceFiles(SRC);
const known = new Set(files);
const rel = (path: string) => relative(SRC, path).split(sep).join('/');

/** Each file's imports of other files under src/ (static, dynamic and `export … from`). */
const graph = new Map<string, string[]>(
  files.map((file) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolve(dirname(file), spec))
      .filter((path) => known.has(path));
    return [file, [...new Set(targets)]];
  }),
);

/** The capability folders: those the one list (src/app/capabilities.ts) imports. */
const capabilities = new Set(
  graph
    .get(join(SRC, 'app/capabilities.ts'))!
    .map((path) => rel(path).split('/')[0]!)
    .filter((folder) => !COMPOSITION.has(folder)),
);
const folderOf = (path: string) => {
  const parts = rel(path).split('/');
  return parts.length > 1 ? parts[0]! : '';
};

test('the capabilities are read from the one list', () => {
  for (const name of ['petitions', 'events', 'event-campaigns', 'people', 'imports', 'coalitions']) {
    assert.ok(capabilities.has(name), `${name} is not in src/app/capabilities.ts`);
  }
});

test('no import cycle between files of src/', () => {
  // Tarjan's strongly connected components: every component of more than one file is a cycle.
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) === order.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(rel(w));
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) cycles.push(component.sort());
    }
  };
  for (const file of files) if (!order.has(file)) visit(file);
  assert.deepEqual(cycles, [], `import cycles:\n${cycles.map((c) => c.join(' <-> ')).join('\n')}`);
});

test('kits and the core import no capability', () => {
  const wrong: string[] = [];
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    if (capabilities.has(from) || COMPOSITION.has(from)) continue;
    for (const target of targets) if (capabilities.has(folderOf(target))) wrong.push(`${rel(file)} -> ${rel(target)}`);
  }
  assert.deepEqual(wrong, []);
});

test('a capability reaches another only through its entry (index.ts)', () => {
  const wrong: string[] = [];
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    if (!capabilities.has(from) && !COMPOSITION.has(from)) continue;
    for (const target of targets) {
      const to = folderOf(target);
      if (to !== from && capabilities.has(to) && rel(target) !== `${to}/index.ts`) wrong.push(`${rel(file)} -> ${rel(target)}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test(`no source file is longer than ${MAX_LINES} lines`, () => {
  const long = files
    .map((file) => [rel(file), readFileSync(file, 'utf8').split('\n').length] as const)
    .filter(([, lines]) => lines > MAX_LINES)
    .map(([name, lines]) => `${name} (${lines})`);
  assert.deepEqual(long, []);
});
