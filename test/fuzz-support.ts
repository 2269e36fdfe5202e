// Shared by the test/fuzz-*.test.ts suites: the write routes the app registers, hostile values
// built with fast-check, one organization with something behind every form, and the checks that
// no request left a partial row behind.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { form, FORM, type Harness } from './helpers.ts';
import { organization, organizerIn, type SignedIn } from './admin-helpers.ts';
import { makeEvent } from './events-support.ts';
import { campaign, hostForm } from './event-campaigns-support.ts';
import type { Database } from '../src/db/schema.ts';
import { createPetition, confirmationToken } from '../src/petitions/service.ts';
import { attendeeToken, hostToken } from '../src/events/service.ts';
import { confirmHostEmail, hostEmailToken, moderateEvent } from '../src/event-campaigns/service.ts';
import { createApiToken } from '../src/orgs/service.ts';
import { createAccountLink } from '../src/accounts/service.ts';
import { newId, nowIso } from '../src/util/ids.ts';
import { receiveUpload } from '../src/imports/service.ts';
import { idOf } from './api-support.ts';
import { Readable } from 'node:stream';

/** `METHOD /path` of every route that writes (POST, PUT, PATCH, DELETE), read from the router's own listing. */
export function writeRoutes(app: FastifyInstance): string[] {
  const tree = app.printRoutes({ commonPrefix: false });
  const found: string[] = [];
  const stack: { depth: number; path: string }[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (.*?) \(([A-Z, ]+)\)$/.exec(line.replace(/\u00a0/g, ' '));
    if (!m) continue;
    const depth = m[1]!.length / 4;
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= depth) stack.pop();
    const parent = stack[stack.length - 1]?.path ?? '';
    const path = parent === '/' ? `/${m[2]}` : `${parent}${m[2]}`;
    stack.push({ depth, path });
    for (const method of m[3]!.split(', ')) if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) found.push(`${method} ${path}`);
  }
  assert.ok(found.length > 10, `the route listing was not understood:\n${tree}`);
  return found;
}

// --- Hostile values ---------------------------------------------------------------------------

const SPECIAL = [
  '', ' ', '   \t ', '\u0000', 'a\u0000b', '\r\n', 'x\r\nSet-Cookie: a=b', '\n\n\n', '\u0007', '\u001b[31mred', '\u007f', '\u0085',
  '\u202eevil', '\u200b', '\ufeff', '\ud800', 'x\udfffy', 'e\u0301\u0301\u0301', '👩🏽‍🚀', '𝕏𝕐', 'Ωmega', 'straße', 'İstanbul', '中文字符', 'مرحبا', 'ﷺ',
  '%00', '%', '%zz', '%E0%A4%A', '&', '=', '+', '?', '#', '/', '\\', "'; drop table people; --", '" or 1=1 --', '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>', '{{7*7}}', '${7*7}', '../../etc/passwd', 'null', 'undefined', 'true', 'false', '[]', '{}', 'NaN', 'Infinity',
  '-Infinity', '-0', '1e309', '-1e309', '9007199254740993', '18446744073709551616', '-1', '0', '1', '0x1f', '１２３', '٣', '1,5', '2.5', '1e3',
  '2024-02-30', '31/12/2099', '2099-13-01', '+275760-09-13T00:00:00Z', '0000-00-00', '2099-06-01T25:61:00', '1e10', '12:00pm', '25:00', '23:59:60',
  '99999-12-31', '2099-06-01T18:00:00+25:00', '1970-01-01T00:00:00Z', '2099-06-01', '18:00', 'America/Chicago', 'Mars/Olympus', 'UTC', 'Etc/GMT+14',
  'a@b', '@', 'x@[127.0.0.1]', '"q"@example.org', 'ünï@exämple.org', 'fuzz@example.org', 'FUZZ@EXAMPLE.ORG', ' fuzz@example.org ',
  `${'a'.repeat(250)}@example.org`, 'a'.repeat(101), 'a'.repeat(256), 'x'.repeat(5000), '€'.repeat(3000), '😀'.repeat(2000),
  '60605', '00000', '99999', '1234', 'SW1A 1AA', 'US', 'us', 'ZZ', 'yes', 'no', 'on', 'en', 'es', 'fr', 'in_person', 'online', 'https://example.org',
  'javascript:alert(1)', 'http://localhost:3000/admin', '//evil.example', 'data:text/html,x', 'turnout:00000000-0000-0000-0000-000000000000',
];

