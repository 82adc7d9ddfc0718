import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { KeyBackupError, makeBackup, parseBackup, restoreBackup, type KeyBackup } from '../../src/privacy/key-backup.js';
import { MemoryRegionKeys, RegionKeys } from '../../src/privacy/region-keys.js';

const MADE = new Date('2026-11-20T02:00:00.000Z');
const DAY = 86_400_000;

/** A machine's keys (Yuhang's and Xihu's), its escrow, and a backup made of them with 30 days' retention. */
function machine() {
  const master = randomBytes(32);
  const keys = RegionKeys.underMasterKey(new MemoryRegionKeys(), master);
  const yuhang = keys.keyFor('330110').key;
  const xihu = keys.keyFor('330106').key;
  const escrow = new MemoryRegionKeys();
  const backup = makeBackup(keys, escrow, MADE, 30);
  return { master, keys, escrow, backup, yuhang, xihu, text: JSON.stringify(backup) };
}
/** The machine lost: a new one with the same master key and an empty keys directory. */
const rebuilt = (master: Buffer) => RegionKeys.underMasterKey(new MemoryRegionKeys(), master);

describe('district key backups', () => {
  it('restore every district key onto a new machine with the master key and the escrow', () => {
    const m = machine();
    assert.equal(m.backup.expiresAt, '2026-12-20T02:00:00.000Z');
    const fresh = rebuilt(m.master);
    const outcome = restoreBackup(parseBackup(m.text), m.escrow, fresh, new Date(MADE.getTime() + DAY));
    assert.deepEqual(outcome, { restored: ['330106', '330110'], shredded: [], conflicting: [] });
    assert.ok(fresh.existing('330110')!.key.equals(m.yuhang));
  });

  it('open none of a district whose escrow entry its sunset destroyed, and still restore the others', () => {
    const m = machine();
    m.escrow.destroy('330110');
    const fresh = rebuilt(m.master);
    const outcome = restoreBackup(parseBackup(m.text), m.escrow, fresh, new Date(MADE.getTime() + DAY));
    assert.deepEqual(outcome, { restored: ['330106'], shredded: ['330110'], conflicting: [] });
    assert.equal(fresh.existing('330110'), undefined);
  });

  it('refuse a backup past its expiry, and one whose expiry was moved later by hand', () => {
    const m = machine();
    const fresh = rebuilt(m.master);
    assert.throws(() => restoreBackup(parseBackup(m.text), m.escrow, fresh, new Date(MADE.getTime() + 30 * DAY)), (e: Error) => e instanceof KeyBackupError && e.field === 'expiresAt' && /expired at 2026-12-20T02:00:00.000Z/.test(e.message));
    const extended: KeyBackup = { ...m.backup, expiresAt: '2036-12-20T02:00:00.000Z' };
    assert.throws(() => restoreBackup(parseBackup(JSON.stringify(extended)), m.escrow, fresh, new Date(MADE.getTime() + 31 * DAY)), (e: Error) => e instanceof KeyBackupError && e.field === 'keys[0].sealed');
    assert.equal(fresh.list('').length, 0, 'nothing written');
  });

  it('write nothing when one key does not open under the master key at hand', () => {
    const m = machine();
    const other = rebuilt(randomBytes(32));
    assert.throws(() => restoreBackup(parseBackup(m.text), m.escrow, other, new Date(MADE.getTime() + DAY)), /does not open under this data key/);
    assert.equal(other.list('').length, 0);
  });

  it("refuse a key swapped for another district's, by its id", () => {
    const m = machine();
    const [xihu, yuhang] = m.backup.keys as [KeyBackup['keys'][0], KeyBackup['keys'][0]];
    const swapped = { ...m.backup, keys: [{ ...xihu, kid: yuhang.kid }, yuhang] };
    assert.throws(() => restoreBackup(parseBackup(JSON.stringify(swapped)), m.escrow, rebuilt(m.master), new Date(MADE.getTime() + DAY)), (e: Error) => e instanceof KeyBackupError && e.field === 'keys[0].kid');
  });

  it('name the field of a file that is not a backup', () => {
    const m = machine();
    const field = (text: string) => {
      try {
        parseBackup(text);
      } catch (error) {
        return (error as KeyBackupError).field;
      }
      return 'accepted';
    };
    assert.equal(field('PK\u0003\u0004'), 'file');
    assert.equal(field('[]'), 'file');
    assert.equal(field(JSON.stringify({ ...m.backup, format: 'other' })), 'format');
    assert.equal(field(JSON.stringify({ ...m.backup, version: 2 })), 'version');
    assert.equal(field(JSON.stringify({ ...m.backup, expiresAt: 'next year' })), 'expiresAt');
    assert.equal(field(JSON.stringify({ ...m.backup, keys: {} })), 'keys');
    assert.equal(field(JSON.stringify({ ...m.backup, keys: [{ ...m.backup.keys[0], region: '../../etc/passwd' }] })), 'keys[0].region');
    assert.equal(field(JSON.stringify({ ...m.backup, keys: [m.backup.keys[0], m.backup.keys[0]] })), 'keys[1].region');
    assert.equal(field(JSON.stringify({ ...m.backup, keys: [{ ...m.backup.keys[0], kid: 7 }] })), 'keys[0].kid');
    assert.equal(field(JSON.stringify({ ...m.backup, keys: [{ ...m.backup.keys[0], sealed: 'not base64!' }] })), 'keys[0].sealed');
    assert.equal(field(JSON.stringify({ ...m.backup, keys: [null] })), 'keys[0].region');
    assert.equal(field(m.text), 'accepted');
  });
});
