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
