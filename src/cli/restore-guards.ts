import { hostname } from 'node:os';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../config.js';

/**
 * What keeps `restore` and `serve` apart. A restore marks the data directory first and clears the
 * mark last, and `serve` refuses to start on a marked one (a restore cut short leaves a database and
 * keys that do not belong together). A serving process says so: SQLite, a file named by its pid beside
 * the database (a crashed server's is told by its pid no longer running); PostgreSQL, a shared
 * advisory lock on the schema, held by a connection of its own and released by the server's end,
 * however it ends. A restore refuses while either is there, naming the server.
 */
export const RESTORE_MARKER = 'restore-in-progress.json';

/** The advisory lock space of `serve` and `restore` (its keys: this and the schema's hash). */
const LOCK_CLASS = 0x6863;

export interface UnfinishedRestore {
  from: string;
  startedAt: string;
}

export function markRestore(dataDir: string, from: string, now: Date): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dataDir, RESTORE_MARKER), `${JSON.stringify({ from, startedAt: now.toISOString() })}\n`, { mode: 0o600 });
}

export function clearRestore(dataDir: string): void {
  rmSync(join(dataDir, RESTORE_MARKER), { force: true });
}

export function unfinishedRestore(dataDir: string): UnfinishedRestore | undefined {
  const path = join(dataDir, RESTORE_MARKER);
  if (!existsSync(path)) return undefined;
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<UnfinishedRestore>;
    return { from: typeof v.from === 'string' ? v.from : 'the backup', startedAt: typeof v.startedAt === 'string' ? v.startedAt : 'an unknown time' };
  } catch {
    // A marker cut short while written is still a restore cut short.
    return { from: 'the backup', startedAt: 'an unknown time' };
  }
}

export function unfinishedRestoreMessage(dataDir: string, r: UnfinishedRestore): string {
  return `a restore into ${dataDir} from ${r.from}, started ${r.startedAt}, did not finish (${RESTORE_MARKER} is there): its database and district keys may not belong together; finish it with \`healthcode restore --replace --from ${r.from}\``;
}

const servingDir = (databasePath: string) => `${databasePath}.serving`;

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pids of the processes serving a SQLite database now (a crashed one's file is cleared). */
export function sqliteServers(databasePath: string): number[] {
  const dir = servingDir(databasePath);
  if (!existsSync(dir)) return [];
  const pids: number[] = [];
  for (const name of readdirSync(dir)) {
    const pid = Number(name);
    if (!/^\d+$/.test(name)) continue;
    if (running(pid)) pids.push(pid);
    else rmSync(join(dir, name), { force: true });
  }
  return pids;
}

/** Says this process serves the SQLite database; the returned function unsays it. */
export function registerSqliteServer(databasePath: string, pid = process.pid): () => void {
  const dir = servingDir(databasePath);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, String(pid));
  writeFileSync(file, `${hostname()}\n`, { mode: 0o600 });
  return () => rmSync(file, { force: true });
}

/** The schema a connection works in: the one its server would create if none exists yet. */
const SCHEMA_OF_URL = `coalesce(current_schema(), trim(both ' "' from split_part(current_setting('search_path'), ',', 1)))`;

/**
 * Holds the serving lock on the schema of `url` on a connection of its own, for as long as the process
 * lives; refuses while a restore holds it.
 */
export async function holdPostgresServing(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, application_name: `healthcode serve (pid ${process.pid} on ${hostname()})` });
  // The lock goes with the connection; a server that loses it goes on serving (the database is still its own).
  client.on('error', () => undefined);
  await client.connect();
  const [row] = (await client.query<{ held: boolean; schema: string }>(`select pg_try_advisory_lock_shared(${LOCK_CLASS}, hashtext(${SCHEMA_OF_URL})) as held, ${SCHEMA_OF_URL} as schema`)).rows;
  if (!row!.held) {
    await client.end();
    throw new Error(`a restore is replacing schema ${row!.schema}: start the server once it is done`);
  }
  return client;
}

/**
 * Takes the schema's serving lock for a restore, or names the processes serving it. The lock is held
 * until `release`, so that no server starts on the schema while it is replaced.
 */
export async function lockOutPostgresServers(url: string, schema: string): Promise<{ release(): Promise<void> } | { servers: string[] }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, application_name: `healthcode restore (pid ${process.pid})` });
  client.on('error', () => undefined);
  await client.connect();
  const [row] = (await client.query<{ held: boolean }>(`select pg_try_advisory_lock(${LOCK_CLASS}, hashtext($1)) as held`, [schema])).rows;
  if (row!.held) return { release: () => client.end() };
  try {
    const holders = await client.query<{ name: string; addr: string | null }>(
      `select a.application_name as name, a.client_addr::text as addr from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.classid = ${LOCK_CLASS} and l.objid = hashtext($1)::oid and l.granted order by a.pid`,
      [schema],
    );
    return { servers: holders.rows.map((h) => `${h.name || 'a process'}${h.addr ? ` from ${h.addr}` : ''}`) };
  } finally {
    await client.end();
  }
}

/** What `serve` holds while it runs: refuses to start on a restore cut short or under way. */
export async function holdServing(config: Config): Promise<() => void> {
  const unfinished = unfinishedRestore(config.dataDir);
  if (config.database.kind === 'sqlite') {
    // Said before looking at the marker: a restore marks first and looks after, so one of the two sees the other.
    const unregister = registerSqliteServer(config.database.path);
    const marked = unfinishedRestore(config.dataDir);
    if (marked) {
      unregister();
      throw new Error(unfinishedRestoreMessage(config.dataDir, marked));
    }
    process.once('exit', unregister);
    return unregister;
  }
  if (unfinished) throw new Error(unfinishedRestoreMessage(config.dataDir, unfinished));
  const client = await holdPostgresServing(config.database.url);
  const marked = unfinishedRestore(config.dataDir);
  if (marked) {
    await client.end();
    throw new Error(unfinishedRestoreMessage(config.dataDir, marked));
  }
  return () => void client.end();
}
