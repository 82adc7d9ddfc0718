import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, it } from 'node:test';
import { DOCUMENT_TYPES } from '../../../src/codes/signed-document.js';
import { generateSigningKey, signDocument, signKeyBinding } from '../../../src/codes/token-signer.js';
import { bytesToBase64Url } from '../../../src/codes/trust-list.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';

/**
 * A member (Zhejiang) holding the hub's national list: used only while it lasts, and verified with
 * the hub key its operator configured, which wins over the one it pinned before.
 */

const DAY = 86_400_000;
const oldHub = generateSigningKey('hub');
const newHub = generateSigningKey('hub');
const hubeiCode = generateSigningKey('CN-420000');
let served: Buffer = Buffer.alloc(0);
let server: Server;
let hubUrl = '';

before(async () => {
  server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/cose' }).end(served));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hubUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function nationalList(signer: ReturnType<typeof generateSigningKey>, sequence: number, issuedAtMs: number): Buffer {
  const s = Math.floor(issuedAtMs / 1000);
  const list = {
    version: 1,
    hub: 'hub',
    sequence,
    issuedAt: s,
    expiresAt: s + 86_400,
    members: [{ id: 'hubei', name: '湖北省', regions: ['420000'], url: 'https://hb.example.cn', operatorKey: null, status: 'fresh', listGeneratedAt: s, listExpiresAt: s + 7 * 86_400, keys: [{ kid: hubeiCode.kid, issuer: 'CN-420000', alg: 'EdDSA', crv: 'Ed25519', x: bytesToBase64Url(hubeiCode.publicKey), validFrom: s - 60, validUntil: null, binding: signKeyBinding(hubeiCode, 'hubei', 'CN-420000') }] }],
    revoked: [],
  };
  return Buffer.from(signDocument(signer, DOCUMENT_TYPES.nationalTrustList, list));
}

const trusts = async (h: Harness, kid: string) => (await h.services.nationalList.combined()).trustList.keys.some((k) => k.kid === kid);

describeOnEachEngine(
  'a member holding the national list',
  (h) => {
    const settings = (hubKey: string) => {
      h().ctx.settings.federation = { hub: false, hubUrl, hubKey, refreshSeconds: 300 };
    };

    it("stops trusting other members' keys once the national list it holds has expired, though the hub cannot be reached", async () => {
      settings(bytesToBase64Url(oldHub.publicKey));
      served = nationalList(oldHub, 4, h().clock.now().getTime());
      assert.deepEqual(await h().services.nationalList.refresh(), { sequence: 4 });
      assert.ok(await trusts(h(), hubeiCode.kid));
      // The hub goes quiet; two days later the list it last gave (expired a day ago) is still all this member holds.
      served = Buffer.from('unreachable');
      h().clock.advance(2 * DAY);
      assert.ok('error' in (await h().services.nationalList.refresh()));
      assert.equal(await trusts(h(), hubeiCode.kid), false);
      await assert.rejects(h().services.nationalList.member('hubei'), /expired/);
    });

    it('takes a new hub key from its configuration over the one pinned before, and gives its scanners that key', async () => {
      settings(bytesToBase64Url(oldHub.publicKey));
      served = nationalList(oldHub, 4, h().clock.now().getTime());
      assert.deepEqual(await h().services.nationalList.refresh(), { sequence: 4 });
      // The hub rotated its key (keys rotate-hub); the operator sets HEALTHCODE_HUB_KEY to the new one.
      settings(bytesToBase64Url(newHub.publicKey));
      served = nationalList(newHub, 5, h().clock.now().getTime());
      assert.deepEqual(await h().services.nationalList.refresh(), { sequence: 5 });
      assert.equal(await h().services.nationalList.hubKeyForScanners(), bytesToBase64Url(newHub.publicKey));
      // A list the old key signed is no longer taken.
      served = nationalList(oldHub, 6, h().clock.now().getTime());
      assert.match((await h().services.nationalList.refresh() as { error: string }).error, /signature/);
    });
  },
  { mode: 'development', settings: { operator: { id: 'zhejiang', name: '浙江省', regions: ['330000'], publicUrl: undefined } } },
);
