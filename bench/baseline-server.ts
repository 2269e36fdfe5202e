// The baselines, in their own process: bare Fastify routes doing the least a route can.
// - `/bare/*`: answers "ok" (200) to any GET or POST, reading a form body as a string without
//   parsing it: the cheapest answer to the same request.
// - `/*`: parses the form body as turnout does (@fastify/formbody) and answers a POST with a
//   303 to a thank-you path, as a signature is answered; a GET answers "ok".
import Fastify from 'fastify';
import formbody from '@fastify/formbody';

const app = Fastify({ logger: false });
await app.register(async (bare) => {
  bare.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  bare.get('/*', async () => 'ok');
  bare.post('/*', async () => 'ok');
}, { prefix: '/bare' });
await app.register(async (form) => {
  await form.register(formbody, { bodyLimit: 64 * 1024 });
  form.get('/*', async () => 'ok');
  form.post('/*', async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    // Touch what a signature reads, so the parse cannot be skipped.
    if (typeof body.email !== 'string') return reply.code(422).send('email?');
    return reply.redirect(`${request.url}/thanks`, 303);
  });
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.stdout.write('baseline listening\n');
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
