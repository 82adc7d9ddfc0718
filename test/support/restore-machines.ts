import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { restoreCommand } from '../../src/cli/restore-command.js';
import { loadConfig } from '../../src/config.js';
import type { Engine } from '../../src/store/database.js';
import { onTestPostgres } from './engines.js';
import type { SunsetOperator } from './sunset-operator.js';

/** What `fail` does in a command run in this process: the refusal, thrown. */
export function refused(message: string): never {
  throw new Error(message);
}

/** Runs a command in this process, returning what it printed. */
export async function printed(command: (print: (text: string) => void) => Promise<void>): Promise<string> {
  let out = '';
  await command((text) => {
    out += text;
  });
  return out;
}

/** `healthcode restore` run in this process (a spawned one takes half a minute): what it printed, or its refusal thrown. */
export function restoreHere(env: Record<string, string>, from: string, extra: string[] = []): Promise<string> {
  return printed((print) => restoreCommand(['--from', from, ...extra], loadConfig(env), new Date(), refused, print));
}

/**
 * New machines to restore an operator's backup onto, under `work`: each a data directory with only
 * the data key (backed up apart), and on PostgreSQL an empty database of its own, named
 * `<prefix>_<random>`; `dispose` drops those databases.
 */
export function restoreMachines(engine: Engine, work: string, operator: () => SunsetOperator, prefix: string) {
  const databases: string[] = [];
  return {
    async newMachine(name: string): Promise<{ dataDir: string; env: Record<string, string> }> {
      const op = operator();
      const dataDir = join(work, name);
      mkdirSync(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
      copyFileSync(join(op.dataDir, 'keys', 'data.key'), join(dataDir, 'keys', 'data.key'));
      let url = `sqlite:${join(dataDir, 'healthcode.db')}`;
      if (engine === 'postgres') {
        const database = `${prefix}_${randomBytes(5).toString('hex')}`;
        await onTestPostgres(`create database "${database}"`);
        databases.push(database);
        const target = new URL(op.databaseUrl);
        target.pathname = `/${database}`;
        url = target.toString();
      }
      return { dataDir, env: { ...op.env, HEALTHCODE_DATA_DIR: dataDir, HEALTHCODE_DATABASE_URL: url } };
    },
    async dispose(): Promise<void> {
      for (const name of databases) await onTestPostgres(`drop database if exists "${name}" with (force)`);
    },
  };
}
