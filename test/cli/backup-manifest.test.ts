import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifest, refusal, type BackupManifest } from '../../src/cli/backup-manifest.js';

const MADE = new Date('2026-12-05T02:00:00.000Z');
const KNOWN = ['0001-foundation', '0026-sign-in-tickets', '0027-colour-notices'];

const manifest: BackupManifest = {
  format: 'healthcode-backup',
  version: 1,
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
};
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

  it('is restorable before its expiry, of a schema the code knows', () => {
    assert.equal(refusal(manifest, KNOWN, new Date('2027-01-04T01:59:59.999Z')), undefined);
  });

  it('is refused from its expiry on', () => {
    assert.match(refusal(manifest, KNOWN, new Date('2027-01-04T02:00:00.000Z'))!.message, /^expiresAt: the backup expired at 2027-01-04T02:00:00.000Z/);
  });

  it('is refused when its schema is newer than the code knows', () => {
    assert.match(refusal(manifest, KNOWN.slice(0, 2), MADE)!.message, /^schema: 0027-colour-notices is newer than this healthcode knows \(its last is 0026-sign-in-tickets\)/);
  });
});
