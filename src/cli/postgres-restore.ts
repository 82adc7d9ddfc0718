import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentsQueries, type CopyContents } from './backup-contents.js';
import { checkTool, leaveSchemaOut, quoted, run, TOOL_ENV, toolUrl } from './database-copy.js';

const CONTENTS = 'healthcode-contents';
const CONTENTS_END = 'healthcode-contents-end';

/**
 * Restores a `pg_dump --format=custom` of `schema` in place of what it holds, in ONE transaction:
 * `pg_restore` writes the dump as SQL, which goes into `psql` after `begin` and the drop of every
 * table (with what hangs on it) and sequence of the schema. The schema itself stays (it may be
 * `public`, or made by a database administrator with its own grants), so the dump's own CREATE
 * SCHEMA and its comment are left out of the list pg_restore writes. The copy's
 * contents are read inside that transaction and handed to `check`; only when it returns is `commit`
 * sent. A dump that fails half-way, a check that refuses, or this process killed at any point (psql
 * then reads the end of its input with the transaction open, and the server rolls it back) leaves the
 * old schema as it was.
 */
export async function restorePostgres(url: string, schema: string, from: string, check: (contents: CopyContents) => void | Promise<void>): Promise<void> {
  await checkTool('pg_restore', url);
  const workDir = mkdtempSync(join(tmpdir(), 'healthcode-restore-'));
  try {
    const listFile = join(workDir, 'restore.list');
    writeFileSync(listFile, leaveSchemaOut(run('pg_restore', ['--list', from]), schema), { mode: 0o600 });
    await inOneTransaction(url, schema, from, listFile, check);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** What the schema holds, dropped: the statements that open the transaction. */
function dropContents(schema: string): string {
  const literal = `'${schema.replace(/'/g, "''")}'`;
  return `begin;
create schema if not exists ${quoted(schema)};
do $$ declare r record; begin
  for r in select tablename as name from pg_tables where schemaname = ${literal} loop execute format('drop table if exists %I.%I cascade', ${literal}, r.name); end loop;
  for r in select sequencename as name from pg_sequences where schemaname = ${literal} loop execute format('drop sequence if exists %I.%I cascade', ${literal}, r.name); end loop;
end $$;
`;
}

async function inOneTransaction(url: string, schema: string, from: string, listFile: string, check: (contents: CopyContents) => void | Promise<void>): Promise<void> {
  const psql = spawn('psql', ['--no-psqlrc', '--quiet', '--no-align', '--tuples-only', '--set=ON_ERROR_STOP=1', `--dbname=${toolUrl(url)}`], { env: TOOL_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
  let psqlErr = '';
  let psqlOut = '';
  psql.stderr.on('data', (d: Buffer) => void (psqlErr = `${psqlErr}${d.toString()}`.slice(-4000)));
  // psql that stopped on an error closes its input; what is still written then is of no account.
  psql.stdin.on('error', () => undefined);
  const psqlDone = new Promise<number>((resolve, reject) => {
    psql.once('error', reject);
    psql.once('close', (code) => resolve(code ?? 1));
  });
  const psqlFailed = () => new Error(`psql failed: ${psqlErr.trim().split('\n').slice(-3).join(' ') || 'it ended early'}`);
  const outputHas = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const look = () => {
        if (psqlOut.includes(`${line}\n`)) {
          psql.stdout.off('data', onData);
          resolve();
        }
      };
      const onData = (d: Buffer) => {
        psqlOut += d.toString();
        look();
      };
      psql.stdout.on('data', onData);
      look();
      void psqlDone.then(() => reject(psqlFailed()), reject);
    });

  psql.stdin.write(dropContents(schema));
  const dump = spawn('pg_restore', ['--no-owner', '--no-privileges', `--use-list=${listFile}`, '--file=-', from], { env: TOOL_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let dumpErr = '';
  dump.stderr.on('data', (d: Buffer) => void (dumpErr = `${dumpErr}${d.toString()}`.slice(-4000)));
  dump.stdout.pipe(psql.stdin, { end: false });
  // psql gone (an error in the dump's SQL) reads no more: pg_restore would wait on a full pipe.
  void psqlDone.then(() => dump.kill(), () => dump.kill());
  const dumpCode = await new Promise<number>((resolve, reject) => {
    dump.once('error', reject);
    dump.once('close', (code) => resolve(code ?? 1));
  });
  if (dumpCode !== 0) {
    psql.stdin.end();
    await psqlDone;
    throw new Error(`pg_restore failed (exit ${dumpCode}): ${dumpErr.trim().split('\n').slice(-3).join(' ')}; schema ${schema} is as it was`);
  }

  const q = contentsQueries(schema);
  psql.stdin.write(`\\echo ${CONTENTS}\nselect 'schema ' || coalesce((${q.schema}), '');\nselect 'region ' || region from (${q.regions}) as r;\n\\echo ${CONTENTS_END}\n`);
  try {
    await outputHas(CONTENTS_END);
  } catch (error) {
    psql.stdin.end();
    throw new Error(`${(error as Error).message}; schema ${schema} is as it was`);
  }
  const lines = psqlOut.slice(psqlOut.indexOf(`${CONTENTS}\n`) + CONTENTS.length + 1, psqlOut.indexOf(`${CONTENTS_END}\n`)).split('\n');
  const contents: CopyContents = {
    schema: lines.find((l) => l.startsWith('schema '))?.slice(7) || undefined,
    regions: lines.filter((l) => l.startsWith('region ')).map((l) => l.slice(7)),
  };
  try {
    await check(contents);
  } catch (error) {
    psql.stdin.end();
    await psqlDone;
    throw error;
  }
  psql.stdin.end('commit;\n');
  if ((await psqlDone) !== 0) throw psqlFailed();
}
