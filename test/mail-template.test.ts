// Mail to many (src/mail/template.ts): a mailing's copy made from its version's template is, byte
// for byte, the message nodemailer composes for that recipient on its own, through the real SMTP
// transport to a real SMTP server; values that do not fit a mark are composed on their own; and
// a copy's end is held until its send is recorded, as any message's is.
import { describe, it, before, after, mock } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { SMTPServer } from 'smtp-server';
import { createMailer, type Mailer, type OutgoingMail } from '../src/mail/mailer.ts';
import { MailTemplate } from '../src/mail/template.ts';

/**
 * A real SMTP server on loopback keeping every message's bytes as received; it takes `rcptDelayMs`
 * to answer RCPT, refuses (550) the addresses in `refuse` and notes when each DATA began.
 */
async function rawSink(o: { rcptDelayMs?: number; refuse?: string[]; soft?: string[] } = {}) {
  const received: { to: string; raw: string }[] = [];
  const dataAt: number[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const answer = () => {
        const code = o.refuse?.includes(address.address) ? 550 : o.soft?.includes(address.address) ? 451 : 0;
        if (!code) return callback();
        const e = new Error(code === 550 ? 'No such user' : 'Try again later') as Error & { responseCode: number };
        e.responseCode = code;
        callback(e);
      };
      if (o.rcptDelayMs) setTimeout(answer, o.rcptDelayMs);
      else answer();
    },
    onData(stream, session, callback) {
      dataAt.push(Date.now());
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo[0]!.address, raw: Buffer.concat(chunks).toString('latin1') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `smtp://127.0.0.1:${port}`, received, dataAt, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** What differs between two compositions of one message: its Date and its MIME boundaries. */
const normalized = (raw: string) => raw.replace(/^Date: .*$/m, 'Date: -').replace(/_NmP-[0-9a-f]+-Part_/g, '_NmP-x-Part_');

const token = () => randomBytes(18).toString('base64url');

/** A mailing's message, as src/mailings/sender.ts makes it: the person and token in its link, Message-ID and headers. */
function mailing(body: string, to: string, person: string, tok: string): OutgoingMail {
  const link = `https://act.example.org/unsubscribe/0193a5b0-7e1c-7d2e-9f00-0123456789ab/${person}/${tok}`;
  return {
    to,
    subject: 'Trains are coming — ¡llegan!',
    text: `${body}\n\nUnsubscribe: ${link}\n1 Main St, Springfield`,
    html: `<p>${body.replace(/\n/g, '<br>')}</p><p><a href="${link}">Unsubscribe</a></p>`,
    messageId: `<mailing-0193a5b0-7e1c-7d2e-9f00-0123456789ab.${person}@act.example.org>`,
    language: 'es',
    fromName: 'Fair Trains',
    replyTo: 'hello@fairtrains.example',
    returnPath: `b${person.replace(/-/g, '')}@bounces.example.org`,
    headers: { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', Precedence: 'bulk' },
  };
}

const marks = () => ({ person: randomUUID(), token: token(), to: `recipient-${randomUUID()}@turnout.invalid` });

function copyOf(body: string, m: ReturnType<typeof marks>, shared: OutgoingMail, to: string, person: string, tok: string): OutgoingMail {
  return { ...mailing(body, to, person, tok), shared: { mail: shared, fill: { [m.person]: person, [m.token]: tok } } };
}

describe('mail to many from one template', () => {
  let sink: Awaited<ReturnType<typeof rawSink>>;
  let mailer: Mailer;
  before(async () => {
    sink = await rawSink();
    mailer = createMailer({ smtpUrl: sink.url, from: 'Fair Trains <news@fairtrains.example>', dataDir: '/nonexistent' });
  });
  after(async () => {
    mailer.close();
    await sink.close();
  });

  it('sends each recipient, byte for byte, what nodemailer composes for them alone', async () => {
    // Bodies of any length and accents, so that the link and its marks fall anywhere on a
    // quoted-printable line, across soft line breaks and next to encoded characters.
    const text = fc.array(fc.constantFrom('Ride', 'the', 'new', 'línea', 'opens', 'in', 'mayo.', 'Señora', '=', 'a/b', '!', '\n', 'x'.repeat(70)), { maxLength: 80 }).map((w) => w.join(' '));
    // Addresses as turnout keeps them: a dot-atom, of any case, at a lower-case domain.
    const local = fc.array(fc.stringMatching(/^[A-Za-z0-9_+-]{1,12}$/), { minLength: 1, maxLength: 3 }).map((atoms) => atoms.join('.'));
    // Every copy of the property is made from its template (and not composed on its own, which
    // would make the comparison one of nodemailer with itself).
    const fill = mock.method(MailTemplate.prototype, 'fill');
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(text, local, async (body, user) => {
        const m = marks();
        const shared = mailing(body, m.to, m.person, m.token);
        const to = `${user}@example.org`;
        const person = randomUUID();
        const tok = token();
        sink.received.length = 0;
        runs++;
        await mailer.send(copyOf(body, m, shared, to, person, tok));
        await mailer.send(mailing(body, to, person, tok));
        assert.equal(sink.received.length, 2);
        assert.equal(normalized(sink.received[0]!.raw), normalized(sink.received[1]!.raw));
        assert.equal(sink.received[0]!.to, to);
      }),
      { numRuns: 60 },
    );
    // Two fills a run: the template's own check against nodemailer with random values, and the copy.
    const made = fill.mock.calls.filter((c) => c.result !== null).length;
    fill.mock.restore();
    assert.equal(made, 2 * runs, 'every copy came from a template');
  });

  it('takes the fast path for a mailing, and composes on their own the values that do not fit', async () => {
    const m = marks();
    const shared = mailing('The new line opens in May.', m.to, m.person, m.token);
    const { beforeCommit: _b, ...options } = shared;
    const template = await MailTemplate.compose({ from: 'news@fairtrains.example', to: options.to, subject: options.subject, text: options.text, html: options.html, messageId: options.messageId, headers: options.headers, textEncoding: 'quoted-printable' }, [m.person, m.token]);
    assert.ok(template, 'a mailing makes a template');
    const person = randomUUID();
    const filled = template.fill('ana@example.org', { [m.person]: person, [m.token]: token() })!.toString('latin1');
    assert.match(filled, /\r\nTo: ana@example\.org\r\n/);
    assert.ok(filled.includes(`.${person}@act.example.org>`), 'the person is in the Message-ID');
    assert.ok(!filled.includes(m.person) && !filled.includes(m.token) && !filled.includes(m.to), 'no mark is left');
    assert.equal(template.fill('ána@example.org', { [m.person]: person, [m.token]: token() }), null, 'an address that is not plain ASCII');
    assert.equal(template.fill('"a b"@example.org', { [m.person]: person, [m.token]: token() }), null, 'a quoted address');
    assert.equal(template.fill('ana@example.org', { [m.person]: person.slice(1), [m.token]: token() }), null, 'a value shorter than its mark');
    assert.equal(template.fill(`${'a'.repeat(60)}@example.org`, { [m.person]: person, [m.token]: token() }), null, 'an address whose To line nodemailer folds');
    assert.equal(template.fill('ana@example.org', { [m.person]: person.replace(/-/, '='), [m.token]: token() }), null, 'a value quoted-printable would encode');

    // The longest address on one line, and a longer one, come out as nodemailer composes them.
    for (const long of [`${'a'.repeat(59)}@example.org`, `${'b'.repeat(80)}@example.org`]) {
      const p = randomUUID();
      const tok = token();
      sink.received.length = 0;
      await mailer.send(copyOf('Long.', m, mailing('Long.', m.to, m.person, m.token), long, p, tok));
      await mailer.send(mailing('Long.', long, p, tok));
      assert.equal(normalized(sink.received[0]!.raw), normalized(sink.received[1]!.raw), `${long.length} characters`);
    }

    // Through the mailer, such a recipient still gets their message, composed on its own.
    sink.received.length = 0;
    const body = 'The new line opens in May.';
    await mailer.send(copyOf(body, m, shared, 'josé@example.org', person, token()));
    assert.equal(sink.received.length, 1);
    assert.equal(sink.received[0]!.to, 'josé@example.org');
    assert.ok(sink.received[0]!.raw.includes(person));
  });

  it('holds a copy’s end until its send is recorded, and drops it when the record fails', async () => {
    const m = marks();
    const body = 'Held until recorded.';
    const shared = mailing(body, m.to, m.person, m.token);
    sink.received.length = 0;
    let recordedBeforeAccepted = false;
    const ok = copyOf(body, m, shared, 'held@example.org', randomUUID(), token());
    await mailer.send({
      ...ok,
      beforeCommit: async () => {
        await new Promise((r) => setTimeout(r, 50));
        recordedBeforeAccepted = sink.received.length === 0;
      },
    });
    assert.ok(recordedBeforeAccepted, 'the server had not accepted the message before the record');
    assert.equal(sink.received.length, 1);
    const refused = copyOf(body, m, shared, 'dropped@example.org', randomUUID(), token());
    await assert.rejects(() =>
      mailer.send({
        ...refused,
        beforeCommit: async () => {
          throw new Error('not recorded');
        },
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      sink.received.map((r) => r.to),
      ['held@example.org'],
      'a copy whose record failed never reached the server',
    );
  });

  it('records a send only once the server has answered DATA, and never for an envelope it refused', async () => {
    // The server is slow to accept a recipient: a record made before DATA (a process killed
    // meanwhile) would say sent for a message that never left.
    const slow = await rawSink({ rcptDelayMs: 150, refuse: ['nobody@example.org'], soft: ['later@example.org'] });
    const slowMailer = createMailer({ smtpUrl: slow.url, from: 'news@fairtrains.example', dataDir: '/nonexistent' });
    try {
      for (const shared of [false, true]) {
        const m = marks();
        const body = 'Recorded after DATA.';
        const template = mailing(body, m.to, m.person, m.token);
        const mail = (to: string) => (shared ? copyOf(body, m, template, to, randomUUID(), token()) : mailing(body, to, randomUUID(), token()));
        slow.received.length = 0;
        slow.dataAt.length = 0;
        let recordedAt = 0;
        await slowMailer.send({ ...mail('ana@example.org'), beforeCommit: async () => void (recordedAt = Date.now()) });
        assert.equal(slow.received.length, 1);
        assert.ok(recordedAt > 0 && recordedAt >= slow.dataAt[0]!, `recorded ${recordedAt - slow.dataAt[0]!} ms after DATA began (${shared ? 'a copy' : 'composed'})`);
        for (const refused of ['nobody@example.org', 'later@example.org']) {
          let recorded = false;
          const e = await slowMailer.send({ ...mail(refused), beforeCommit: async () => void (recorded = true) }).then(() => null, (err: { responseCode?: number }) => err);
          assert.ok(e, `the send to ${refused} failed`);
          assert.equal(recorded, false, `nothing recorded for a refused envelope (${refused}, ${shared ? 'a copy' : 'composed'})`);
        }
      }
    } finally {
      slowMailer.close();
      await slow.close();
    }
  });
});
