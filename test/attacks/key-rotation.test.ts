import assert from 'node:assert/strict';
import { it } from 'node:test';
import { nodeVerify } from '../../src/codes/token-signer.js';
import { TokenVerifier } from '../../src/codes/token-verifier.js';
import { createLogger } from '../../src/logging.js';
import { createContext } from '../../src/services/context.js';
import { KEY_RECHECK_MS } from '../../src/services/keys-service.js';
import { createServices } from '../../src/services/services.js';
import type { ChangeFeed } from '../../src/store/change-feed.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { ZHANG_WEI } from '../support/people.js';
import { registerVerified } from '../support/sign-in.js';

const MINUTE = 60_000;

/** A second process on the same database, data key and key directory: what `healthcode keys rotate` is to the server. */
function cli(h: Harness) {
  return createServices(createContext({ database: h.opened.store, clock: h.clock, dataKey: h.dataKey, regionKeys: h.ctx.regionKeys.backend, logger: createLogger('silent'), settings: h.ctx.settings }));
}

/** A server whose change feed cannot tell it anything (its PostgreSQL listener is reconnecting). */
function deafServer(h: Harness) {
  const feed = h.opened.store.changes;
  const deaf: ChangeFeed = { upToDate: () => false, subscribe: () => () => undefined, commit: (db, change, work) => feed.commit(db, change, work), close: async () => undefined };
  return createServices(createContext({ database: { ...h.opened.store, changes: deaf }, clock: h.clock, dataKey: h.dataKey, regionKeys: h.ctx.regionKeys.backend, logger: createLogger('silent'), settings: h.ctx.settings }));
}

async function verifies(h: Harness, token: string, at = h.clock.now().getTime()) {
  return new TokenVerifier(await h.services.keys.trustList(), nodeVerify()).verify(token, at);
}

describeOnEachEngine('rotating a key while the server runs', (h) => {
  async function zhang() {
    const id = await registerVerified(h(), ZHANG_WEI);
    await h().services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
    return id;
  }

  it('signs with the new key as soon as the rotation is heard, even a code shown a moment ago', async () => {
    const id = await zhang();
    await h().services.healthCodes.issue(id);
    const { kid } = await cli(h()).keys.rotate('330110');
    const fresh = await h().services.healthCodes.issue(id);
    const result = await verifies(h(), fresh.token);
    assert.ok(result.valid && result.kid === kid, JSON.stringify(result));
  });

  it('keeps the codes a server signs valid while it cannot hear of the rotation', async () => {
    const id = await zhang();
    const server = deafServer(h());
    await server.healthCodes.issue(id);
    const { retired } = await cli(h()).keys.rotate('330110');
    h().clock.advance(KEY_RECHECK_MS - 1000);
    const stale = await server.healthCodes.issue(id);
    const result = await verifies(h(), stale.token);
    assert.ok(result.valid, JSON.stringify(result));
    assert.equal(result.valid && result.kid, retired[0]);
  });

  it('signs with the new key once the recheck interval has passed, even unable to hear', async () => {
    const id = await zhang();
    const server = deafServer(h());
    await server.healthCodes.issue(id);
    const { kid } = await cli(h()).keys.rotate('330110');
    h().clock.advance(KEY_RECHECK_MS + 1000);
    const fresh = await server.healthCodes.issue(id);
    const result = await verifies(h(), fresh.token);
    assert.ok(result.valid && result.kid === kid, JSON.stringify(result));
  });

  it('accepts an offline scan of a code signed before the rotation, uploaded hours later', async () => {
    const id = await zhang();
    const venue = await h().services.venues.registerVenue({ name: '武林广场地铁站', type: 'subway_station', region: '330105', address: '武林广场', latitude: 30.27, longitude: 120.16, operator: '杭州地铁' });
    const device = await h().services.venues.authenticateCheckpointDevice((await h().services.venues.registerCheckpointDevice(venue.id, '1 号闸机')).token);
    const shown = await h().services.healthCodes.issue(id);
    const scannedAt = h().clock.now().toISOString();
    await cli(h()).keys.rotate('330110');
    h().clock.advance(6 * 60 * MINUTE);
    const [outcome] = await h().services.scans.recordScans(device, [{ scanId: 'offline-1', token: shown.token, scannedAt }], 'offline');
    assert.deepEqual([outcome?.status, outcome?.reason], ['stored', 'allowed']);
  });
});