/** A hostile string: special values, any code points (lone surrogates too), long runs, and mixes of them. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 10, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 10, arbitrary: fc.string({ unit: 'grapheme', maxLength: 120 }) },
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...SPECIAL), fc.constantFrom(...SPECIAL), fc.string({ maxLength: 10 })).map(([a, b, c]) => a + c + b) },
  // Past the form's 64 KiB and the URL's length: rare, since one such field decides the answer.
  { weight: 1, arbitrary: fc.constantFrom('A'.repeat(70_000), 'é'.repeat(40_000), `${'b'.repeat(1000)}\u0000`, 'c'.repeat(2000)) },
);

/** Any JSON-ish value where a string, a number or an object was expected. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), Number.MAX_SAFE_INTEGER) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(hostileString, fc.integer(), fc.constant(null), fc.dictionary(fc.string({ maxLength: 8 }), hostileString, { maxKeys: 3 })), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', 'address', 'name')), hostileString, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** A value a header can carry (latin-1 and no control characters), still hostile. */
const headerValue = hostileString.map((s) => s.replace(/[^\u0020-\u007e\u00a0-\u00ff]/g, '').slice(0, 2000));

/**
 * A body for a form: each field kept plausible, made hostile, repeated (an array) or left out,
 * sometimes extra fields; now and then the body is not a form at all.
 */
export function formInput(plausible: Record<string, string>) {
  const keys = Object.keys(plausible);
  // The CSRF token is spoiled only when every field is (below): else most inputs would stop at it.
  const mutable = keys.filter((k) => k !== '_csrf');
  const hostileValue = fc.oneof(
    { weight: 6, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.array(hostileString, { minLength: 2, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  // Mostly a few fields hostile and the rest plausible, so the request gets past the first check
  // it fails and reaches the rules and the database; sometimes every field hostile.
  const few = !mutable.length
    ? fc.constant({ ...plausible })
    : fc
    .tuple(fc.subarray(mutable, { minLength: 1, maxLength: Math.min(3, mutable.length) }), fc.array(hostileValue, { minLength: 3, maxLength: 3 }))
    .map(([chosen, values]) => {
      const fields: Record<string, string | string[] | undefined> = { ...plausible };
      chosen.forEach((k, i) => (fields[k] = values[i]));
      return fields;
    });
  const all = fc.record(Object.fromEntries(keys.map((k) => [k, fc.oneof(fc.constant<string | string[] | undefined>(plausible[k]), hostileValue)])) as Record<string, fc.Arbitrary<string | string[] | undefined>>);
  const extra = fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'lang[]', 'a[b]')), hostileString, { maxKeys: 2 });
  return fc.oneof(
    { weight: 9, arbitrary: mutable.length ? few.map((fields) => ({ kind: 'form' as const, fields })) : fc.constant({ kind: 'form' as const, fields: { ...plausible } }) },
    { weight: 3, arbitrary: fc.tuple(all, extra).map(([f, e]) => ({ kind: 'form' as const, fields: { ...e, ...f } })) },
    { weight: 1, arbitrary: hostileString.map((raw) => ({ kind: 'raw' as const, raw })) },
    { weight: 1, arbitrary: hostileJson.map((json) => ({ kind: 'json' as const, json })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  );
}
export type FormInput = ReturnType<typeof formInput> extends fc.Arbitrary<infer T> ? T : never;

/** The request for one form input. */
export function formRequest(method: string, url: string, input: FormInput, headers: Record<string, string> = {}): InjectOptions {
  const base = { method: method as 'POST', url, headers: { ...headers } };
  switch (input.kind) {
    case 'form': {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(input.fields)) {
        if (v === undefined) continue;
        for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
      }
      return { ...base, headers: { ...base.headers, ...FORM }, payload: body.toString() };
    }
    case 'raw':
      return { ...base, headers: { ...base.headers, ...FORM }, payload: input.raw };
    case 'json':
      return { ...base, headers: { ...base.headers, 'content-type': 'application/json' }, payload: JSON.stringify(input.json) ?? 'null' };
    case 'none':
      return base;
  }
}

/** Extra request parts of a public page: a `?source=` and `?lang=`, a referring page, a language. */
export const publicExtras = fc.record(
  {
    source: hostileString,
    lang: hostileString,
    referer: headerValue,
    acceptLanguage: headerValue,
  },
  { requiredKeys: [] },
);

export function withQuery(url: string, query: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) q.append(k, v);
  const s = q.toString();
  return s ? `${url}${url.includes('?') ? '&' : '?'}${s}` : url;
}

type Path = (string | number)[];

/** Every path below the root of a JSON value. */
function pathsOf(v: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => [[...prefix, i], ...pathsOf(x, [...prefix, i])]);
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [[...prefix, k], ...pathsOf(x, [...prefix, k])]);
  return [];
}

