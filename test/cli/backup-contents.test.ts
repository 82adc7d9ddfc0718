import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { contentsRefusal, sqliteContents } from '../../src/cli/backup-contents.js';
import { sealManifest } from '../../src/cli/backup-manifest.js';

const manifest = sealManifest(
  {
    format: 'healthcode-backup',
    version: 2,
    createdAt: '2026-12-05T02:00:00.000Z',
    expiresAt: '2027-01-04T02:00:00.000Z',
    engine: 'sqlite',
    schema: '0027-colour-notices',
    postgresSchema: null,
    dataKeyId: 'Xq3v9LrT0aB',
    regions: ['330106', '330110'],
    files: [
      { name: 'database.sqlite', bytes: 1, sha256: 'a'.repeat(64) },
      { name: 'district-keys.json', bytes: 1, sha256: 'b'.repeat(64) },
    ],
  },
  Buffer.alloc(32, 7),
);
const BOTH = ['330106', '330110'];
const everyEntry = () => true;

describe('what a database copy holds, against its manifest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'healthcode-contents-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('agrees when the copy, the manifest and the key file name the same schema and districts', () => {
    assert.equal(contentsRefusal(manifest, { schema: '0027-colour-notices', regions: BOTH }, BOTH, everyEntry), undefined);
  });

  it("refuses a manifest whose schema is not the copy's last migration", () => {
    assert.match(contentsRefusal(manifest, { schema: '0026-sign-in-tickets', regions: BOTH }, BOTH, everyEntry)!.message, /^schema: the manifest says 0027-colour-notices, the database copy's last migration is 0026-sign-in-tickets/);
  });

  it('refuses a manifest naming other districts than the key file holds', () => {
    assert.match(contentsRefusal(manifest, { schema: manifest.schema, regions: ['330106'] }, ['330106'], everyEntry)!.message, /^regions: the manifest names 330106, 330110, the key file holds 330106/);
  });

  it("refuses a copy holding a district whose escrow entry is gone, though the key file no longer names it", () => {
    const m = { ...manifest, regions: ['330106'] };
    const refused = contentsRefusal(m, { schema: m.schema, regions: BOTH }, ['330106'], (r) => r !== '330110');
    assert.match(refused!.message, /^regions: the database copy holds residents of 330110, whose escrow entries are destroyed \(their sunset has run since/);
  });

  it('refuses a copy holding a district whose key the key file does not hold', () => {
    const m = { ...manifest, regions: ['330106'] };
    assert.match(contentsRefusal(m, { schema: m.schema, regions: BOTH }, ['330106'], everyEntry)!.message, /^regions: the database copy holds residents of 330110, whose keys the backup's key file does not hold/);
  });

  it('reads the last migration and the sealed districts of a SQLite copy', () => {
    const path = join(dir, 'copy.sqlite');
    const db = new BetterSqlite3(path);
    db.exec("create table healthcode_migrations (name text); insert into healthcode_migrations values ('0001-foundation'), ('0027-colour-notices');");
    db.exec("create table residents (address_region text, name_enc text); insert into residents values ('330110', 'v2.x'), ('330110', 'v2.y'), ('330106', 'v2.z'), ('110101', 'v1.old');");
    db.close();
    assert.deepEqual(sqliteContents(path), { schema: '0027-colour-notices', regions: ['330106', '330110'] });
  });

  it('names the file when the copy is no healthcode database', () => {
    const path = join(dir, 'junk.sqlite');
    writeFileSync(path, 'not a database at all, but long enough to be read as one');
    assert.throws(() => sqliteContents(path), /^ManifestError: files\[0\]: the database copy cannot be read as a healthcode database/);
  });
});
