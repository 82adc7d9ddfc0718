import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, it } from 'node:test';
import { MAX_MEMBER_REVOKED, verifyNationalTrustList, type NationalTrustList } from '../../../src/codes/national-trust-list.js';
import { DOCUMENT_TYPES } from '../../../src/codes/signed-document.js';
import { generateSigningKey, nodeVerify, signDocument, signKeyBinding } from '../../../src/codes/token-signer.js';
import { base64UrlToBytes, bytesToBase64Url, type TrustedKey } from '../../../src/codes/trust-list.js';
import { InvalidInputError } from '../../../src/domain/field-errors.js';
import { PEER_MAX_BYTES } from '../../../src/services/federation/operator-client.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';

/**
 * The hub against hostile members: each member is a stand-in HTTP server publishing whatever signed
 * trust list the test gives it, signed with the operator key the hub pinned for it.
 */

type Signer = ReturnType<typeof generateSigningKey>;

interface FakeMember {
  id: string;
  regions: string[];
  operatorKey: Signer;
  url: string;
  /** The list it serves now (set by the test). */
  document: Buffer;
}

const servers: Server[] = [];
after(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

async function fakeMember(id: string, regions: string[]): Promise<FakeMember> {
  const member: FakeMember = { id, regions, operatorKey: generateSigningKey(id), url: '', document: Buffer.alloc(0) };
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/cose' }).end(member.document));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  member.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return member;
}

/** A code key as `operator` lists it, with its proof of possession (signed by the key itself). */
const codeKey = (issuer: string, nowSeconds: number, operator = issuer === 'CN-420000' ? 'hubei' : 'guangdong'): { key: TrustedKey; signer: Signer } => {
  const signer = generateSigningKey(issuer);
  const key: TrustedKey = { kid: signer.kid, issuer, alg: 'EdDSA', crv: 'Ed25519', x: bytesToBase64Url(signer.publicKey), validFrom: nowSeconds - 60, validUntil: null };
  return { signer, key: { ...key, binding: signKeyBinding(signer, operator, issuer) } };
};

function publish(member: FakeMember, h: Harness, keys: TrustedKey[], revoked: { kid: string; revokedAt: number }[] = [], generatedAt = Math.floor(h.clock.now().getTime() / 1000)): void {
  const list = { version: 1, generatedAt, expiresAt: generatedAt + 7 * 86_400, operator: { id: member.id, name: member.id, regions: member.regions }, keys, revoked };
  member.document = Buffer.from(signDocument(member.operatorKey, DOCUMENT_TYPES.memberTrustList, list));
}

async function register(h: Harness, member: FakeMember): Promise<void> {
  await h.services.hub.addMember({ id: member.id, name: member.id, regions: member.regions, url: member.url, contact: 'ops@example.cn', operatorKey: bytesToBase64Url(member.operatorKey.publicKey) });
}

async function national(h: Harness): Promise<NationalTrustList> {
  const { document } = await h.services.hub.nationalList();
  return verifyNationalTrustList(document, (await h.services.keys.hubKey()).publicKey, nodeVerify());
}

const keysOf = (list: NationalTrustList, id: string) => list.members.find((m) => m.id === id)?.keys.map((k) => k.kid) ?? [];
const statusOf = async (h: Harness, id: string) => (await h.services.hub.members()).find((m) => m.id === id)!;

describeOnEachEngine(
  'the national hub against hostile members',
  (h) => {
    let hubei: FakeMember;
    let hostile: FakeMember;
    let now: number;
    before(async () => {
      hubei = await fakeMember('hubei', ['420000']);
      hostile = await fakeMember('guangdong', ['440000']);
    });
    const setUp = async () => {
      now = Math.floor(h().clock.now().getTime() / 1000);
      await register(h(), hubei);
      await register(h(), hostile);
      const hubeiKey = codeKey('CN-420000', now);
      publish(hubei, h(), [hubeiKey.key]);
      publish(hostile, h(), [codeKey('CN-440000', now).key]);
      await h().services.hub.refreshAll();
      return hubeiKey;
    };

    it("ignores a member's revocation of another member's key, and says so in that member's status", async () => {
      const { key } = await setUp();
      publish(hostile, h(), [codeKey('CN-440000', now).key], [{ kid: key.kid, revokedAt: now }], now + 1);
      h().clock.advance(60_000);
      await h().services.hub.refreshAll();
      const list = await national(h());
      assert.deepEqual(keysOf(list, 'hubei'), [key.kid], "Hubei's key stays in the national list");
      assert.ok(!list.revoked.some((r) => r.kid === key.kid), 'the national list names no revocation of it');
      const status = await statusOf(h(), 'guangdong');
      assert.match(status.notice ?? '', new RegExp(`revocations ignored: ${key.kid.replace(/[-]/g, '\\-')} \\(a key of hubei\\)`));
      // Its own revocation still travels.
      publish(hubei, h(), [], [{ kid: key.kid, revokedAt: now + 2 }], now + 2);
      await h().services.hub.refreshAll();
      const after = await national(h());
      assert.deepEqual(keysOf(after, 'hubei'), []);
      assert.deepEqual(after.revoked.map((r) => [r.kid, r.operator]), [[key.kid, 'hubei']]);
    });

    it("refuses a list that publishes a key under another member's kid, or another member's own key", async () => {
      const { key } = await setUp();
      const own = codeKey('CN-440000', now).key;
      publish(hostile, h(), [{ ...own, kid: key.kid }], [], now + 1);
      await h().services.hub.refreshAll();
      let status = await statusOf(h(), 'guangdong');
      assert.equal(status.status, 'stale');
      assert.match(status.lastError ?? '', /is not the key id of its public key/);
      // Hubei's own public key, its kid rightly derived, passed off as Guangdong's.
      publish(hostile, h(), [{ ...key, issuer: 'CN-440000' }], [], now + 2);
      await h().services.hub.refreshAll();
      status = await statusOf(h(), 'guangdong');
      assert.match(status.lastError ?? '', /not bound to guangdong by its own private key/);
      const list = await national(h());
      assert.deepEqual(keysOf(list, 'hubei'), [key.kid]);
      assert.equal(list.members.flatMap((m) => m.keys).filter((k) => k.kid === key.kid).length, 1);
    });

    it("refuses a hostile member's copy of another's freshly rotated key, takes the victim's list, and lets the copier not revoke it", async () => {
      await setUp();
      const { key: own, signer: ownSigner } = codeKey('CN-440000', now);
      // Hubei rotates; its new public key is in its public list, which Guangdong reads before the hub does.
      const rotated = codeKey('CN-420000', now);
      const copied = { ...rotated.key, issuer: 'CN-440000' };
      const attempts: TrustedKey[] = [
        { ...copied, binding: undefined },
        // Hubei's binding, as published: names Hubei and CN-420000, not the copier.
        copied,
        // A binding naming Guangdong, signed with Guangdong's own key: not the copied key's.
        { ...copied, binding: signKeyBinding({ ...ownSigner, kid: rotated.key.kid }, 'guangdong', 'CN-440000') },
      ];
      let at = now;
      for (const attempt of attempts) {
        publish(hostile, h(), [own, attempt], [], (at += 1));
        await h().services.hub.refreshAll();
        assert.match((await statusOf(h(), 'guangdong')).lastError ?? '', /carries no binding|not bound to guangdong/);
      }
      // The hub reads Hubei's list only now: it is taken.
      publish(hubei, h(), [rotated.key], [], (at += 1));
      await h().services.hub.refreshAll();
      assert.equal((await statusOf(h(), 'hubei')).lastError, null);
      // Guangdong, back to a good list of its own, revokes Hubei's key nationally: ignored.
      publish(hostile, h(), [own], [{ kid: rotated.key.kid, revokedAt: at }], (at += 1));
      await h().services.hub.refreshAll();
      const list = await national(h());
      assert.deepEqual(keysOf(list, 'hubei'), [rotated.key.kid]);
      assert.ok(!list.revoked.some((r) => r.kid === rotated.key.kid));
      assert.ok(!keysOf(list, 'guangdong').includes(rotated.key.kid));
    });

    it('gives a kid claimed on no proof (before bindings) to the member that proves it, and ignores the claimant\'s revocation of it', async () => {
      await setUp();
      const rotated = codeKey('CN-420000', now);
      // Recorded for Guangdong before bindings were checked: its copy carried none.
      const unbound: TrustedKey = { ...rotated.key, issuer: 'CN-440000', binding: undefined };
      const recorded = await h().ctx.stores.federation.recordMemberList(
        'guangdong',
        { generatedAt: now + 1, expiresAt: now + 86_400, keys: [unbound], revoked: [] },
        now * 1000,
      );
      assert.ok(recorded.kept);
      publish(hubei, h(), [rotated.key], [], now + 2);
      publish(hostile, h(), [codeKey('CN-440000', now).key], [{ kid: rotated.key.kid, revokedAt: now + 3 }], now + 3);
      await h().services.hub.refreshAll();
      assert.equal((await statusOf(h(), 'hubei')).lastError, null);
      const list = await national(h());
      assert.deepEqual(keysOf(list, 'hubei'), [rotated.key.kid]);
      assert.ok(!list.revoked.some((r) => r.kid === rotated.key.kid));
    });

    it('refuses a member list inflated past the bound, keeping the member stale with the reason and the national list small', async () => {
      await setUp();
      const revoked = Array.from({ length: 21_000 }, (_, i) => ({ kid: bytesToBase64Url(Buffer.from(`k${String(i).padStart(7, '0')}`)).slice(0, 11), revokedAt: now }));
      publish(hostile, h(), [codeKey('CN-440000', now).key], revoked, now + 1);
      await h().services.hub.refreshAll();
      const status = await statusOf(h(), 'guangdong');
      assert.equal(status.status, 'stale');
      assert.match(status.lastError ?? '', new RegExp(`names 21000 keys, more than the ${MAX_MEMBER_REVOKED}`));
      const { document } = await h().services.hub.nationalList();
      assert.ok(document.byteLength < 20_000, `${document.byteLength} bytes`);
    });

    it("refuses a member's older signed list replayed after a newer one, keeping the newer keys and showing the member stale", async () => {
      const { key } = await setUp();
      const older = hubei.document;
      const added = codeKey('CN-420000', now + 60);
      publish(hubei, h(), [key, added.key], [], now + 60);
      h().clock.advance(120_000);
      await h().services.hub.refreshAll();
      assert.deepEqual(keysOf(await national(h()), 'hubei').sort(), [key.kid, added.key.kid].sort());
      // A man in the middle (or Hubei rolled back) serves the list it signed before: valid, unexpired, older.
      hubei.document = older;
      h().clock.advance(120_000);
      await h().services.hub.refreshAll();
      assert.deepEqual(keysOf(await national(h()), 'hubei').sort(), [key.kid, added.key.kid].sort(), 'the newer keys stay');
      const status = await statusOf(h(), 'hubei');
      assert.equal(status.status, 'stale');
      assert.match(status.lastError ?? '', /older/);
    });

    it('refuses a member list over 1 MB, whether it says its size or not, keeping the member stale and its last good keys', async () => {
      const { key } = await setUp();
      hubei.document = Buffer.alloc(PEER_MAX_BYTES + 1, 0x41);
      h().clock.advance(60_000);
      await h().services.hub.refreshAll();
      let status = await statusOf(h(), 'hubei');
      assert.equal(status.status, 'stale');
      assert.match(status.lastError ?? '', new RegExp(`more than ${PEER_MAX_BYTES}`));
      assert.deepEqual(keysOf(await national(h()), 'hubei'), [key.kid]);
      // Sent in chunks with no length declared: cut off once past the bound.
      const streaming = createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/cose' });
        const chunk = Buffer.alloc(64 * 1024, 0x41);
        let sent = 0;
        const more = () => {
          while (sent < 4 * PEER_MAX_BYTES) {
            sent += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', more);
          }
          response.end();
        };
        more();
      });
      await new Promise<void>((resolve) => streaming.listen(0, '127.0.0.1', resolve));
      servers.push(streaming);
      const swamping = await fakeMember('sichuan', ['510000']);
      await register(h(), { ...swamping, url: `http://127.0.0.1:${(streaming.address() as { port: number }).port}` });
      await h().services.hub.refreshAll();
      status = await statusOf(h(), 'sichuan');
      assert.equal(status.status, 'stale');
      assert.match(status.lastError ?? '', new RegExp(`more than ${PEER_MAX_BYTES}`));
    });

    it('gives a region to one of two registrations racing for it', async () => {
      for (let round = 0; round < 4; round += 1) {
        const results = await Promise.allSettled(
          ['a', 'b'].map((x) => h().services.hub.addMember({ id: `racer-${round}-${x}`, name: x, regions: [`3${round + 1}0000`], url: `https://${x}.example.cn`, contact: 'ops@example.cn' })),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${round}: ${JSON.stringify(results.map((r) => r.status))}`);
      }
    });

    it('gives a province and a city inside it to one of two registrations racing for them', async () => {
      for (let round = 0; round < 6; round += 1) {
        const province = `${41 + round}0000`;
        const results = await Promise.allSettled([
          h().services.hub.addMember({ id: `province-${round}`, name: 'province', regions: [province], url: 'https://province.example.cn', contact: 'ops@example.cn' }),
          h().services.hub.addMember({ id: `city-${round}`, name: 'city', regions: [`${41 + round}0100`], url: 'https://city.example.cn', contact: 'ops@example.cn' }),
        ]);
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${round}: ${JSON.stringify(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok')))}`);
      }
    });

    it('refuses a member address whose query or fragment would swallow the paths the hub fetches', async () => {
      for (const url of ['http://evil.example/steal#', 'http://evil.example/?', 'http://user:pw@hubei.example']) {
        await assert.rejects(
          h().services.hub.addMember({ id: 'hubei', name: 'Hubei', regions: ['420000'], url, contact: 'ops@example.cn' }),
          (error: unknown) => error instanceof InvalidInputError && error.errors.some((e) => e.field === 'url'),
          url,
        );
      }
    });

    it('answers a member-signed fact request whose payload is JSON null with 400 naming the field', async () => {
      await setUp();
      const response = await (await h().app()).inject({
        method: 'POST',
        url: '/api/v1/federation/fact-bundles',
        headers: { 'content-type': 'application/cose' },
        payload: Buffer.from(signDocument(hubei.operatorKey, DOCUMENT_TYPES.factRequest, null)),
      });
      assert.equal(response.statusCode, 400, response.body);
      const problem = response.json() as { type: string; errors: { field: string }[] };
      assert.equal(problem.type, '/problems/malformed-request');
      assert.deepEqual(problem.errors.map((e) => e.field), ['payload']);
    });

    it('signs the national list with a new hub key after a rotation, which the old key no longer verifies', async () => {
      await setUp();
      const old = (await h().services.keys.hubKey()).publicKey;
      await h().services.keys.rotateHub();
      await h().services.hub.publish();
      const { document } = await h().services.hub.nationalList();
      await assert.rejects(verifyNationalTrustList(document, old, nodeVerify()), /signature/);
      assert.ok(await national(h()));
      assert.notDeepEqual((await h().services.keys.hubKey()).publicKey, old);
      assert.ok((await h().services.keys.operatorKey()).kid, 'the operator key is not retired with the hub key');
      assert.equal(base64UrlToBytes(bytesToBase64Url(old)).length, 32);
    });
  },
  { mode: 'development', settings: { operator: { id: 'hub', name: 'National hub', regions: ['110000'], publicUrl: undefined }, federation: { hub: true, hubUrl: undefined, hubKey: undefined, refreshSeconds: 300 } } },
);
