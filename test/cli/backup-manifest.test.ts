import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manifestSealedUnder, parseManifest, refusal, sealManifest, type BackupManifest } from '../../src/cli/backup-manifest.js';

const MADE = new Date('2026-12-05T02:00:00.000Z');
const KNOWN = ['0001-foundation', '0026-sign-in-tickets', '0027-colour-notices'];

const DATA_KEY = Buffer.alloc(32, 7);
const manifest: BackupManifest = sealManifest({
  format: 'healthcode-backup',
  version: 2,
  createdAt: MADE.toISOString(),
  expiresAt: '2027-01-04T02:00:00.000Z',
  engine: 'postgres',
  schema: '0027-colour-notices',
  postgresSchema: 'healthcode',
  dataKeyId: 'Xq3v9LrT0aB',
  regions: ['330106', '330110'],
  files: [
    { name: 'database.pgdump', bytes: 81_920, sha256: 'a'.repeat(64) },
    { name: 'district-keys.json', bytes: 1_204, sha256: 'b'.repeat(64) },
  ],
}, DATA_KEY);
const text = (changes: Record<string, unknown>) => JSON.stringify({ ...manifest, ...changes });

describe('a backup manifest', () => {
  it('reads back what the backup wrote', () => {
    assert.deepEqual(parseManifest(JSON.stringify(manifest)), manifest);
  });

  it('names the field that is wrong', () => {
    assert.throws(() => parseManifest('not json'), /manifest\.json: is not JSON/);
    assert.throws(() => parseManifest(text({ engine: 'mysql' })), /^ManifestError: engine: must be 'sqlite' or 'postgres'/);
    assert.throws(() => parseManifest(text({ expiresAt: 'next month' })), /expiresAt: must be a UTC time/);
    assert.throws(() => parseManifest(text({ regions: ['33011'] })), /regions: must be a list of six-digit district codes/);
    assert.throws(() => parseManifest(text({ postgresSchema: 'x; drop table residents' })), /postgresSchema: must be a PostgreSQL schema name/);
    assert.throws(() => parseManifest(text({ files: [{ ...manifest.files[0], name: '../../etc/passwd' }, manifest.files[1]] })), /files\[0\]\.name: must be database\.pgdump/);
    assert.throws(() => parseManifest(text({ files: [manifest.files[0], { ...manifest.files[1], sha256: 'zz' }] })), /files\[1\]\.sha256: must be 64 hex digits/);
  });

  it('refuses a manifest of version 1, which carries no MAC', () => {
    assert.throws(() => parseManifest(text({ version: 1 })), /version: a backup of version 1 carries no MAC/);
  });

  it('refuses a field the backup does not write, as the MAC does not cover it', () => {
    assert.throws(() => parseManifest(text({ note: 'x' })), /note: is not a field of a backup manifest/);
  });

  it('is sealed under the data key it was made with, whatever the order of its fields', () => {
    const reordered = Object.fromEntries(Object.entries(manifest).reverse());
    assert.equal(manifestSealedUnder(parseManifest(JSON.stringify(reordered)), DATA_KEY), true);
  });

  it('is not sealed under another data key', () => {
    assert.equal(manifestSealedUnder(manifest, Buffer.alloc(32, 8)), false);
  });

  for (const [field, value] of [
    ['createdAt', '2026-12-04T02:00:00.000Z'],
    ['expiresAt', '2099-01-04T02:00:00.000Z'],
    ['engine', 'sqlite'],
    ['schema', '0026-sign-in-tickets'],
    ['postgresSchema', 'other'],
    ['dataKeyId', 'AAAAAAAAAAA'],
    ['regions', ['330106']],
    ['files', [{ ...manifest.files[0], sha256: 'c'.repeat(64) }, manifest.files[1]]],
  ] as const) {
    it(`is no longer sealed once its ${field} is changed (as by one who re-hashes an altered file)`, () => {
      assert.equal(manifestSealedUnder({ ...manifest, [field]: value } as BackupManifest, DATA_KEY), false);
    });
  }

  it('is restorable before its expiry, of a schema the code knows', () => {
    assert.equal(refusal(manifest, KNOWN, new Date('2027-01-04T01:59:59.999Z')), undefined);
  });

  it('is refused from its expiry on', () => {
    assert.match(refusal(manifest, KNOWN, new Date('2027-01-04T02:00:00.000Z'))!.message, /^expiresAt: the backup expired at 2027-01-04T02:00:00.000Z/);
  });

  it('is refused when its schema is newer than the code knows', () => {
    assert.match(refusal(manifest, KNOWN.slice(0, 2), MADE)!.message, /^schema: 0027-colour-notices is newer than this healthcode knows \(its last is 0026-sign-in-tickets\)/);
  });

  it('is refused, not called newer, when its schema is older than the last but no migration the code knows', () => {
    assert.match(refusal({ ...manifest, schema: '0002-never-was' }, KNOWN, MADE)!.message, /^schema: 0002-never-was is no migration of healthcode .*not made by `healthcode backup`/);
  });
});