const DROP = Symbol('drop');

/** A copy of `v` with the value at `path` replaced (or removed, for DROP). */
function withAt(v: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...Path];
  const copy: any = Array.isArray(v) ? [...v] : { ...(v as object) };
  const next = withAt(copy[head], rest, value);
  if (next === DROP) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head];
  } else copy[head] = next;
  return copy;
}

/** A hostile value of the same kind as `v` mostly (so a schema lets it through to the rules), else anything. */
function hostileLike(v: unknown): fc.Arbitrary<unknown> {
  const same =
    typeof v === 'string'
      ? hostileString
      : typeof v === 'number'
        ? fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.5, 2 ** 31))
        : Array.isArray(v)
          ? fc.array(v.length ? fc.oneof(fc.constant(v[0]), hostileJson) : hostileJson, { maxLength: 40 })
          : hostileJson;
  return fc.oneof({ weight: 4, arbitrary: same }, { weight: 2, arbitrary: hostileJson }, { weight: 1, arbitrary: fc.constant<unknown>(DROP) });
}

/**
 * A JSON body made from a valid one: mostly one to three of its parts made hostile (a string of
 * anything, a number out of range, another type) or left out, so the body gets past its schema to
 * the rules; sometimes every part; sometimes a body of the wrong shape altogether.
 */
export function jsonInput(template: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(template);
  if (paths.length === 0) return fc.oneof({ weight: 3, arbitrary: fc.constant(template) }, { weight: 1, arbitrary: hostileJson });
  const few = fc
    .subarray(paths, { minLength: 1, maxLength: Math.min(3, paths.length) })
    .chain((chosen) => fc.tuple(...chosen.map((p) => hostileLike(paths.length ? pathAt(template, p) : undefined))).map((values) => chosen.reduce((body, p, i) => withAt(body, p, values[i]), template)));
  const all = fc.tuple(...paths.map((p) => fc.oneof({ weight: 2, arbitrary: fc.constant(pathAt(template, p)) }, { weight: 1, arbitrary: hostileLike(pathAt(template, p)) }))).map((values) =>
    paths.reduce((body, p, i) => (values[i] === pathAt(template, p) ? body : withAt(body, p, values[i])), template),
  );
  return fc.oneof(
    { weight: 10, arbitrary: paths.length ? few : fc.constant(template) },
    { weight: 2, arbitrary: paths.length ? all : fc.constant(template) },
    { weight: 1, arbitrary: fc.constant(template) },
    { weight: 1, arbitrary: hostileJson },
  );
}

