import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { encodeBase45 } from '../../src/codes/base45.js';
import { GRANT_PREFIX } from '../../src/codes/fact-bundle.js';
import { combineTrustLists, type NationalTrustList } from '../../src/codes/national-trust-list.js';
import { DOCUMENT_TYPES } from '../../src/codes/signed-document.js';
import { generateSigningKey, signDocument } from '../../src/codes/token-signer.js';
import { TokenVerifier, webCryptoVerify } from '../../src/codes/token-verifier.js';
import { verifyTravelCard } from '../../src/codes/travel-card.js';
import { bytesToBase64Url, type TrustList } from '../../src/codes/trust-list.js';
import { CHEN_JING, withCheck } from '../support/people.js';
import { CLI, serverEnv } from '../support/spawned-server.js';
import { BundleReplayer, eventually, fakeOperator, freePort, json, lastSmsCode, nationalListAt, smsCode, startOperator, type Operator } from '../support/federation.js';

/**
 * One country, three processes: a national hub and two member operators (Hubei 420000, Zhejiang
 * 330000), each with its own database and keys, and four stand-ins for members that misbehave. The
 * story is the seeds' own: a woman registered in Jingmen (Hubei) goes to Ningbo (Zhejiang) and uses
 * her Hubei registration there instead of registering twice.
 */

const NINGBO_STAY = { region: '330203', detail: '海曙区中山西路 138 号 2 单元 1101 室' };
/** Registered in Wuhan; the grants she gives are copied by someone with another phone. */
const WANG_LI = { name: '王丽', idType: 'resident_id', idNumber: withCheck('42010619910722004'), phone: '13871234567', address: { region: '420106', detail: '武昌区中北路 108 号 1 栋 1203 室' } };
const ATTACKER_PHONE = '13600001111';

type Member = NationalTrustList['members'][number];

