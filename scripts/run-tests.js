// Runs every test file under test/ with Node's test runner (Node 20 has no glob for --test).
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const files = readdirSync('test')
  .filter((f) => f.endsWith('.test.ts') || f.endsWith('.test.tsx'))
  .sort()
  .map((f) => `test/${f}`);
const extra = process.argv.slice(2);
const where = process.env.TEST_DATABASE_URL ? 'SQLite and PostgreSQL' : 'SQLite (set TEST_DATABASE_URL=postgres://… to add PostgreSQL)';
console.log(`Running ${files.length} test files on ${where}`);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...extra, ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
