import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../../support/harness.js';
import { CHEN_JING, ZHANG_WEI } from '../../support/people.js';
import { registerThroughApi } from '../../support/sign-in.js';

const ZHEJIANG = { id: 'zhejiang', name: '浙江省', regions: ['330000'] };
const MINUTE = 60_000;

describeOnEachEngine(
  'one operator among many',
  (h) => {
    it('refuses to register a resident of a region it does not serve, naming the field', async () => {
      const response = await registerThroughApi(h(), CHEN_JING);
      assert.equal(response.statusCode, 422);
      const body = response.json() as { type: string; field: string; detail: string };
      assert.equal(body.type, '/problems/region-not-served');
      assert.equal(body.field, 'address.region');
      assert.match(body.detail, /region 420802 is not served by operator zhejiang/);
      assert.equal((await registerThroughApi(h(), ZHANG_WEI)).statusCode, 201);
    });

    it('has a key for every served region before any code is shown, named by its operator', async () => {
      await h().services.keys.ensureKeys();
      const list = await h().services.keys.trustList();
      assert.deepEqual(list.keys.map((k) => k.issuer), ['CN-330000']);
      assert.deepEqual(list.operator, ZHEJIANG);
    });

    it('distrusts a revoked key at once, names it in the trust list, and signs with a new one', async () => {
      await h().services.keys.ensureKeys();
      const [old] = (await h().services.keys.trustList()).keys;
      const revoked = await h().services.keys.revoke(old!.kid);
      const list = await h().services.keys.trustList();
      assert.ok(!list.keys.some((k) => k.kid === old!.kid));
      assert.deepEqual(list.revoked.map((r) => r.kid), [old!.kid]);
      assert.equal((await h().services.keys.activeKey('330110')).kid, revoked.replacedBy);
    });

    it('uses a grant once when many requests race for it', async () => {
      const { id } = await h().services.residents.register(ZHANG_WEI);
      const now = h().clock.now().getTime();
      await h().ctx.stores.federation.createGrant({ id: 'g-race', residentId: id, audience: 'hubei', now, expiresAt: now + 15 * MINUTE });
      const results = await Promise.all(Array.from({ length: 20 }, () => h().ctx.stores.federation.useGrant('g-race', 'hubei', now + MINUTE)));
      assert.equal(results.filter((r) => 'residentId' in r).length, 1);
      assert.deepEqual([...new Set(results.filter((r) => 'refused' in r).map((r) => (r as { refused: string }).refused))], ['grant-used']);
    });

    it('says why a grant cannot be used: unknown, for another operator, expired', async () => {
      const { id } = await h().services.residents.register(ZHANG_WEI);
      const now = h().clock.now().getTime();
      await h().ctx.stores.federation.createGrant({ id: 'g-1', residentId: id, audience: 'hubei', now, expiresAt: now + 15 * MINUTE });
      const store = h().ctx.stores.federation;
      assert.deepEqual(await store.useGrant('g-none', 'hubei', now), { refused: 'grant-unknown' });
      assert.deepEqual(await store.useGrant('g-1', 'guangdong', now), { refused: 'grant-not-for-you' });
      assert.deepEqual(await store.useGrant('g-1', 'hubei', now + 16 * MINUTE), { refused: 'grant-expired' });
      assert.deepEqual(await store.useGrant('g-1', 'hubei', now + MINUTE), { residentId: id });
    });

    it('refuses a grant for an operator outside the national list, and says it is in no federation', async () => {
      const { id } = await h().services.residents.register(ZHANG_WEI);
      await assert.rejects(h().services.moving.giveGrant(id, 'hubei'), (error: Error & { reason?: string }) => error.reason === 'not-federated');
    });
  },
  { settings: { operator: ZHEJIANG } },
);
