import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FileRegionKeys } from '../../src/privacy/region-keys.js';

/** A wrapped key as another process writes it (the bytes do not matter to the listing). */
const wrapped = () => randomBytes(60);
/** 1 March 2026, 08:00 UTC: the directory was last changed then, long before the listings below. */
const LONG_AGO = new Date('2026-03-01T08:00:00Z');

describe("districts' wrapped keys as files", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const keyDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'healthcode-region-key-files-'));
    dirs.push(dir);
    return dir;
  };

  it('lists a district whose key another process made after the last listing', () => {
    const dir = keyDir();
    new FileRegionKeys(dir).create('330110', wrapped());
    utimesSync(dir, LONG_AGO, LONG_AGO);
    const serving = new FileRegionKeys(dir);
    assert.deepEqual(serving.regions(), ['330110']);
    new FileRegionKeys(dir).create('330106', wrapped());
    assert.deepEqual(serving.regions().sort(), ['330106', '330110']);
  });

  it('no longer lists a district whose key another process destroyed after the last listing', () => {
    const dir = keyDir();
    const other = new FileRegionKeys(dir);
    other.create('330110', wrapped());
    other.create('420106', wrapped());
    utimesSync(dir, LONG_AGO, LONG_AGO);
    const serving = new FileRegionKeys(dir);
    assert.deepEqual(serving.regions().sort(), ['330110', '420106']);
    other.destroy('420106');
    assert.deepEqual(serving.regions(), ['330110']);
  });

  it('lists a key made within the same tick of the file system clock as the listing before it', () => {
    const dir = keyDir();
    new FileRegionKeys(dir).create('330110', wrapped());
    // The change stamped on a whole second, so that the stamp can be put back exactly below.
    const mtime = new Date(Math.floor(statSync(dir).mtimeMs / 1000) * 1000);
    utimesSync(dir, mtime, mtime);
    // The serving process lists just after the change (its clock within the second of the stamp).
    const serving = new FileRegionKeys(dir, true, () => mtime.getTime() + 5);
    assert.deepEqual(serving.regions(), ['330110']);
    // Another key lands within the same coarse tick: the directory keeps the very same time.
    writeFileSync(join(dir, '330106.key'), `${wrapped().toString('base64')}\n`, { mode: 0o600 });
    utimesSync(dir, mtime, mtime);
    assert.deepEqual(serving.regions().sort(), ['330106', '330110']);
  });
});