function pathAt(v: unknown, path: Path): unknown {
  return path.reduce<any>((x, k) => (x == null ? undefined : x[k]), v);
}

const NOBODY_ID = '00000000-0000-4000-8000-000000000000';

// --- One organization with something behind every form -----------------------------------------

/** The origin the world's organization lists for embeds. */
export const FUZZ_SITE = 'https://site.fuzz.example';

export interface World {
  orgId: string;
  orgSlug: string;
  token: string;
  owner: SignedIn;
  petition: { id: string; slug: string };
  /** A petition that asks signers to confirm, and one signature waiting for it. */
  confirmPetition: { id: string; slug: string; signatureId: string; token: string };
  event: { id: string; slug: string };
  attendance: { id: string; token: string };
  campaign: { id: string; slug: string };
  /** An approved event of the campaign, with its host's private link. */
  hosted: { id: string; slug: string; token: string; attendanceId: string };
  /** An offer whose host has not confirmed their email yet. */
  offer: { id: string; token: string };
  link: { id: string; token: string };
  /** An offer whose host confirmed their email: it waits for moderation. */
  moderated: { id: string };
  /** A person on the list (the attendee of `attendance`). */
  personId: string;
  /** A tag of the organization and its tagging of `personId`. */
  tagging: { tagId: string; id: string };
  /** A second member of the organization, an organizer. */
  memberId: string;
  /** An import waiting for its mapping. */
  importId: string;
  /** A fundraising page, when the donations capability is there and takes one. */
  fundraising: { id: string; slug: string } | null;
  /** An open letter and one signature of it, when the open letters capability is there. */
  letter: { id: string; slug: string; signatureId: string } | null;
  /** A letter campaign to decision-makers and a mailing, made through the API when their capabilities take them. */
  advocacy: { id: string; slug: string } | null;
  mailing: { id: string } | null;
  /** A form with a question of each kind (its ids `short`, `long`, `one`, `many`, `box`), made through the API when the forms capability is there. */
  form: { id: string; slug: string } | null;
  secret: Buffer;
}

