// The benchmark's baselines, in a process of their own as turnout's worker is: `n` messages of a
// mailing's size straight to the SMTP server at `url`, no database. `nodemailer`: its defaults
// with turnout's pool; `mailer`: turnout's own transport (src/mail/mailer.ts: the pool, sockets
// without Nagle's delay), as the worker sends. Prints the messages a second.
import nodemailer from 'nodemailer';
import { createMailer, pooled } from '../../src/mail/mailer.ts';

const [url, count, mode] = process.argv.slice(2);
const n = Number(count);
const mailer = mode === 'mailer' ? createMailer({ smtpUrl: url, from: 'Fair Trains <news@fairtrains.example>', dataDir: '/nonexistent' }) : null;
const plain = mailer ? null : nodemailer.createTransport(pooled(url!));
const transport = {
  sendMail: (m: { from: string; to: string; subject: string; text: string; html: string; messageId: string }) =>
    mailer ? mailer.send({ to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId, language: 'en' }) : plain!.sendMail(m),
  close: () => (mailer ? mailer.close() : plain!.close()),
};
const html = `<p>${'The new line opens in May. '.repeat(60)}</p>`;
const started = Date.now();
let next = 0;
await Promise.all(
  Array.from({ length: 24 }, async () => {
    for (let i = next++; i < n; i = next++) {
      await transport.sendMail({ from: 'Fair Trains <news@fairtrains.example>', to: `p${i}@example.org`, subject: 'Trains are coming', text: 'The new line opens in May.', html, messageId: `<base-${i}@bench>` });
    }
  }),
);
console.log(`baseline ${(n / ((Date.now() - started) / 1000)).toFixed(1)}`);
transport.close();
