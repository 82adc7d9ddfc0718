import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeBase45, encodeBase45 } from '../../../src/codes/base45.js';
import { TOKEN_PREFIX } from '../../../src/codes/token-format.js';
import { createLogger } from '../../../src/logging.js';
import { createContext } from '../../../src/services/context.js';
import { createServices } from '../../../src/services/services.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../../support/people.js';

async function gate(h: Harness, name: string) {
  const venue = await h.services.venues.registerVenue({ name: '杭州东站', type: 'subway_station', region: '330102', address: '天城路 1 号', latitude: 30.29, longitude: 120.21, operator: '杭州地铁' });
  return h.services.venues.authenticateCheckpointDevice((await h.services.venues.registerCheckpointDevice(venue.id, name)).token);
}

describeOnEachEngine('scans verified on worker threads', (h) => {
  it('are judged exactly as on the main thread: valid, tampered, spliced and malformed codes alike', async () => {
    const threaded = createContext({ database: h().opened.store, clock: h().clock, dataKey: h().dataKey, regionKeys: h().ctx.regionKeys.backend, logger: createLogger('silent'), settings: h().ctx.settings, signatureThreads: 2 });
    try {
      const pooled = createServices(threaded);
      const zhang = await h().services.residents.register(ZHANG_WEI);
      const liu = await h().services.residents.register(LIU_FANG);
      const valid = (await h().services.healthCodes.issue(zhang.id)).token;
      const other = (await h().services.healthCodes.issue(liu.id)).token;
      // One bit of the signature (the last bytes of the COSE structure) flipped, still well-formed base45.
      const bytes = decodeBase45(valid.slice(TOKEN_PREFIX.length));
      bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x01;
      const tampered = TOKEN_PREFIX + encodeBase45(bytes);
      const spliced = valid.slice(0, 60) + other.slice(60);
      const at = h().clock.now().toISOString();
      const batch = (prefix: string) => [
        { scanId: `${prefix}-1`, token: valid, scannedAt: at },
        { scanId: `${prefix}-2`, token: tampered, scannedAt: at },
        { scanId: `${prefix}-3`, token: spliced, scannedAt: at },
        { scanId: `${prefix}-4`, token: 'HC1:NOTACODE', scannedAt: at },
        { scanId: `${prefix}-5`, token: other, scannedAt: at },
        { scanId: `${prefix}!`, token: valid, scannedAt: at },
      ];
      const main = await h().services.scans.recordScans(await gate(h(), '1 号闸机'), batch('main'), 'offline');
      const threads = await pooled.scans.recordScans(await gate(h(), '2 号闸机'), batch('pool'), 'offline');
      const judged = (outcomes: typeof main) => outcomes.map(({ scanId: _id, field, ...rest }) => ({ ...rest, field: field?.replace(/\[\d+\]/, '[n]') }));
      assert.deepEqual(judged(threads), judged(main));
      // Signed codes of gray (unverified) residents: verified, then not admitted by colour.
      assert.deepEqual(main.map((o) => o.reason), ['colour-not-admitted', 'bad-signature', 'malformed-cbor', 'wrong-prefix', 'colour-not-admitted', 'must be 1 to 64 letters, digits, - or _']);
    } finally {
      await threaded.signatures.close();
    }
  });
});
