// The benchmark's baselines, in a process of their own as turnout's worker is: `n` messages of a
// mailing's size straight to the SMTP server at `url`, no database. `nodemailer`: its defaults
// with turnout's pool; `mailer`: turnout's own transport (src/mail/mailer.ts: the pool, sockets
// without Nagle's delay), each message composed on its own; `template`: the same transport with
// the messages made from one template, as the worker sends a mailing (src/mail/template.ts).
// Prints the messages a second.
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { createMailer, pooled, type OutgoingMail } from '../../src/mail/mailer.ts';

const [url, count, mode] = process.argv.slice(2);
const n = Number(count);
const from = 'Fair Trains <news@fairtrains.example>';
const mailer = mode === 'nodemailer' ? null : createMailer({ smtpUrl: url, from, dataDir: '/nonexistent' });
const plain = mailer ? null : nodemailer.createTransport(pooled(url!));
const html = `<p>${'The new line opens in May. '.repeat(60)}</p>`;
const mark = randomUUID();
const mail = (to: string, id: string): OutgoingMail => ({ to, subject: 'Trains are coming', text: `The new line opens in May. https://fairtrains.example/u/${id}`, html: `${html}<a href="https://fairtrains.example/u/${id}">x</a>`, messageId: `<base-${id}@bench>`, language: 'en' });
const shared = mail('recipient@turnout.invalid', mark);
const send = (i: number) => {
  const id = randomUUID();
  if (!mailer) return plain!.sendMail({ from, ...mail(`p${i}@example.org`, id) });
  return mailer.send({ ...mail(`p${i}@example.org`, id), ...(mode === 'template' ? { shared: { mail: shared, fill: { [mark]: id } } } : {}) });
};
const started = Date.now();
let next = 0;
await Promise.all(
  Array.from({ length: 24 }, async () => {
    for (let i = next++; i < n; i = next++) await send(i);
  }),
);
console.log(`baseline ${(n / ((Date.now() - started) / 1000)).toFixed(1)}`);
if (mailer) mailer.close();
else plain!.close();
