// The baseline: a bare Fastify route answering "ok", in its own process. It reads a form
// body as a string (without parsing it) so it accepts the same requests as the sign form.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body));
app.get('/*', async () => 'ok');
app.post('/*', async () => 'ok');
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.stdout.write('baseline listening\n');
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
