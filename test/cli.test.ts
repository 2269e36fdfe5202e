import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { targets } from './helpers.ts';
import { ensureSchema, dropSchema } from '../src/db/connect.ts';

const BIN = path.resolve('bin/turnout.js');

for (const target of targets()) {
  describe(`turnout CLI on ${target.name}`, () => {
    let dataDir: string;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'turnout-cli-'));
      let databaseUrl = `sqlite:${path.join(dataDir, 'turnout.sqlite')}`;
      if (target.name === 'postgres') {
        const url = new URL(process.env.TEST_DATABASE_URL!);
        url.searchParams.set('schema', `cli_${randomBytes(5).toString('hex')}`);
        databaseUrl = url.toString();
        await ensureSchema(databaseUrl);
      }
      env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' };
    });
    after(async () => {
      if (target.name === 'postgres') await dropSchema(env.DATABASE_URL!);
      rmSync(dataDir, { recursive: true, force: true });
    });

    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });

    it('prints help for the tool and for each command', () => {
      const top = run('--help');
      assert.equal(top.status, 0);
      for (const c of ['serve', 'worker', 'migrate', 'export', 'demo', 'org', 'token', 'jobs']) assert.match(top.stdout, new RegExp(`\\b${c}\\b`));
      const sub = run('org', '--help');
      assert.equal(sub.status, 0);
      assert.match(sub.stdout, /org create --name NAME/);
    });

    it('migrates, creates an organization and a token, and refuses bad input on stderr with a non-zero exit', () => {
      assert.equal(run('migrate').status, 0);
      const org = run('org', 'create', '--name', 'Neighbours for Privacy');
      assert.equal(org.status, 0, org.stderr);
      assert.equal(org.stdout.trim(), 'neighbours-for-privacy');
      const dup = run('org', 'create', '--name', 'Again', '--slug', 'neighbours-for-privacy');
      assert.notEqual(dup.status, 0);
      assert.match(dup.stderr, /already exists/);
      const token = run('token', 'create', '--org', 'neighbours-for-privacy');
      assert.equal(token.status, 0, token.stderr);
      const last = token.stdout.trim().split('\n').at(-1)!;
      assert.match(last, /^tnt_[A-Za-z0-9_-]{40,}$/);
      const noOrg = run('token', 'create', '--org', 'nobody');
      assert.notEqual(noOrg.status, 0);
      assert.match(noOrg.stderr, /no organization with slug "nobody"/);
      const withPassword = spawnSync(process.execPath, [BIN, 'user', 'create', '--email', 'Owner@Neighbours.example', '--org', 'neighbours-for-privacy', '--role', 'owner', '--password-stdin'], { env, encoding: 'utf8', input: 'plum orchard lantern 42\n' });
      assert.equal(withPassword.status, 0, withPassword.stderr);
      assert.match(withPassword.stdout, /owner@neighbours\.example is owner of Neighbours for Privacy/);
      const weak = spawnSync(process.execPath, [BIN, 'user', 'create', '--email', 'weak@neighbours.example', '--org', 'neighbours-for-privacy', '--password-stdin'], { env, encoding: 'utf8', input: 'password123\n' });
      assert.notEqual(weak.status, 0);
      assert.match(weak.stderr, /too common/);
      const linkOnly = run('user', 'create', '--email', 'viewer@neighbours.example', '--org', 'neighbours-for-privacy', '--role', 'viewer');
      assert.equal(linkOnly.status, 0, linkOnly.stderr);
      assert.match(linkOnly.stdout.trim().split('\n').at(-1)!, /^http:\/\/localhost:3000\/admin\/links\/[0-9a-f-]+\/[A-Za-z0-9_-]+$/);
      const badRole = run('user', 'create', '--email', 'x@neighbours.example', '--org', 'neighbours-for-privacy', '--role', 'king');
      assert.notEqual(badRole.status, 0);
      assert.match(badRole.stderr, /--role must be owner, admin, organizer or viewer/);
      const unknown = run('frobnicate');
      assert.notEqual(unknown.status, 0);
      assert.match(unknown.stderr, /unknown command/);
      const badFlag = run('org', 'create', '--nmae', 'x');
      assert.notEqual(badFlag.status, 0);
      assert.doesNotMatch(badFlag.stderr, /\n\s+at /, 'no stack trace');
    });

    it('seeds the demo once, sends mail with the worker, and exports signatures as CSV with Action Network column names', async () => {
      assert.equal(run('demo').status, 0);
      assert.match(run('demo').stdout, /already there/);
      // Sign through the real app in-process against the same database.
      const { loadConfig } = await import('../src/config.ts');
      const { createContext } = await import('../src/app/context.ts');
      const { buildApp } = await import('../src/app/build-app.ts');
      const ctx = await createContext(loadConfig(env));
      const app = await buildApp(ctx);
      for (const [given, email, comment] of [
        ['Ana', 'ana@example.org', 'Why not'],
        ['=HYPERLINK("http://evil.example","x")', 'eve@example.org', '+1 formula'],
      ]) {
        const res = await app.inject({
          method: 'POST',
          url: '/petitions/stop-selling-face-surveillance?source=newsletter',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ given_name: given!, family_name: 'Q', email: email!, postal_code: '10001', comments: comment! }).toString(),
        });
        assert.equal(res.statusCode, 303);
      }
      await app.close();
      await ctx.close();

      const worker = run('worker', '--once');
      assert.equal(worker.status, 0, worker.stderr);
      assert.match(worker.stdout, /ran 2 job/);
      const eml = readFileSync(path.join(dataDir, 'mail', readdir(path.join(dataDir, 'mail'))[0]!), 'utf8');
      assert.match(eml, /Subject: Thank you for signing/);
      assert.match(eml, /Message-ID:\s*<signature-/i);

      const file = path.join(dataDir, 'out.csv');
      const exp = run('export', 'signatures', '--petition', 'stop-selling-face-surveillance', '--output', file);
      assert.equal(exp.status, 0, exp.stderr);
      const rows = parse(readFileSync(file), { columns: true }) as Record<string, string>[];
      assert.equal(rows.length, 2);
      assert.deepEqual(Object.keys(rows[0]!).slice(0, 7), ['uuid', 'first_name', 'last_name', 'email', 'zip_code', 'can2_country', 'can2_subscription_status']);
      assert.equal(rows[0]!.first_name, 'Ana');
      assert.equal(rows[0]!.source, 'newsletter');
      assert.equal(rows[1]!.first_name, `'=HYPERLINK("http://evil.example","x")`, 'a formula is made text');
      assert.equal(rows[1]!.comments, `'+1 formula`);

      const stdout = run('export', 'signatures', '--petition', 'stop-selling-face-surveillance');
      assert.equal(stdout.status, 0);
      assert.match(stdout.stdout.split('\n')[0]!, /^uuid,first_name,last_name,email,zip_code/);
      const missing = run('export', 'signatures', '--petition', 'nope');
      assert.notEqual(missing.status, 0);
      assert.match(missing.stderr, /no petition with slug "nope"/);

      const jobs = run('jobs');
      assert.equal(jobs.status, 0);
      assert.match(jobs.stdout, /2 done, 0 failed/);
    });

    it('serves the demo, with every kind of action, when started from another folder', async () => {
      const port = String(40_000 + Math.floor(Math.random() * 20_000));
      // A folder with no tsconfig.json: the pages must still compile with the project's JSX settings.
      const server = spawn(process.execPath, [BIN, 'serve', '--demo', '--no-worker'], { env: { ...env, PORT: port, BASE_URL: `http://127.0.0.1:${port}` }, cwd: dataDir });
      try {
        let printed = '';
        server.stdout.setEncoding('utf8');
        server.stdout.on('data', (chunk: string) => (printed += chunk));
        const deadline = Date.now() + 30_000;
        while (!printed.includes('turnout is running') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        assert.match(printed, /turnout is running/);
        const base = `http://127.0.0.1:${port}`;
        const home = await fetch(`${base}/`);
        assert.equal(home.status, 200);
        const html = await home.text();
        for (const part of ['/petitions/stop-selling-face-surveillance', '/event_campaigns/week-of-action-against-face-surveillance', '/events/']) assert.ok(html.includes(part), `the home page links ${part}`);
        assert.equal((await fetch(`${base}/event_campaigns/week-of-action-against-face-surveillance`)).status, 200);
        assert.match(await (await fetch(`${base}/events`)).text(), /Teach-in: how face recognition reaches our streets/);
      } finally {
        server.kill('SIGTERM');
        await once(server, 'exit');
      }
    });
  });
}

function readdir(dir: string): string[] {
  return spawnSync('ls', [dir], { encoding: 'utf8' }).stdout.trim().split('\n');
}
