import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organization, organizerIn, type SignedIn } from './admin-helpers.ts';
import { makeEvent } from './events-support.ts';
import { campaign, hostForm } from './event-campaigns-support.ts';
import { CAPABILITIES } from '../src/app/capabilities.ts';
import { CORE_PERSONAL_DATA } from '../src/db/personal-data.ts';
import type { Database } from '../src/db/schema.ts';
import type { PersonalData } from '../src/context.ts';
import { createPetition } from '../src/petitions/service.ts';
import { confirmHostEmail, moderateEvent } from '../src/event-campaigns/service.ts';
import { receiveUpload, startImport } from '../src/imports/service.ts';
import { STOPPED_BY_ERASURE } from '../src/imports/erasure.ts';
import { newId, nowIso } from '../src/util/ids.ts';
import { createApiToken } from '../src/orgs/service.ts';
import { setCustomFields } from '../src/people/index.ts';
import { checkQuestions, createForm } from '../src/forms/index.ts';

// Erasure clears every column that holds a person's data, in every capability's tables: each
// capability declares its columns (Capability.personalData, the core's in src/db/personal-data.ts),
// this test holds those declarations against the schema of a migrated database, then fills
// every record type for one person, erases them and looks for what they typed anywhere.

/** The columns of every table of the migrated database, as the database itself lists them. */
async function actualSchema(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): Promise<Map<string, string[]>> {
  const tables = new Map<string, string[]>();
  if (dialect === 'sqlite') {
    const names = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
    for (const { name } of names.rows) {
      const columns = await sql<{ name: string }>`select name from pragma_table_info(${name})`.execute(db);
      tables.set(name, columns.rows.map((c) => c.name));
    }
  } else {
    const rows = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = current_schema() order by table_name, ordinal_position`.execute(db);
    for (const r of rows.rows) tables.set(r.table_name, [...(tables.get(r.table_name) ?? []), r.column_name]);
  }
  return tables;
}

/** Every declaration, with who made it; a table declared twice is an error. */
function declarations(): Map<string, { by: string; data: PersonalData[string] }> {
  const all = new Map<string, { by: string; data: PersonalData[string] }>();
  const add = (by: string, data: PersonalData | undefined) => {
    for (const [table, t] of Object.entries(data ?? {})) {
      assert.ok(!all.has(table), `table ${table} is declared by both ${all.get(table)?.by} and ${by}`);
      all.set(table, { by, data: t });
    }
  };
  add('the core (src/db/personal-data.ts)', CORE_PERSONAL_DATA);
  for (const c of CAPABILITIES) add(`capability ${c.name}`, c.personalData);
  return all;
}

/** Every text (and byte) value of every row, by table and column. */
async function everyValue(db: Kysely<Database>, schema: Map<string, string[]>) {
  const values: { where: string; text: string }[] = [];
  for (const [table] of schema) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    for (const row of rows.rows) {
      for (const [column, v] of Object.entries(row)) {
        if (typeof v === 'string') values.push({ where: `${table}.${column}`, text: v });
        else if (Buffer.isBuffer(v)) values.push({ where: `${table}.${column}`, text: v.toString('utf8') });
      }
    }
  }
  return values;
}

const EMAIL = 'Zelda.Quill@Example.org';
const GIVEN = 'Zelda';
const FAMILY = 'Quillfeather';
const PHONE = '(312) 555-0199';
const COMMENT = 'My private reason: xyzzy plugh';
const RSVP_COMMENT = 'I use a wheelchair, frobozz';
/** What must be found nowhere once the person is erased (lower case; values are compared in lower case). */
const TRACES = [EMAIL.toLowerCase(), GIVEN.toLowerCase(), FAMILY.toLowerCase(), '555-0199', 'xyzzy', 'frobozz', 'zelda-source'];

for (const target of targets()) {
  describe(`erasure on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let owner: SignedIn;
    const db = () => h.ctx.database.db;

    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Erasure Org')).id;
      owner = await organizerIn(h, orgId, 'owner', 'owner@example.net');
    });
    after(() => h.close());

    it('knows every column of the migrated database: each is declared, personal or not, by the core or a capability', async () => {
      const schema = await actualSchema(db(), target.name);
      const declared = declarations();
      const missing: string[] = [];
      for (const [table, columns] of schema) {
        const d = declared.get(table);
        for (const column of columns) if (!d?.data.columns[column]) missing.push(`${table}.${column}`);
      }
      assert.deepEqual(missing, [], 'columns no capability declares in personalData (nor the core, src/db/personal-data.ts)');
      const stale: string[] = [];
      for (const [table, { by, data }] of declared) {
        const columns = schema.get(table);
        if (!columns) stale.push(`${table} (by ${by})`);
        else for (const column of Object.keys(data.columns)) if (!columns.includes(column)) stale.push(`${table}.${column} (by ${by})`);
        if (data.rows === 'person_id') assert.ok(columns?.includes('person_id') && columns.includes('organization_id'), `${table} is erased by person_id but lacks person_id or organization_id`);
        if (data.stamp) assert.ok(columns?.includes(data.stamp), `${table}'s stamp ${data.stamp} is not a column`);
        for (const [column, c] of Object.entries(data.columns)) {
          if (c !== 'plain' && c.erase === 'keep') assert.ok(c.why.length > 10, `${table}.${column} is kept without a reason`);
        }
      }
      assert.deepEqual(stale, [], 'declared tables or columns the database does not have');
    });

    it('clears every record type of an erased person, cancels their jobs, and keeps every count', async () => {
      // An import first: the file adds the person, a bystander, and a row of theirs rejected.
      const csv = [
        'email,first_name,last_name,zip',
        `${EMAIL},${GIVEN},${FAMILY},60605`,
        'bystander@example.net,Bea,Stander,60605',
        `${EMAIL.toUpperCase()},${'Z'.repeat(120)},${FAMILY},60605`,
        'not-an-email,Nobody,Here,60605',
      ].join('\n');
      const upload = (name: string) =>
        receiveUpload({ db: db(), dataDir: h.dataDir }, { stream: Readable.from([Buffer.from(csv)]), fileName: name, organizationId: orgId, userId: owner.userId });
      const doneImport = await upload('contacts.csv');
      await h.ctx.committer.submit((uow) =>
        startImport(uow, { organizationId: orgId, importId: doneImport, mapping: ['email', 'given_name', 'family_name', 'postal_code'], tag: 'imported', subscribe: false }),
      );
      await h.runJobs();
      const waitingImport = await upload('later.csv');

      // A signature with a comment, a source code and a referring site.
      const petition = await createPetition(db(), orgId, { title: 'Erase me petition', description: '', petition_text: 'Please.', targets: [], goal: null, confirmation_required: false, status: 'open' }, nowIso());
      const sign = (email: string, extra: Record<string, string> = {}, source = 'zelda-source') =>
        h.app.inject({
          method: 'POST',
          url: `/petitions/${petition.slug}?source=${source}`,
          headers: { ...FORM, referer: `https://${source}.example/post` },
          payload: form({ given_name: GIVEN, family_name: FAMILY, email, postal_code: '60605', comments: COMMENT, opt_in: 'yes', ...extra }),
        });
      assert.equal((await sign(EMAIL)).statusCode, 303);
      assert.equal((await sign('bystander@example.net', { given_name: 'Bea', family_name: 'Stander', comments: 'kept comment' }, 'newsletter')).statusCode, 303);

      // An RSVP with a phone number, a comment, a source code and a referring site.
      const event = await makeEvent(h, orgId, { title: 'Erase me event' });
      const rsvp = await h.app.inject({
        method: 'POST',
        url: `/events/${event.slug}?source=zelda-source`,
        headers: { ...FORM, referer: 'https://zelda-source.example/' },
        payload: form({ given_name: GIVEN, family_name: FAMILY, email: EMAIL, postal_code: '60605', phone: PHONE, comment: RSVP_COMMENT, opt_in: 'yes' }),
      });
      assert.equal(rsvp.statusCode, 303, rsvp.body);
      // And one through the API, with a comment (the public form asks for none).
      const { token } = await createApiToken(db(), 'erasure-org', 'test');
      const second = await makeEvent(h, orgId, { title: 'Erase me too' });
      const api = await h.app.inject({
        method: 'POST',
        url: `/api/v2/events/${second.id}/attendances`,
        headers: { 'osdi-api-token': token, 'content-type': 'application/json' },
        payload: JSON.stringify({
          person: { given_name: GIVEN, family_name: FAMILY, email_addresses: [{ address: EMAIL }], phone_numbers: [{ number: PHONE }] },
          comment: RSVP_COMMENT,
          referrer_data: { source: 'zelda-source', referrer: 'zelda-source-partner' },
          triggers: { autoresponse: { enabled: true } },
        }),
      });
      assert.ok(api.statusCode < 300, api.body);

      // A form's submission: its answer is also kept as the person's custom field.
      const survey = await createForm(db(), orgId, { title: 'Erase me form', description: '', questions: checkQuestions([{ id: 'why', kind: 'long_text', label: 'Why?' }]).questions, status: 'open' }, nowIso());
      const submitted = await h.app.inject({
        method: 'POST',
        url: `/forms/${survey.slug}?source=zelda-source`,
        headers: { ...FORM, referer: 'https://zelda-source.example/' },
        payload: form({ given_name: GIVEN, family_name: FAMILY, email: EMAIL, postal_code: '60605', q_why: COMMENT, opt_in: 'yes' }),
      });
      assert.equal(submitted.statusCode, 303, submitted.body);

      // A hosted event, offered through the public form; the host is confirmed, approved and trusted.
      const week = await campaign(h, orgId);
      const offer = await h.app.inject({
        method: 'POST',
        url: `/event_campaigns/${week.slug}/host`,
        headers: FORM,
        payload: form(hostForm({ host_name: `${GIVEN} ${FAMILY}`, host_email: EMAIL, title: 'Hosted by the erased' })),
      });
      assert.equal(offer.statusCode, 303, offer.body);
      const hosted = await db().selectFrom('events').selectAll().where('title', '=', 'Hosted by the erased').executeTakeFirstOrThrow();
      await h.ctx.committer.submit((uow) => confirmHostEmail(uow, hosted.id));
      await h.ctx.committer.submit((uow) => moderateEvent(uow, { organizationId: orgId, eventId: hosted.id, byUserId: owner.userId, decision: 'approve', trustHost: true }));
      assert.ok(await db().selectFrom('trusted_hosts').select('email').where('organization_id', '=', orgId).executeTakeFirst(), 'the host is trusted');

      // A queued job that carries their email and name in its payload (a future capability's mail).
      await db()
        .insertInto('jobs')
        .values({ id: newId(), kind: 'test.letter', payload: JSON.stringify({ to: EMAIL, name: `${GIVEN} ${FAMILY}` }), status: 'pending', max_attempts: 3, run_at: '2999-01-01T00:00:00.000Z', created_at: nowIso() })
        .execute();

      const person = await db().selectFrom('people').selectAll().where('organization_id', '=', orgId).where('email', '=', EMAIL.toLowerCase()).executeTakeFirstOrThrow();
      // Custom fields given through the API or a form.
      await db().transaction().execute((trx) => setCustomFields(trx, orgId, person.id, { 'Why I joined': COMMENT }, nowIso()));
      // A webhook delivery waiting for its retry: its body is the record with the person in it.
      const hookAt = nowIso();
      const endpointId = newId();
      await db().insertInto('webhook_endpoints').values({ id: endpointId, organization_id: orgId, url: 'https://hooks.example.org/x', description: '', events: '["signature"]', status: 'enabled', disabled_reason: null, disabled_at: null, secret_sealed: 'sealed', previous_secret_sealed: null, previous_secret_expires_at: null, failing_since: null, last_success_at: null, created_by: null, created_at: hookAt, modified_at: hookAt }).execute();
      await db().insertInto('webhook_deliveries').values({ id: newId(), organization_id: orgId, endpoint_id: endpointId, message_id: 'msg_1', event: 'signature', record_id: null, person_id: person.id, body: JSON.stringify([{ 'osdi:signature': { person: { given_name: GIVEN, email_addresses: [{ address: EMAIL }] }, comments: COMMENT } }]), status: 'pending', attempts: 1, last_status_code: 500, last_duration_ms: 3, last_error: 'answered 500', next_attempt_at: hookAt, delivered_at: null, created_at: hookAt, modified_at: hookAt }).execute();
      const counts = async () => ({
        signatures: (await db().selectFrom('petitions').select('signature_count').where('id', '=', petition.id).executeTakeFirstOrThrow()).signature_count,
        signatureRows: Number((await db().selectFrom('signatures').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
        accepted: (await db().selectFrom('events').select('accepted_count').where('id', '=', event.id).executeTakeFirstOrThrow()).accepted_count,
        attendanceRows: Number((await db().selectFrom('attendances').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
        events: Number((await db().selectFrom('events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
        people: Number((await db().selectFrom('people').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
        imported: await db().selectFrom('imports').select(['added', 'merged', 'rejected', 'rows_done']).where('id', '=', doneImport).executeTakeFirstOrThrow(),
        rejections: Number((await db().selectFrom('import_rejections').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
      });
      const before = await counts();
      assert.equal(before.signatures, 2);
      assert.equal(before.accepted, 1);
      assert.equal(before.attendanceRows, 2);
      assert.ok(before.rejections >= 2, 'the import kept its rejected rows');

      // Every trace is somewhere before the erasure: the test looks where the data really is.
      const schema = await actualSchema(db(), target.name);
      const beforeValues = (await everyValue(db(), schema)).map((v) => v.text.toLowerCase()).join('\n');
      for (const trace of TRACES) assert.ok(beforeValues.includes(trace), `${trace} was stored somewhere before the erasure`);

      const erase = await h.app.inject({
        method: 'POST',
        url: `/admin/people/${person.id}/erase`,
        headers: { ...FORM, cookie: owner.cookie },
        payload: form({ _csrf: owner.csrf }),
      });
      assert.ok(erase.statusCode < 400, `erase answered ${erase.statusCode}`);

      // Nothing they typed or were is left, in any column of any table (every job payload too).
      const found = (await everyValue(db(), schema)).flatMap((v) => TRACES.filter((t) => v.text.toLowerCase().includes(t)).map((t) => `${v.where} holds ${t}`));
      assert.deepEqual(found, [], 'traces of the erased person');

      // Counts and records stay.
      assert.deepEqual(await counts(), before, 'every count and record stays');
      const audit = await db().selectFrom('audit_events').select('details').where('action', '=', 'person.erased').executeTakeFirstOrThrow();
      const kept = JSON.parse(audit.details) as Record<string, number>;
      assert.equal(kept.signatures_kept, 1);
      assert.equal(kept.attendances_kept, 2);
      assert.equal(kept.submissions_kept, 1);
      assert.ok((kept.custom_fields_deleted ?? 0) >= 2, `their custom fields were deleted: ${audit.details}`);
      assert.equal(kept.hosted_events_kept, 1);
      assert.equal(kept.imports_stopped, 1);
      assert.ok((kept.jobs_cancelled ?? 0) >= 3, `their queued jobs were cancelled: ${audit.details}`);

      // The import still waiting for its mapping holds them: it is stopped and its file deleted.
      const waiting = await db().selectFrom('imports').select(['status', 'error']).where('id', '=', waitingImport).executeTakeFirstOrThrow();
      assert.deepEqual(waiting, { status: 'failed', error: STOPPED_BY_ERASURE });
      assert.equal((await db().selectFrom('import_file_pieces').select('seq').where('import_id', '=', waitingImport).execute()).length, 0);

      // The bystander keeps everything, and their queued mail is still sent.
      const bystander = await db().selectFrom('people').selectAll().where('email', '=', 'bystander@example.net').executeTakeFirstOrThrow();
      assert.equal(bystander.given_name, 'Bea');
      const theirs = await db().selectFrom('signatures').select('comments').where('person_id', '=', bystander.id).executeTakeFirstOrThrow();
      assert.equal(theirs.comments, 'kept comment');
      const preview = JSON.parse((await db().selectFrom('imports').select('preview').where('id', '=', doneImport).executeTakeFirstOrThrow()).preview) as string[][];
      assert.ok(preview.some((row) => row.includes('bystander@example.net')), 'other people stay in the preview');

      // Jobs queued for the erased person send nothing; no job for them is left pending.
      h.mailer.sent = [];
      await h.runJobs();
      assert.deepEqual(h.mailer.sent.filter((m) => m.to.toLowerCase().includes('zelda')).map((m) => m.subject), [], 'no mail to the erased person');
      assert.ok(h.mailer.sent.some((m) => m.to === 'bystander@example.net'), 'the bystander still gets theirs');
      const pending = await db().selectFrom('jobs').select(['kind', 'payload']).where('status', 'in', ['pending', 'running', 'failed']).execute();
      for (const job of pending) for (const t of TRACES) assert.ok(!job.payload.toLowerCase().includes(t), `${job.kind} still holds ${t}`);
      const cancelled = await db().selectFrom('jobs').select(['kind', 'payload']).where('status', '=', 'cancelled').execute();
      assert.ok(cancelled.some((j) => j.kind === 'test.letter'), 'the job carrying their email is cancelled');
      assert.ok(cancelled.every((j) => j.payload === '{}'));
    });
  });
}
