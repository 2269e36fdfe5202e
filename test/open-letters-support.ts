// Shared by the test/open-letters*.test.ts suites: a letter, a multipart form as a browser sends it, a signature confirmed from its email.
import { deflateSync, crc32 } from 'node:zlib';
import sharp from 'sharp';
import type { Harness } from './helpers.ts';
import { createLetter, checkLetter, type LetterInput } from '../src/open-letters/index.ts';
import { nowIso } from '../src/util/ids.ts';

export function letterInput(over: Partial<LetterInput> = {}): LetterInput {
  return {
    title: 'Letter to Lumidex',
    description: 'Coalition letter.',
    letterText: 'Dear Ms. Reyes,\n\nStop selling **face surveillance** to police.',
    targets: ['Dana Reyes, CEO, Lumidex'],
    status: 'open',
    deadline: '',
    allowIndividuals: true,
    holdUntilCount: '',
    holdUntilDate: '',
    listOrder: 'alphabetical',
    featuredFirst: false,
    groups: [],
    ...over,
  };
}

export async function makeLetter(h: Harness, organizationId: string, over: Partial<LetterInput> = {}) {
  const { fields, errors } = checkLetter(letterInput(over));
  if (!fields) throw new Error(JSON.stringify(errors));
  return createLetter(h.ctx.database.db, organizationId, fields, nowIso());
}

export interface FilePart {
  name: string;
  filename: string;
  type: string;
  bytes: Buffer;
}

/** A multipart/form-data body as a browser sends a form with a file field. */
export function multipart(fields: Record<string, string | string[]>, file?: FilePart): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----turnout${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export const orgFields = (over: Record<string, string> = {}) => ({
  kind: 'organization',
  org_name: 'Faces Not Data',
  website: 'https://facesnotdata.example.org',
  city: 'Chicago',
  region: 'IL',
  country: 'US',
  given_name: 'Ada',
  family_name: 'Signer',
  signer_role: 'Director',
  email: 'ada@facesnotdata.example.org',
  show_signer: 'yes',
  ...over,
});

export const logoPng = (width = 600, height = 200) => sharp({ create: { width, height, channels: 4, background: '#225588' } }).png().toBuffer();

/** A PNG that says it is 100,000 pixels a side: decoding it would take 10 GB. */
export function imageBomb(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr[8] = 8;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(100_001 * 4))), chunk('IEND', Buffer.alloc(0))]);
}

/** Posts the organization form with an optional logo. */
export function signAsOrganization(h: Harness, slug: string, over: Record<string, string> = {}, file?: FilePart) {
  const { payload, headers } = multipart(orgFields(over), file);
  return h.app.inject({ method: 'POST', url: `/open_letters/${slug}`, headers, payload });
}

/** The confirmation link of the last email sent to `email`, after the jobs ran. */
export async function confirmationPath(h: Harness, email: string): Promise<string> {
  await h.runJobs();
  const mail = [...h.mailer.sent].reverse().find((m) => m.to === email);
  const m = mail && /http:\/\/turnout\.test(\/open_letters\/\S+\/confirm\/\S+)/.exec(mail.text);
  if (!m) throw new Error(`no confirmation email to ${email}`);
  return m[1]!;
}

/** Signs for an organization and confirms from the email (the link shows a button; the POST confirms). */
export async function signAndConfirm(h: Harness, slug: string, over: Record<string, string> = {}, file?: FilePart) {
  const res = await signAsOrganization(h, slug, over, file);
  if (res.statusCode !== 303) throw new Error(`signing answered ${res.statusCode}: ${res.body.slice(0, 2000)}`);
  const path = await confirmationPath(h, (over.email ?? orgFields().email).toLowerCase());
  const shown = await h.app.inject({ url: path });
  if (shown.statusCode !== 200) throw new Error(`confirmation page answered ${shown.statusCode}`);
  return h.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'lang=en' });
}
