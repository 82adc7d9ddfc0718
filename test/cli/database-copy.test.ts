import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { leaveSchemaOut, putSqlite, toolMajor } from '../../src/cli/database-copy.js';

describe('copying the database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'healthcode-db-copy-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("leaves only the schema's own CREATE SCHEMA and its comment out of what pg_restore runs, never a table in it nor another schema", () => {
    const list = [
      ';     Dumped from database version: 15.20',
      '4; 2615 2200 SCHEMA - public pg_database_owner',
      '3727; 0 0 COMMENT - SCHEMA public pg_database_owner',
      '5; 2615 2201 SCHEMA - public_old postgres',
      '215; 1259 34122 TABLE public residents postgres',
    ].join('\n');
    assert.deepEqual(leaveSchemaOut(list, 'public').split('\n'), [
      ';     Dumped from database version: 15.20',
      '5; 2615 2201 SCHEMA - public_old postgres',
      '215; 1259 34122 TABLE public residents postgres',
    ]);
  });

  it("reads a PostgreSQL client tool's major version, to compare with the server's", () => {
    assert.equal(toolMajor('pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n'), 15);
    assert.equal(toolMajor('pg_restore (PostgreSQL) 9.6.24'), 9);
    assert.throws(() => toolMajor('pg_dump: command not understood'), /cannot read the version/);
  });

  it("puts a SQLite copy in place of the database and drops the replaced database's WAL and shared-memory files", () => {
    const path = join(dir, 'healthcode.db');
    writeFileSync(path, 'old database');
    writeFileSync(`${path}-wal`, 'old frames');
    writeFileSync(`${path}-shm`, 'old index');
    writeFileSync(join(dir, 'copy.sqlite'), 'restored database');
    putSqlite(join(dir, 'copy.sqlite'), path);
    assert.equal(readFileSync(path, 'utf8'), 'restored database');
    assert.ok(!existsSync(`${path}-wal`) && !existsSync(`${path}-shm`) && !existsSync(`${path}.restoring`));
  });
});