describe('federation: a hub and two operators as separate processes', () => {
  let hub: Operator;
  let hubei: Operator;
  let zhejiang: Operator;
  const fakes: Server[] = [];
  let hubKey: string;
  let path: BundleReplayer;
  let ports: Record<'hub' | 'hubei' | 'hubeiPath' | 'zhejiang' | 'down' | 'slow' | 'garbage' | 'forger' | 'trespasser', number>;
  let resident: { id: string; auth: { authorization: string } };
  let hubeiCode: string;

  before(async () => {
    ports = { hub: 0, hubei: 0, hubeiPath: 0, zhejiang: 0, down: 0, slow: 0, garbage: 0, forger: 0, trespasser: 0 };
    for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
    const at = (port: number) => `http://127.0.0.1:${port}`;

    // Five members that misbehave: one is down, one accepts and never answers, one answers garbage, one signs its list with a
    // key other than the one it showed, one publishes a key for a region it was not registered for.
    const identityOf = (id: string, regions: string[], key: ReturnType<typeof generateSigningKey>) =>
      JSON.stringify({ operator: { id, name: id, regions }, operatorKey: { kid: key.kid, x: bytesToBase64Url(key.publicKey) }, hubKey: null });
    const listOf = (id: string, regions: string[], signer: ReturnType<typeof generateSigningKey>, codeIssuer: string) => {
      const code = generateSigningKey(codeIssuer);
      const now = Math.floor(Date.now() / 1000);
      const list = {
        version: 1,
        generatedAt: now,
        expiresAt: now + 86_400,
        operator: { id, name: id, regions },
        keys: [{ kid: code.kid, issuer: codeIssuer, alg: 'EdDSA', crv: 'Ed25519', x: bytesToBase64Url(code.publicKey), validFrom: now - 60, validUntil: null }],
        revoked: [],
      };
      return Buffer.from(signDocument(signer, DOCUMENT_TYPES.memberTrustList, list));
    };
    const slow = createServer(() => undefined);
    await new Promise<void>((resolve) => slow.listen(ports.slow, '127.0.0.1', resolve));
    fakes.push(slow);
    fakes.push(await fakeOperator(ports.garbage, () => ({ status: 200, type: 'application/json', body: '{"operator":{"id":"garbage"},"operatorKey":{"x":"not a key"}}' })));
    const shown = generateSigningKey('forger');
    const other = generateSigningKey('forger');
    fakes.push(
      await fakeOperator(ports.forger, (path) =>
        path.endsWith('/identity')
          ? { status: 200, type: 'application/json', body: identityOf('forger', ['440000'], shown) }
          : { status: 200, type: 'application/cose', body: listOf('forger', ['440000'], other, 'CN-440000') },
      ),
    );
    const trespasser = generateSigningKey('trespasser');
    fakes.push(
      await fakeOperator(ports.trespasser, (path) =>
        path.endsWith('/identity')
          ? { status: 200, type: 'application/json', body: identityOf('trespasser', ['460000'], trespasser) }
          : { status: 200, type: 'application/cose', body: listOf('trespasser', ['460000'], trespasser, 'CN-420000') },
      ),
    );

    // Hubei is reached through a path that a man in the middle holds.
    path = new BundleReplayer(at(ports.hubei));
    await path.start(ports.hubeiPath);
    const members = ['hubei', 'zhejiang', 'down', 'slow', 'garbage', 'forger', 'trespasser'].map((id) => `${id}=${at(ports[id === 'hubei' ? 'hubeiPath' : (id as keyof typeof ports)])}`).join(',');
    [hub, hubei, zhejiang] = await Promise.all([
      startOperator(ports.hub, { HEALTHCODE_OPERATOR_ID: 'hub', HEALTHCODE_OPERATOR_NAME: 'National hub', HEALTHCODE_HUB: 'on', HEALTHCODE_HUB_MEMBERS: members }),
      startOperator(ports.hubei, { HEALTHCODE_OPERATOR_ID: 'hubei', HEALTHCODE_OPERATOR_NAME: 'Hubei', HEALTHCODE_REGIONS: '420000', HEALTHCODE_HUB_URL: at(ports.hub) }),
      startOperator(ports.zhejiang, { HEALTHCODE_OPERATOR_ID: 'zhejiang', HEALTHCODE_OPERATOR_NAME: 'Zhejiang', HEALTHCODE_REGIONS: '330000', HEALTHCODE_HUB_URL: at(ports.hub) }),
    ]);
    hubKey = (await json<{ hubKey: { x: string } }>(`${hub.url}/api/v1/federation/identity`)).body.hubKey.x;

    // Registered, declared and shown a code in Jingmen.
    const code = await smsCode(hubei.url, CHEN_JING.phone!);
    const registered = await json<{ id: string; session: { token: string } }>(`${hubei.url}/api/v1/residents`, { json: { ...CHEN_JING, code } });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    resident = { id: registered.body.id, auth: { authorization: `Bearer ${registered.body.session.token}` } };
    const declared = await json(`${hubei.url}/api/v1/residents/${resident.id}/declarations`, { headers: resident.auth, json: { stays: [], contacts: [], symptoms: [], temperature: 36.5 } });
    assert.equal(declared.status, 201, JSON.stringify(declared.body));
    hubeiCode = (await json<{ token: string }>(`${hubei.url}/api/v1/residents/${resident.id}/code`, { headers: resident.auth })).body.token;
  });

  after(async () => {
    for (const server of [hub, hubei, zhejiang]) server?.child.kill('SIGTERM');
    await Promise.all([hub, hubei, zhejiang].map((s) => s?.exited));
    await path?.stop();
    for (const fake of fakes) {
      fake.closeAllConnections();
      fake.close();
    }
  });

  const membersAt = async (url: string) => (await nationalListAt(url, hubKey))?.members ?? [];
  const withKeys = (members: Member[], id: string) => (members.find((m) => m.id === id)?.keys.length ?? 0) > 0;

  it('has keys for every served region from the first start, before any code is shown', async () => {
    const list = (await json<TrustList>(`${zhejiang.url}/api/v1/trust-list`)).body;
    assert.deepEqual(list.keys.map((k) => k.issuer), ['CN-330000']);
    assert.deepEqual(list.operator, { id: 'zhejiang', name: 'Zhejiang', regions: ['330000'] });
  });

  it("lets a Zhejiang scanner verify a Hubei resident's code offline, naming the issuing operator and region", async () => {
    const members = await eventually('Zhejiang holds a national list with both members', () => membersAt(zhejiang.url), (m) => withKeys(m, 'hubei') && withKeys(m, 'zhejiang'));
    // What a scanner caches: its operator's own list and the national one; then it goes offline.
    const own = (await json<TrustList>(`${zhejiang.url}/api/v1/trust-list`)).body;
    const national = (await nationalListAt(zhejiang.url, hubKey))!;
    const { trustList, origins } = combineTrustLists(own, national, Date.now());
    const result = await new TokenVerifier(trustList, webCryptoVerify()).verify(hubeiCode, Date.now());
    assert.ok(result.valid, JSON.stringify(result));
    assert.equal(result.claims.issuer, 'CN-420000');
    assert.deepEqual(origins.get(result.kid), { operator: 'hubei', operatorName: 'Hubei', region: '420000' });
    assert.deepEqual(members.find((m) => m.id === 'hubei')?.regions, ['420000']);
  });

  it('shows each misbehaving member stale on the status page with what went wrong, and publishes none of their keys', async () => {
    const status = await eventually(
      'the hub has tried every member',
      async () => (await json<{ members: { id: string; status: string; lastError: string | null; keys: number }[] }>(`${hub.url}/api/v1/federation/status`)).body.members,
      (members) => members.filter((m) => m.lastError !== null).length >= 5,
    );
    const byId = Object.fromEntries(status.map((m) => [m.id, m]));
    assert.equal(byId.hubei!.status, 'fresh');
    assert.equal(byId.zhejiang!.status, 'fresh');
    assert.match(byId.down!.lastError!, /could not be reached/);
    assert.match(byId.slow!.lastError!, /did not answer within 3000 ms/);
    assert.match(byId.garbage!.lastError!, /names no operatorKey|does not answer|not JSON/);
    assert.match(byId.forger!.lastError!, /signature does not match/);
    assert.match(byId.trespasser!.lastError!, /CN-420000, outside the regions trespasser was registered for/);
    for (const id of ['down', 'slow', 'garbage', 'forger', 'trespasser']) {
      assert.equal(byId[id]!.status, 'stale');
      assert.equal(byId[id]!.keys, 0);
    }
    const national = (await nationalListAt(hub.url, hubKey))!;
    const hubeiKids = new Set(national.members.find((m) => m.id === 'hubei')!.keys.map((k) => k.kid));
    assert.ok(national.members.filter((m) => m.id !== 'hubei').every((m) => m.keys.every((k) => !hubeiKids.has(k.kid) && !k.issuer.startsWith('CN-42'))), 'no other member carries a Hubei key');
  });

  it('gives a signed travel card that the gate verifies offline with the same lists', async () => {
    const card = await json<{ token: string; stays: unknown[]; maskedName: string }>(`${hubei.url}/api/v1/residents/${resident.id}/travel-card`, { headers: resident.auth });
    assert.equal(card.status, 200);
    assert.deepEqual(card.body.stays, []);
    const { trustList } = combineTrustLists((await json<TrustList>(`${zhejiang.url}/api/v1/trust-list`)).body, await nationalListAt(zhejiang.url, hubKey), Date.now());
    const verified = await verifyTravelCard(card.body.token, trustList, webCryptoVerify(), Date.now());
    assert.ok(verified.valid, JSON.stringify(verified));
    assert.equal(verified.claims.iss, 'CN-420000');
    assert.equal(verified.claims.n, card.body.maskedName);
  });

  it('moves her Hubei registration to Ningbo with a one-time grant: facts from Hubei, rules of Zhejiang', async () => {
    // Hubei learns of Zhejiang from the national list it fetches on its own schedule: wait for it, as
    // the scanner test above waits for Zhejiang's, rather than race it.
    await eventually('Hubei holds a national list naming Zhejiang', () => json<{ id: string }[]>(`${hubei.url}/api/v1/federation/operators`), (operators) => operators.body.some((o) => o.id === 'zhejiang'));
    const given = await json<{ grant: string; audienceName: string }>(`${hubei.url}/api/v1/residents/${resident.id}/fact-grants`, { headers: resident.auth, json: { audience: 'zhejiang' } });
    assert.equal(given.status, 201, JSON.stringify(given.body));
    assert.equal(given.body.audienceName, 'Zhejiang');
    const code = await smsCode(zhejiang.url, CHEN_JING.phone!);
    const admitted = await json<{ residentId: string; homeOperatorName: string; session: { token: string } }>(`${zhejiang.url}/api/v1/visitors`, {
      json: { grant: given.body.grant, phone: CHEN_JING.phone!, code, address: NINGBO_STAY },
    });
    assert.equal(admitted.status, 201, JSON.stringify(admitted.body));
    assert.equal(admitted.body.homeOperatorName, 'Hubei');
    const shown = await json<{ colour: string; factsFrom: { operator: string; operatorName: string }; ruleSet: { region: string }; token: string; maskedName: string }>(
      `${zhejiang.url}/api/v1/residents/${admitted.body.residentId}/code`,
      { headers: { authorization: `Bearer ${admitted.body.session.token}` } },
    );
    assert.equal(shown.status, 200, JSON.stringify(shown.body));
    assert.equal(shown.body.colour, 'green');
    assert.deepEqual([shown.body.factsFrom.operator, shown.body.factsFrom.operatorName], ['hubei', 'Hubei']);
    assert.equal(shown.body.maskedName, '陈*');
    // Her Hubei access log says who fetched her facts, and when.
    const log = await json<{ action: string; actor: string }[]>(`${hubei.url}/api/v1/residents/${resident.id}/access-log`, { headers: resident.auth });
    assert.ok(log.body.some((e) => e.action === 'release-fact-bundle' && e.actor === 'operator:zhejiang'), JSON.stringify(log.body));

    // The same grant again: the home released the facts once and says so.
    const again = await json<{ reason: string }>(`${zhejiang.url}/api/v1/visitors`, { json: { grant: given.body.grant, phone: '13972891299', code: await smsCode(zhejiang.url, '13972891299'), address: NINGBO_STAY } });
    assert.equal(again.status, 403);
    assert.equal(again.body.reason, 'grant-used');
  });

  it('refuses a grant made for another operator, and one signed by anyone but the home operator, by name', async () => {
    // Hubei checks a grant given back to it against its own key as the national list has it: wait for a
    // list naming Hubei, which may come a refresh after the one naming Zhejiang (waited for above) on a busy machine.
    await eventually('Hubei holds a national list naming Hubei', () => json<{ id: string }[]>(`${hubei.url}/api/v1/federation/operators`), (operators) => operators.body.some((o) => o.id === 'hubei'));
    const given = await json<{ grant: string }>(`${hubei.url}/api/v1/residents/${resident.id}/fact-grants`, { headers: resident.auth, json: { audience: 'zhejiang' } });
    const elsewhere = await json<{ reason: string }>(`${hubei.url}/api/v1/visitors`, {
      json: { grant: given.body.grant, phone: '13972891288', code: await smsCode(hubei.url, '13972891288'), address: { region: '420802', detail: '象山大道 1 号' } },
    });
    assert.equal(elsewhere.status, 403);
    assert.equal(elsewhere.body.reason, 'grant-not-for-you');

    const forger = generateSigningKey('hubei');
    const now = Math.floor(Date.now() / 1000);
    const forged = GRANT_PREFIX + encodeBase45(signDocument(forger, DOCUMENT_TYPES.factGrant, { v: 1, iss: 'hubei', aud: 'zhejiang', jti: 'x'.repeat(22), iat: now, exp: now + 600 }));
    const refused = await json<{ reason: string }>(`${zhejiang.url}/api/v1/visitors`, {
      json: { grant: forged, phone: '13972891277', code: await smsCode(zhejiang.url, '13972891277'), address: NINGBO_STAY },
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.reason, 'bad-signature');

    const garbled = await json<{ field: string }>(`${zhejiang.url}/api/v1/visitors`, { json: { grant: 'JKG1:not-base45!', phone: '13972891277', code: '123456', address: NINGBO_STAY } });
    assert.equal(garbled.status, 422);
    assert.equal(garbled.body.field, 'grant');
  });

  describe('a grant is a bearer string, not a sign-in', () => {
    let wang: { id: string; auth: { authorization: string } };
    const grantFrom = async (who: { id: string; auth: { authorization: string } }) => {
      const given = await json<{ grant: string }>(`${hubei.url}/api/v1/residents/${who.id}/fact-grants`, { headers: who.auth, json: { audience: 'zhejiang' } });
      assert.equal(given.status, 201, JSON.stringify(given.body));
      return given.body.grant;
    };
    const admit = async (grant: string, phone: string) =>
      json<{ residentId?: string; created?: boolean; reason?: string; detail?: string; session?: { token: string } }>(`${zhejiang.url}/api/v1/visitors`, {
        json: { grant, phone, code: await smsCode(zhejiang.url, phone), address: NINGBO_STAY },
      });
    /** What signing in at Zhejiang gets the holder of a phone whose code was refused a moment ago (so still unused). */
    const signInAtZhejiang = async (phone: string) => json<{ residentId?: string }>(`${zhejiang.url}/api/v1/sign-in/session`, { json: { phone, code: await lastSmsCode(zhejiang.url, phone) } });

    before(async () => {
      const code = await smsCode(hubei.url, WANG_LI.phone);
      const registered = await json<{ id: string; session: { token: string } }>(`${hubei.url}/api/v1/residents`, { json: { ...WANG_LI, code } });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      wang = { id: registered.body.id, auth: { authorization: `Bearer ${registered.body.session.token}` } };
    });

    it('refuses the attacker who uses her copied grant first with his own phone, and then admits her into an account that is hers alone', async () => {
      const first = await admit(await grantFrom(wang), ATTACKER_PHONE);
      assert.equal(first.status, 403, JSON.stringify(first.body));
      assert.equal(first.body.reason, 'phone-mismatch');
      assert.equal(first.body.session, undefined);
      // She gives a new grant and comes with her own phone: the account is made now, with her phone.
      const hers = await admit(await grantFrom(wang), WANG_LI.phone);
      assert.equal(hers.status, 201, JSON.stringify(hers.body));
      assert.equal(hers.body.created, true);
      // The attacker's phone opens nothing at Zhejiang.
      const attacker = await signInAtZhejiang(ATTACKER_PHONE);
      assert.equal(attacker.status, 401, JSON.stringify(attacker.body));
    });

    it('gives no session into her existing account, and none of her data, to a copied grant with another phone; the refusal names nothing of hers', async () => {
      const copied = await admit(await grantFrom(wang), '13600002222');
      assert.equal(copied.status, 403, JSON.stringify(copied.body));
      assert.equal(copied.body.reason, 'phone-mismatch');
      const text = JSON.stringify(copied.body);
      for (const secret of [WANG_LI.phone, '王', 'residentId', 'session']) assert.ok(!text.includes(secret), `the refusal does not carry ${secret}: ${text}`);
      assert.equal((await signInAtZhejiang('13600002222')).status, 401, 'his phone opens no account there');
    });

    it('refuses the bundle of an earlier grant that the man in the middle sends back for a new one (bundle-mismatch)', async () => {
      assert.ok(path.kept, 'the path kept her last bundle');
      const fresh = await grantFrom(wang);
      path.replay = true;
      try {
        const replayed = await admit(fresh, '13600003333');
        assert.equal(replayed.status, 403, JSON.stringify(replayed.body));
        assert.equal(replayed.body.reason, 'bundle-mismatch');
      } finally {
        path.replay = false;
      }
    });
  });

  it("carries a revoked Hubei key to Zhejiang's scanners through the hub, so her old code stops verifying", async () => {
    const before = (await json<TrustList>(`${hubei.url}/api/v1/trust-list`)).body.keys[0]!;
    const revoked = spawnSync(process.execPath, [...CLI, 'keys', 'revoke', '--kid', before.kid], { env: serverEnv(hubei.dataDir, { HEALTHCODE_OPERATOR_ID: 'hubei', HEALTHCODE_REGIONS: '420000' }), encoding: 'utf8' });
    assert.equal(revoked.status, 0, revoked.stderr);
    const national = await eventually(
      'the revocation reaches Zhejiang',
      () => nationalListAt(zhejiang.url, hubKey),
      (list) => list !== null && list.revoked.some((r) => r.kid === before.kid),
    );
    const { trustList } = combineTrustLists((await json<TrustList>(`${zhejiang.url}/api/v1/trust-list`)).body, national, Date.now());
    const result = await new TokenVerifier(trustList, webCryptoVerify()).verify(hubeiCode, Date.now());
    assert.equal(result.valid ? 'valid' : result.reason, 'unknown-key');
    assert.ok(national!.members.find((m) => m.id === 'hubei')!.keys.every((k) => k.kid !== before.kid));
  });

  it('keeps a member that went down trusted with its last good keys, marks it stale, and names the outage to a destination', async () => {
    const given = await json<{ grant: string }>(`${hubei.url}/api/v1/residents/${resident.id}/fact-grants`, { headers: resident.auth, json: { audience: 'zhejiang' } });
    const lastGood = (await nationalListAt(hub.url, hubKey))!.members.find((m) => m.id === 'hubei')!.keys;
    hubei.child.kill('SIGTERM');
    await hubei.exited;
    const status = await eventually(
      'the hub notices Hubei is down',
      async () => (await json<{ members: { id: string; status: string; lastError: string | null }[] }>(`${hub.url}/api/v1/federation/status`)).body.members.find((m) => m.id === 'hubei')!,
      (m) => m.status === 'stale',
    );
    assert.match(status.lastError!, /could not be reached/);
    const national = await eventually('Zhejiang holds a list marking Hubei stale', () => nationalListAt(zhejiang.url, hubKey), (list) => list?.members.find((m) => m.id === 'hubei')?.status === 'stale');
    assert.deepEqual(national!.members.find((m) => m.id === 'hubei')!.keys, lastGood);

    const unreachable = await json<{ reason: string; status: number }>(`${zhejiang.url}/api/v1/visitors`, {
      json: { grant: given.body.grant, phone: '13972891266', code: await smsCode(zhejiang.url, '13972891266'), address: NINGBO_STAY },
    });
    assert.equal(unreachable.status, 502);
    assert.equal(unreachable.body.reason, 'operator-unreachable');
    // The visitor is told the operator's name, never where its servers are.
    const detail = (unreachable.body as { detail?: string }).detail ?? '';
    assert.match(detail, /Hubei/);
    assert.ok(!detail.includes('127.0.0.1') && !detail.includes('http'), detail);
  });
});
