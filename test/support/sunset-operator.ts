import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openServices } from '../../src/cli/server.js';
import { loadConfig } from '../../src/config.js';
import type { Engine } from '../../src/store/database.js';
import { createLogger } from '../../src/logging.js';
import { createPostgresSchema, dropPostgresSchema, onTestPostgres, postgresUrlInSchema, TEST_POSTGRES_URL } from './engines.js';
import { LIU_FANG, OLIVER_BROWN, withCheck, ZHANG_WEI } from './people.js';
import { CLI, serverEnv } from './spawned-server.js';

/** Yuhang (330110), whose sunset is run, and Xihu (330106) next door, whose data must survive it. */
export const YUHANG = [ZHANG_WEI, OLIVER_BROWN, { ...ZHANG_WEI, name: '王芳', idNumber: withCheck('33011019920505006'), phone: '13800001111', address: { region: '330110', detail: '良渚街道玉鸟路 8 号' } }];
export const XIHU = LIU_FANG;

/**
 * An operator as run from the command line, on `engine`: its data directory, a key escrow on "other
 * storage" (a directory of its own), Yuhang's three residents and Xihu's one, each with a declaration
 * and the colour decided on it, and two members of the
 * health authority; the first has asked for Yuhang's sunset.
 */
export async function sunsetOperator(engine: Engine, { inPublic = false }: { inPublic?: boolean } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'healthcode-sunset-op-'));
  const escrowDir = join(mkdtempSync(join(tmpdir(), 'healthcode-escrow-')), 'escrow');
  mkdirSync(escrowDir, { mode: 0o700 });
  let schema: string | undefined;
  let databaseUrl = `sqlite:${join(dataDir, 'healthcode.db')}`;
  let database: string | undefined;
  if (engine === 'postgres' && inPublic) {
    // A database of its own, served from its `public` schema by a URL naming no search_path.
    database = `hc_public_${randomBytes(5).toString('hex')}`;
    await onTestPostgres(`create database "${database}"`);
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${database}`;
    databaseUrl = url.toString();
  } else if (engine === 'postgres') {
    schema = await createPostgresSchema('hc_sunset');
    databaseUrl = postgresUrlInSchema(schema);
  }
  const env: Record<string, string> = { HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_DATABASE_URL: databaseUrl, HEALTHCODE_KEY_ESCROW: escrowDir, HEALTHCODE_VERIFY_THREADS: '0', HEALTHCODE_PORT: '0' };
  const config = () => loadConfig({ HEALTHCODE_DATA_DIR: dataDir, ...env });
  const open = () => openServices(config(), createLogger('silent'));
  const opened = await open();
  const ids: Record<string, string> = {};
  let tokens: { wang: string; li: string };
  try {
    for (const person of [...YUHANG, XIHU]) {
      const id = (ids[person.idNumber] = (await opened.services.residents.register(person)).id);
      await opened.services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
    }
    const wang = await opened.services.staff.create('余杭区卫健局 王局长', 'authority');
    const li = await opened.services.staff.create('余杭区疾控中心 李主任', 'authority');
    tokens = { wang: wang.token, li: li.token };
    await opened.services.sunset.request(await opened.services.staff.authenticate(wang.token, ['authority']), '330110');
  } finally {
    await opened.close();
  }
  /** `healthcode …` from source; `crashAt` kills it (SIGKILL) at that step of a sunset's run. */
  const cli = (args: string[], extra: Record<string, string> = {}, crashAt?: string) =>
    spawnSync(process.execPath, [...CLI.slice(0, -1), ...(crashAt ? ['--import', './test/support/crash-at.ts'] : []), ...CLI.slice(-1), ...args], {
      env: serverEnv(dataDir, { ...env, ...extra, ...(crashAt ? { HEALTHCODE_TEST_CRASH_AT: crashAt } : {}) }),
      encoding: 'utf8',
    });
  return {
    engine,
    dataDir,
    escrowDir,
    env,
    databaseUrl,
    ids,
    tokens: tokens!,
    config,
    open,
    cli,
    async dispose() {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(join(escrowDir, '..'), { recursive: true, force: true });
      if (schema) {
        await dropPostgresSchema(schema);
      }
      if (database) await onTestPostgres(`drop database if exists "${database}" with (force)`);
    },
  };
}

export type SunsetOperator = Awaited<ReturnType<typeof sunsetOperator>>;