export async function makeWorld(h: Harness): Promise<World> {
  const db = h.ctx.database.db;
  const secret = h.config.secretKey;
  const org = await organization(h, 'Fuzz Org');
  const owner = await organizerIn(h, org.id, 'owner', 'owner@fuzz.example');
  const { token } = await createApiToken(db, org.slug, 'fuzz');
  const open = { description: 'Fuzz me.', petition_text: 'Please.', targets: [{ name: 'Council' }], goal: 100, status: 'open' as const };
  const petition = await createPetition(db, org.id, { title: 'Fuzz petition', confirmation_required: false, ...open }, nowIso());
  const confirm = await createPetition(db, org.id, { title: 'Fuzz confirmed petition', confirmation_required: true, ...open }, nowIso());
  const signed = await h.app.inject({ method: 'POST', url: `/petitions/${confirm.slug}`, headers: FORM, payload: form({ given_name: 'Con', family_name: 'Firm', email: 'confirm@fuzz.example', postal_code: '60605' }) });
  assert.equal(signed.statusCode, 303, signed.body);
  const signature = await db.selectFrom('signatures').select('id').where('petition_id', '=', confirm.id).executeTakeFirstOrThrow();
  const event = await makeEvent(h, org.id, { title: 'Fuzz event', capacity: 5 });
  const going = await h.app.inject({ method: 'POST', url: `/events/${event.slug}`, headers: FORM, payload: form({ given_name: 'Ann', family_name: 'Tendee', email: 'going@fuzz.example', postal_code: '60605' }) });
  assert.equal(going.statusCode, 303, going.body);
  const attendance = await db.selectFrom('attendances').select('id').where('event_id', '=', event.id).executeTakeFirstOrThrow();
  const week = await campaign(h, org.id, 'Fuzz week');
  const offer = async (title: string) => {
    const res = await h.app.inject({ method: 'POST', url: `/event_campaigns/${week.slug}/host`, headers: FORM, payload: form(hostForm({ title, host_email: 'host@fuzz.example' })) });
    assert.equal(res.statusCode, 303, res.body);
    return db.selectFrom('events').selectAll().where('title', '=', title).executeTakeFirstOrThrow();
  };
  const approved = await offer('Fuzz hosted');
  await h.ctx.committer.submit((uow) => confirmHostEmail(uow, approved.id));
  await h.ctx.committer.submit((uow) => moderateEvent(uow, { organizationId: org.id, eventId: approved.id, byUserId: owner.userId, decision: 'approve' }));
  const hosted = await db.selectFrom('events').selectAll().where('id', '=', approved.id).executeTakeFirstOrThrow();
  const guest = await h.app.inject({ method: 'POST', url: `/events/${hosted.slug}`, headers: FORM, payload: form({ given_name: 'Gus', family_name: 'Guest', email: 'guest@fuzz.example', postal_code: '60201' }) });
  assert.equal(guest.statusCode, 303, guest.body);
  const guestAttendance = await db.selectFrom('attendances').select('id').where('event_id', '=', hosted.id).executeTakeFirstOrThrow();
  const pending = await offer('Fuzz offer');
  const toModerate = await offer('Fuzz moderated');
  await h.ctx.committer.submit((uow) => confirmHostEmail(uow, toModerate.id));
  const member = await organizerIn(h, org.id, 'organizer', 'member@fuzz.example');
  const person = await db.selectFrom('people').select('id').where('email', '=', 'going@fuzz.example').executeTakeFirstOrThrow();
  const csv = 'email,first_name,last_name,zip\nana@fuzz.example,Ana,Ruiz,60605\nben@fuzz.example,Ben,Ng,60201\n';
  const importId = await receiveUpload({ db, dataDir: h.dataDir }, { stream: Readable.from([Buffer.from(csv)]), fileName: 'people.csv', organizationId: org.id, userId: owner.userId });
  const page = await h.app.inject({
    method: 'POST',
    url: '/api/v2/fundraising_pages',
    headers: { 'osdi-api-token': token, 'content-type': 'application/json' },
    // Pledges: the form goes all the way to the database without a payment processor.
    payload: JSON.stringify({ title: 'Fuzz fund', description: 'Give.', currency: 'USD', 'turnout:processor': 'pledge' }),
  });
  const fundraising = page.statusCode === 200 ? { id: idOf(JSON.parse(page.body)), slug: String(JSON.parse(page.body).browser_url ?? '').split('/').pop() ?? '' } : null;
  const api = async (url: string, body: unknown) => {
    const res = await h.app.inject({ method: 'POST', url, headers: { 'osdi-api-token': token, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    return res.statusCode === 200 ? (JSON.parse(res.body) as { identifiers: string[]; browser_url?: string }) : null;
  };
  const letterMade = await api('/api/v2/open_letters', { title: 'Fuzz letter', 'turnout:letter_text': 'We ask.', 'turnout:allow_individuals': true });
  const letterSigned = letterMade
    ? await api(`/api/v2/open_letters/${idOf(letterMade)}/signatures`, { person: { given_name: 'Lee', family_name: 'Signer', email_addresses: [{ address: 'lee@fuzz.example' }] }, 'turnout:organization': { name: 'Signing Org', locality: 'Chicago' } })
    : null;
  const letter = letterMade ? { id: idOf(letterMade), slug: String(letterMade.browser_url ?? '').split('/').pop() ?? '', signatureId: letterSigned ? idOf(letterSigned) : NOBODY_ID } : null;
  const advocacyMade = await api('/api/v2/advocacy_campaigns', { title: 'Fuzz letters', 'turnout:subject': 'Please act', 'turnout:letter_body': 'Dear council, act.', targets: [{ given_name: 'Ana', family_name: 'Ruiz', title: 'Council Member', 'turnout:email_address': 'ana@council.example' }] });
  const advocacy = advocacyMade ? { id: idOf(advocacyMade), slug: String(advocacyMade.browser_url ?? '').split('/').pop() ?? '' } : null;
  const mailingMade = await api('/api/v2/messages', { subject: 'Fuzz news', body: 'Hello.', targets: [{ name: 'fuzz' }] });
  const mailing = mailingMade ? { id: idOf(mailingMade) } : null;
  const formMade = await api('/api/v2/forms', {
    title: 'Fuzz form',
    'turnout:questions': [
      { id: 'short', kind: 'short_text', label: 'Your team', required: true },
      { id: 'long', kind: 'long_text', label: 'Your story' },
      { id: 'one', kind: 'one_choice', label: 'Shirt size', options: ['S', 'M', 'L'] },
      { id: 'many', kind: 'choices', label: 'Days', options: ['Sat', 'Sun'] },
      { id: 'box', kind: 'checkbox', label: 'I can drive' },
    ],
  });
  const formAction = formMade ? { id: idOf(formMade), slug: String(formMade.browser_url ?? '').split('/').pop() ?? '' } : null;
  const tag = await api('/api/v2/tags', { name: 'fuzz-tagged' });
  const tagging = tag ? await api(`/api/v2/tags/${idOf(tag)}/taggings`, { person: { identifiers: [`turnout:${person.id}`] } }) : null;
  const link = await createAccountLink(db, secret, { kind: 'invitation', email: 'invited@fuzz.example', organizationId: org.id, role: 'organizer', createdBy: owner.userId });
  // The site allowed to embed the organization's actions (the embeds' endpoints refuse any other Origin).
  await db.insertInto('embed_origins').values({ id: newId(), organization_id: org.id, origin: FUZZ_SITE, note: '', created_by: null, created_at: nowIso() }).execute();
  await h.runJobs();
  h.mailer.sent = [];
  return {
    orgId: org.id,
    orgSlug: org.slug,
    token,
    owner,
    petition: { id: petition.id, slug: petition.slug },
    confirmPetition: { id: confirm.id, slug: confirm.slug, signatureId: signature.id, token: confirmationToken(secret, signature.id) },
    event: { id: event.id, slug: event.slug },
    attendance: { id: attendance.id, token: attendeeToken(secret, attendance.id) },
    campaign: { id: week.id, slug: week.slug },
    hosted: { id: hosted.id, slug: hosted.slug, token: hostToken(secret, hosted.id, hosted.host_link_version), attendanceId: guestAttendance.id },
    offer: { id: pending.id, token: hostEmailToken(secret, pending.id) },
    link: { id: link.id, token: link.path.split('/').pop()! },
    moderated: { id: toModerate.id },
    personId: person.id,
    tagging: { tagId: tag ? idOf(tag) : NOBODY_ID, id: tagging ? idOf(tagging) : NOBODY_ID },
    memberId: member.userId,
    importId,
    fundraising,
    letter,
    advocacy,
    mailing,
    form: formAction,
    secret,
  };
}

// --- Running and checking -----------------------------------------------------------------------

/** How many inputs each route gets, sent `BATCH` at a time (so the group committer batches them too). */
export const INPUTS = Number(process.env.FUZZ_INPUTS ?? 1000);
export const BATCH = Number(process.env.FUZZ_BATCH ?? 50);

/**
 * Sends `INPUTS` generated requests to one route, `BATCH` at a time, and fails on the first answer
 * of 500 or above, with the request that caused it. Returns how many answers had each status.
 */
export async function fuzz<T>(h: Harness, route: string, input: fc.Arbitrary<T>, request: (value: T) => InjectOptions, seed?: number, inputs = INPUTS): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  let failure: string | undefined;
  const result = await fc.check(
    fc.asyncProperty(fc.array(input, { minLength: BATCH, maxLength: BATCH }), async (values) => {
      const answers = await Promise.all(values.map((v) => h.app.inject(request(v))));
      answers.forEach((res, i) => {
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode >= 500 && !failure) {
          const req = request(values[i]!);
          failure = `${route} answered ${res.statusCode} to ${req.method} ${String(req.url).slice(0, 300)}\n  headers ${JSON.stringify(req.headers).slice(0, 300)}\n  body ${String(req.payload ?? '').slice(0, 600)}\n  answer ${res.body.slice(0, 600)}`;
        }
      });
      return !failure;
    }),
    { numRuns: Math.ceil(inputs / BATCH), endOnFailure: true, ...(seed === undefined ? {} : { seed }) },
  );
  if (result.failed) throw new Error(failure ?? `${route}: ${String(result.errorInstance ?? 'failed').slice(0, 1000)} (seed ${result.seed})`);
  return statuses;
}

/** Rows left half-written: a record without its person, a person half-filled, a count that is not its rows. */
export async function partialRows(db: Kysely<Database>): Promise<string[]> {
  const problems: string[] = [];
  const count = async (label: string, query: ReturnType<typeof sql<{ n: number }>>) => {
    const n = Number((await query.execute(db)).rows[0]?.n ?? 0);
    if (n > 0) problems.push(`${n} ${label}`);
  };
  await count('signatures without their person or petition', sql<{ n: number }>`select count(*) as n from signatures s left join people p on p.id = s.person_id left join petitions t on t.id = s.petition_id where p.id is null or t.id is null`);
  await count('attendances without their person or event', sql<{ n: number }>`select count(*) as n from attendances a left join people p on p.id = a.person_id left join events e on e.id = a.event_id where p.id is null or e.id is null`);
  await count('consents without their person', sql<{ n: number }>`select count(*) as n from consents c left join people p on p.id = c.person_id where p.id is null`);
  await count('taggings without their person or tag', sql<{ n: number }>`select count(*) as n from taggings g left join people p on p.id = g.person_id left join tags t on t.id = g.tag_id where p.id is null or t.id is null`);
  await count(
    'people half-written (no email but other fields, an email not normalized, a bad status or time)',
    sql<{ n: number }>`select count(*) as n from people where
      (email is null and (given_name is not null or family_name is not null or postal_code is not null))
      or (email is not null and (email <> lower(trim(email)) or email = '' or email not like '%_@_%'))
      or email_status not in ('subscribed', 'unsubscribed') or created_at is null or created_at = '' or organization_id is null`,
  );
  await count('signatures with a language that is no language', sql<{ n: number }>`select count(*) as n from signatures where language not in ('en', 'es')`);
  await count(
    'petitions whose count is not their confirmed signatures',
    sql<{ n: number }>`select count(*) as n from petitions p where p.signature_count <> (select count(*) from signatures s where s.petition_id = p.id and s.confirmed_at is not null)`,
  );
  await count(
    'events whose counts are not their attendances',
    sql<{ n: number }>`select count(*) as n from events e where
      e.accepted_count <> (select count(*) from attendances a where a.event_id = e.id and a.status = 'accepted')
      or e.waitlist_count <> (select count(*) from attendances a where a.event_id = e.id and a.status = 'waitlisted')
      or e.attended_count <> (select count(*) from attendances a where a.event_id = e.id and a.attended = 1)`,
  );
  await count('events with an empty title or start, or an end before the start', sql<{ n: number }>`select count(*) as n from events where title = '' or start_at = '' or end_at < start_at`);
  const jobs = await db.selectFrom('jobs').select(['kind', 'payload']).execute();
  for (const j of jobs) {
    try {
      JSON.parse(j.payload);
    } catch {
      problems.push(`job ${j.kind} with a payload that is not JSON`);
    }
  }
  const times = await db.selectFrom('people').select('created_at').union(db.selectFrom('signatures').select('created_at')).union(db.selectFrom('events').select('start_at as created_at')).execute();
  const bad = times.filter((t) => !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(t.created_at));
  if (bad.length > 0) problems.push(`${bad.length} times that are not ISO-8601 UTC: ${bad.slice(0, 3).map((t) => t.created_at).join(', ')}`);
  return problems;
}
