import { createHmac, generateKeyPairSync, sign, timingSafeEqual } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';

/**
 * The baselines, each a bare Fastify route answering a JSON body of the given size with the headers
 * in BENCH_HEADERS (JSON; the real server's, so both send the same bytes):
 *   `bare-fastify.ts <bytes>`: the body as it is, nothing else (the warm view's baseline);
 *   `bare-fastify.ts <bytes> <database url>`: an ideal cold view: an HMAC session check
 *   (`<resident id>.<base64url HMAC-SHA256 of it>` under BENCH_HMAC_KEY), one primary-key read of the
 *   resident's stored decision on the same engine and database, one Ed25519 signature over it.
 */
const size = Number(process.argv[2] ?? 2000);
const databaseUrl = process.argv[3];
const headers = JSON.parse(process.env.BENCH_HEADERS ?? '{}') as Record<string, string>;
const body = JSON.stringify({ padding: 'x'.repeat(Math.max(0, size - 14)) });
const app = Fastify({ logger: false });

if (databaseUrl === undefined) {
  app.get('/code', async (_request, reply) => reply.headers(headers).type('application/json; charset=utf-8').send(body));
} else {
  const hmacKey = Buffer.from(process.env.BENCH_HMAC_KEY ?? '', 'base64');
  const { privateKey } = generateKeyPairSync('ed25519');
  const readDecision = readerOf(databaseUrl);
  app.get<{ Params: { id: string } }>('/api/v1/residents/:id/code', async (request, reply) => {
    const [id, mac] = (request.headers.authorization ?? '').slice('Bearer '.length).split('.');
    const expected = createHmac('sha256', hmacKey).update(id ?? '').digest();
    const given = Buffer.from(mac ?? '', 'base64url');
    if (id !== request.params.id || given.length !== expected.length || !timingSafeEqual(given, expected)) return reply.code(401).send({ title: 'unauthenticated' });
    const decision = await readDecision(id);
    if (decision === undefined) return reply.code(404).send({ title: 'not found' });
    sign(null, Buffer.from(decision), privateKey);
    return reply.headers(headers).type('application/json; charset=utf-8').send(body);
  });
}

/** One read by primary key of `resident_status`, on SQLite (better-sqlite3) or PostgreSQL (pg pool of 10, as the server's). */
function readerOf(url: string): (residentId: string) => Promise<string | undefined> {
  if (url.startsWith('sqlite:')) {
    const db = new BetterSqlite3(url.slice('sqlite:'.length), { readonly: true });
    const statement = db.prepare('select decision from resident_status where resident_id = ?');
    return async (id) => (statement.get(id) as { decision: string } | undefined)?.decision;
  }
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  return async (id) => (await pool.query<{ decision: string }>('select decision from resident_status where resident_id = $1', [id])).rows[0]?.decision;
}

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.BENCH_PORT ?? 0) });
process.stdout.write(`listening ${address}\n`);
// Ended by the benchmark with SIGTERM: exit (rather than be killed) so that a CPU profile asked for is written.
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
