import Fastify from 'fastify';

/** The baseline: a bare Fastify route answering a fixed JSON body of the given size. */
const size = Number(process.argv[2] ?? 2000);
const body = JSON.stringify({ padding: 'x'.repeat(Math.max(0, size - 14)) });
const app = Fastify({ logger: false });
app.get('/code', async (_request, reply) => reply.type('application/json').send(body));
const address = await app.listen({ host: '127.0.0.1', port: Number(process.argv[3] ?? 0) });
process.stdout.write(`listening ${address}\n`);
