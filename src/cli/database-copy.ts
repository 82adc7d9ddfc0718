import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';

/**
 * The database copied out and back in, per engine. SQLite: the online backup API (a consistent copy
 * while the server goes on writing). PostgreSQL: `pg_dump --format=custom` of the schema in use (one
 * snapshot of every table) and back through `psql`, the old schema's drop and the restore in one
 * transaction; the client tools must be of the server's major version or newer, as pg_dump refuses to
 * dump a newer server.
 */
export async function copySqlite(path: string, to: string): Promise<void> {
  if (!existsSync(path)) throw new Error(`HEALTHCODE_DATABASE_URL: ${path} does not exist: nothing to back up`);
  const raw = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    await raw.backup(to);
    chmodSync(to, 0o600);
  } finally {
    raw.close();
  }
}

/** The SQLite database files a restore writes over: the file and its WAL and shared-memory files. */
export function sqliteFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`].filter((f) => existsSync(f));
}

/** Puts a copy in place: written beside the target first, then renamed, so a crash leaves no half file. */
export function putSqlite(copy: string, path: string): void {
  for (const f of sqliteFiles(path)) rmSync(f);
  const partial = `${path}.restoring`;
  copyFileSync(copy, partial);
  renameSync(partial, path);
}

export const TOOL_ENV = { PATH: process.env.PATH, HOME: process.env.HOME, PGCONNECT_TIMEOUT: '10' };

export function run(command: string, args: string[]): string {
  const done = spawnSync(command, args, { encoding: 'utf8', env: TOOL_ENV });
  if (done.error) throw new Error(`${command}: ${(done.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH: install the PostgreSQL client tools' : done.error.message}`);
  if (done.status !== 0) throw new Error(`${command} failed (exit ${done.status}): ${done.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return done.stdout;
}

/** The major version of a PostgreSQL client tool (`pg_dump (PostgreSQL) 15.20` → 15). */
export function toolMajor(versionLine: string): number {
  const match = /\(PostgreSQL\)\s+(\d+)/.exec(versionLine);
  if (!match) throw new Error(`cannot read the version of '${versionLine.trim()}'`);
  return Number(match[1]);
}

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export async function checkTool(tool: 'pg_dump' | 'pg_restore', url: string): Promise<void> {
  const major = toolMajor(run(tool, ['--version']));
  const [row] = await query<{ v: string }>(url, 'show server_version_num');
  const server = Math.floor(Number(row!.v) / 10_000);
  if (major < server) throw new Error(`${tool} is of PostgreSQL ${major}, the server of ${server}: install the client tools of ${server} or newer`);
}

/** The schema the connection works in (the URL's search_path), or undefined if it does not exist yet. */
export async function postgresSchemaOf(url: string): Promise<string | undefined> {
  const [row] = await query<{ schema: string | null }>(url, 'select current_schema() as schema');
  return row!.schema ?? undefined;
}

/**
 * The schema a server on this URL reads and creates its tables in, were `target` to exist: the first
 * schema of the search_path that exists ("$user" being the user's own), as PostgreSQL resolves it;
 * undefined when none would.
 */
export async function schemaServedFrom(url: string, target: string): Promise<string | undefined> {
  const [row] = await query<{ search_path: string; user: string }>(url, 'select current_setting($1) as search_path, current_user as user', ['search_path']);
  const existing = new Set((await query<{ name: string }>(url, 'select nspname as name from pg_namespace')).map((r) => r.name));
  for (const entry of row!.search_path.split(',')) {
    const name = entry.trim().replace(/^"(.*)"$/, '$1');
    const schema = name === '$user' ? row!.user : name;
    if (schema === target || existing.has(schema)) return schema;
  }
  return undefined;
}

/** The tables in `schema` (none if it does not exist): what a restore would replace. */
export async function tablesIn(url: string, schema: string): Promise<string[]> {
  return (await query<{ name: string }>(url, "select table_name as name from information_schema.tables where table_schema = $1 order by 1", [schema])).map((r) => r.name);
}

/**
 * The URL for pg_dump and pg_restore: without node-postgres's `options` (libpq reads its `+` as a
 * character, not a space); both tools are told the schema themselves.
 */
export function toolUrl(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete('options');
  return parsed.toString();
}

export async function dumpPostgres(url: string, schema: string, to: string): Promise<void> {
  await checkTool('pg_dump', url);
  run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--schema=${schema}`, `--file=${to}`, `--dbname=${toolUrl(url)}`]);
  chmodSync(to, 0o600);
}

/** A pg_restore list without the entries that create `schema` and comment on it (`4; 2615 2200 SCHEMA - public owner`). */
export function leaveSchemaOut(list: string, schema: string): string {
  const own = new RegExp(`^\\d+; \\d+ \\d+ (SCHEMA - ${escaped(schema)}|COMMENT - SCHEMA ${escaped(schema)}) `);
  return list
    .split('\n')
    .filter((line) => !own.test(line))
    .join('\n');
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** An identifier quoted for SQL: schemas and tables come from the catalogue or a backup's manifest. */
export const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function databaseLabel(config: DatabaseConfig): string {
  if (config.kind === 'sqlite') return config.path;
  const url = new URL(config.url);
  return `${url.host}${url.pathname}`;
}

export function fileSize(path: string): number {
  return statSync(path).size;
}
