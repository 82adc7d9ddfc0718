import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openServices } from '../../src/cli/server.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { CLI, serverEnv } from '../support/spawned-server.js';

describe('healthcode keys revoke', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'healthcode-keys-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('revokes a key whose id begins with a dash, which base64url gives one key in 64', async () => {
    const opened = await openServices(loadConfig({ HEALTHCODE_DATA_DIR: dataDir, HEALTHCODE_DEMO_DATA: 'off' }), createLogger('silent'));
    let kid = '';
    try {
      // Rotated until the active key's id is of the shape that broke the command line (CI met one).
      for (let tries = 0; tries < 2000 && !kid.startsWith('-'); tries += 1) kid = (await opened.services.keys.rotate('330000')).kid;
      assert.ok(kid.startsWith('-'), kid);
    } finally {
      await opened.close();
    }
    const revoked = spawnSync(process.execPath, [...CLI, 'keys', 'revoke', '--kid', kid], { env: serverEnv(dataDir, { HEALTHCODE_DEMO_DATA: 'off' }), encoding: 'utf8' });
    assert.equal(revoked.status, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`^revoked ${kid} of 330000; \\S+ signs from now on`));
  });
});

describe('keys made only by the server and the keys commands', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'healthcode-nokeys-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('makes no code key when a command other than serve runs without HEALTHCODE_REGIONS (it would be a key for every province)', async () => {
    // The operator serves Hubei; an administrator adds a staff member from a shell that lacks the server's HEALTHCODE_REGIONS.
    const added = spawnSync(process.execPath, [...CLI, 'staff', 'add', '--name', '值班员', '--role', 'authority'], { env: serverEnv(dataDir, { HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_OPERATOR_ID: 'hubei' }), encoding: 'utf8' });
    assert.equal(added.status, 0, added.stderr);
    const opened = await openServices(loadConfig({ HEALTHCODE_DATA_DIR: dataDir, HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_OPERATOR_ID: 'hubei', HEALTHCODE_REGIONS: '420000' }), createLogger('silent'));
    try {
      assert.deepEqual((await opened.services.keys.trustList()).keys, [], 'no key for any province');
    } finally {
      await opened.close();
    }
  });

  it('rotates the hub key on a hub, printing the new one for the members', async () => {
    const hubDir = mkdtempSync(join(tmpdir(), 'healthcode-hubkey-'));
    try {
      const env = serverEnv(hubDir, { HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_OPERATOR_ID: 'hub', HEALTHCODE_HUB: 'on', HEALTHCODE_REGIONS: '110000' });
      const before = spawnSync(process.execPath, [...CLI, 'federation', 'identity'], { env, encoding: 'utf8' });
      const oldKey = /hub key (\S+)/.exec(before.stdout)?.[1];
      assert.ok(oldKey, before.stdout + before.stderr);
      const rotated = spawnSync(process.execPath, [...CLI, 'keys', 'rotate-hub'], { env, encoding: 'utf8' });
      assert.equal(rotated.status, 0, rotated.stderr);
      const newKey = /^hub key (\S+)$/m.exec(rotated.stdout)?.[1];
      assert.ok(newKey && newKey !== oldKey, rotated.stdout);
      assert.match(rotated.stderr, /set HEALTHCODE_HUB_KEY to the key above/);
      const after = spawnSync(process.execPath, [...CLI, 'federation', 'identity'], { env, encoding: 'utf8' });
      assert.match(after.stdout, new RegExp(`hub key ${newKey.replace(/[-]/g, '\\-')}`));
    } finally {
      rmSync(hubDir, { recursive: true, force: true });
    }
  });
});
