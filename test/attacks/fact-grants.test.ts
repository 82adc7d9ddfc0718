import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, it } from 'node:test';
import { encodeBase45 } from '../../src/codes/base45.js';
import { grantBytes, grantHash, GRANT_PREFIX, phoneCommitment, type BundleFacts, type FactBundle, type FactRequest } from '../../src/codes/fact-bundle.js';
import { DOCUMENT_TYPES, openDocument } from '../../src/codes/signed-document.js';
import { generateSigningKey, signDocument } from '../../src/codes/token-signer.js';
import { bytesToBase64Url } from '../../src/codes/trust-list.js';
import { DAY_MS, HOUR_MS } from '../../src/domain/clock.js';
import { InvalidInputError } from '../../src/domain/field-errors.js';
import { TooManyRequestsError, UnauthenticatedError } from '../../src/services/service-errors.js';
import { holdNationalList } from '../support/national-list.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { ZHANG_WEI } from '../support/people.js';
import { lastCodeSentTo } from '../support/sign-in.js';

/**
 * Zhejiang admitting visitors from Hubei, in process on each engine: Hubei is a stand-in that
 * answers fact requests the way a test says (honestly, or as a hostile home or a path in between
 * would), signed with the key the national list gives it.
 */

const ZHEJIANG = { id: 'zhejiang', name: 'Zhejiang', regions: ['330000'] };
const HUB_URL = 'http://hub.test';
const hubKey = generateSigningKey('hub');
const hubeiKey = generateSigningKey('hubei');
const NINGBO_STAY = { region: '330203', detail: '海曙区中山西路 138 号 2 单元 1101 室' };
const HERS = '13871234567';
const HERS_E164 = '+8613871234567';
const ATTACKERS = '13600001111';

type Answer = (request: FactRequest, honest: FactBundle) => FactBundle | Uint8Array | Promise<FactBundle>;

describeOnEachEngine(
  'a visitor admitted with a grant from home',
  (h) => {
    let home: Server;
    let answer: Answer;
    let nextGrant = 0;
    /** What Hubei holds for her: a positive test yesterday (red at home). */
    let factsAtHome: BundleFacts;

    beforeEach(async () => {
      answer = (_request, honest) => honest;
      const now = h().clock.now().getTime();
      factsAtHome = { declaration: null, stays: [], contacts: [], cases: [], tests: [{ result: 'positive', at: now - DAY_MS, source: 'authority', recordedAt: now - DAY_MS + HOUR_MS }], vaccinations: [] };
      home = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (c: Buffer) => chunks.push(c));
        request.on('end', async () => {
          const asked = JSON.parse(new TextDecoder().decode(openDocument(new Uint8Array(Buffer.concat(chunks))).payload)) as FactRequest;
          const jti = (JSON.parse(new TextDecoder().decode(openDocument(grantBytes(asked.grant)).payload)) as { jti: string }).jti;
          const at = h().clock.now().getTime();
          const honest: FactBundle = {
            v: 1,
            iss: 'hubei',
            aud: 'zhejiang',
            sub: 'wang-li-for-zhejiang',
            maskedName: '王*',
            homeRegion: '420000',
            issuedAt: at,
            nonce: asked.nonce,
            grantHash: grantHash(jti),
            phone: await phoneCommitment('zhejiang', asked.nonce, HERS_E164),
            facts: factsAtHome,
          };
          const given = await answer(asked, honest);
          const bytes = given instanceof Uint8Array ? given : signDocument(hubeiKey, DOCUMENT_TYPES.factBundle, given);
          response.writeHead(200, { 'content-type': 'application/cose' }).end(Buffer.from(bytes));
        });
      });
      await new Promise<void>((resolve) => home.listen(0, '127.0.0.1', resolve));
      const port = (home.address() as { port: number }).port;
      await holdNationalList(h(), HUB_URL, hubKey, [
        { id: 'hubei', name: 'Hubei', regions: ['420000'], url: `http://127.0.0.1:${port}`, operatorKey: hubeiKey.publicKey },
        { id: 'zhejiang', name: 'Zhejiang', regions: ['330000'], url: 'http://127.0.0.1:1', operatorKey: (await h().services.keys.operatorKey()).publicKey },
      ]);
    });

    afterEach(async () => {
      home.closeAllConnections();
      await new Promise<void>((resolve) => home.close(() => resolve()));
    });

    /** A grant she gave at home: a bearer string anyone who sees it can copy. */
    const herGrant = () => {
      const now = Math.floor(h().clock.now().getTime() / 1000);
      return GRANT_PREFIX + encodeBase45(signDocument(hubeiKey, DOCUMENT_TYPES.factGrant, { v: 1, iss: 'hubei', aud: 'zhejiang', jti: `grant-${++nextGrant}-${'x'.repeat(16)}`, iat: now, exp: now + 900 }));
    };
    const admit = async (grant: string, phone: string) => {
      await h().services.signIn.requestSignInCode(phone);
      return h().services.moving.admitVisitor({ grant, phone, code: await lastCodeSentTo(h(), `+86${phone}`), address: NINGBO_STAY });
    };
    const refusedAs = (reason: string) => (error: Error & { reason?: string }) => {
      assert.equal(error.reason, reason, error.message);
      return true;
    };
    const positiveTests = async (residentId: string) =>
      (await h().opened.store.db.selectFrom('authority_facts').select('value').where('resident_id', '=', residentId).where('kind', '=', 'test').execute()).map((r) => r.value);

    it('lets strangers spend only the tries they share of her code: she is admitted at once with her code and its ticket', async () => {
      const { ticket } = await h().services.signIn.requestSignInCode(HERS);
      const code = await lastCodeSentTo(h(), HERS_E164);
      for (let i = 1; i <= 6; i++) {
        const wrong = String((Number(code) + i) % 1_000_000).padStart(6, '0');
        await assert.rejects(h().services.moving.admitVisitor({ grant: herGrant(), phone: HERS, code: wrong, address: NINGBO_STAY }), i <= 5 ? UnauthenticatedError : TooManyRequestsError);
      }
      const admitted = await h().services.moving.admitVisitor({ grant: herGrant(), phone: HERS, code, ticket, address: NINGBO_STAY });
      assert.equal((await h().services.residents.get(admitted.residentId)).phone, HERS_E164);
    });

    it('gives a copied grant with another phone no session into her account, and says nothing of it', async () => {
      const hers = await admit(herGrant(), HERS);
      h().clock.advance(2 * 60_000);
      await assert.rejects(admit(herGrant(), ATTACKERS), (error: Error & { reason?: string }) => {
        assert.equal(error.reason, 'phone-mismatch');
        assert.ok(!error.message.includes('13871234567') && !error.message.includes(hers.residentId), error.message);
        return true;
      });
      assert.equal(await h().ctx.stores.residentLookups.findIdByPhone(`+86${ATTACKERS}`), undefined);
      assert.equal((await h().services.residents.get(hers.residentId)).phone, HERS_E164);
    });

    it('refuses the attacker who comes first with her grant and his phone, then makes the account hers alone', async () => {
      await assert.rejects(admit(herGrant(), ATTACKERS), refusedAs('phone-mismatch'));
      assert.equal(await h().ctx.stores.residents.count(), 0, 'no account was made for him');
      const hers = await admit(herGrant(), HERS);
      assert.equal(hers.created, true);
      assert.equal((await h().services.residents.get(hers.residentId)).phone, HERS_E164);
      assert.equal(await h().ctx.stores.residentLookups.findIdByPhone(`+86${ATTACKERS}`), undefined);
    });

    it('gives her back an account that holds another phone once she proves the phone her home holds, and signs its holder out everywhere', async () => {
      // An account holding his phone: taken before phones were checked; here, a home that held his number for her then.
      let homePhone = `+86${ATTACKERS}`;
      answer = async (request, honest) => ({ ...honest, phone: await phoneCommitment('zhejiang', request.nonce, homePhone) });
      const taken = await admit(herGrant(), ATTACKERS);
      assert.equal((await h().services.signIn.authenticate(taken.session.token)).residentId, taken.residentId);
      h().clock.advance(2 * 60_000);
      homePhone = HERS_E164;
      const back = await admit(herGrant(), HERS);
      assert.deepEqual([back.residentId, back.created], [taken.residentId, false]);
      assert.equal((await h().services.residents.get(back.residentId)).phone, HERS_E164);
      await assert.rejects(h().services.signIn.authenticate(taken.session.token), 'his session ended');
      assert.equal(await h().ctx.stores.residentLookups.findIdByPhone(`+86${ATTACKERS}`), undefined, 'his phone opens nothing here');
    });

    it('refuses bundle #0 that a path in between sends back for grant #2, and keeps the facts held', async () => {
      let kept: Uint8Array | undefined;
      answer = (_request, honest) => {
        const bytes = signDocument(hubeiKey, DOCUMENT_TYPES.factBundle, honest);
        kept ??= bytes;
        return bytes;
      };
      const hers = await admit(herGrant(), HERS);
      // At home she turned red since; the path answers the next request with the first bundle.
      factsAtHome = { ...factsAtHome, tests: [] };
      h().clock.advance(2 * 60_000);
      answer = () => kept!;
      await assert.rejects(admit(herGrant(), HERS), refusedAs('bundle-mismatch'));
      assert.deepEqual(await positiveTests(hers.residentId), ['positive']);
    });

    it('does not let a bundle 30 days older than the facts held replace them', async () => {
      const hers = await admit(herGrant(), HERS);
      h().clock.advance(2 * 60_000);
      answer = (_request, honest) => ({ ...honest, issuedAt: honest.issuedAt - 30 * DAY_MS, facts: { ...honest.facts, tests: [] } });
      await assert.rejects(admit(herGrant(), HERS), refusedAs('bundle-stale'));
      assert.deepEqual(await positiveTests(hers.residentId), ['positive']);
    });

    it('stores no bundle older than the one held, even one issued within the request window', async () => {
      const hers = await admit(herGrant(), HERS);
      const held = (await h().ctx.stores.federation.visitorLink(hers.residentId))!.bundle_issued_at;
      const stored = await h().ctx.database.transaction((trx) =>
        h().ctx.stores.federation.storeHomeFacts(trx, { residentId: hers.residentId, homeOperator: 'hubei', homeSubject: 'wang-li-for-zhejiang', bundleIssuedAt: held - 60_000, facts: { ...factsAtHome, tests: [] }, now: h().clock.now().getTime(), newId: h().ctx.newId }),
      );
      assert.equal(stored, false);
      assert.deepEqual(await positiveTests(hers.residentId), ['positive']);
      assert.equal((await h().ctx.stores.federation.visitorLink(hers.residentId))!.bundle_issued_at, held);
    });

    it("refuses a bundle naming a home region outside the home operator's regions", async () => {
      answer = (_request, honest) => ({ ...honest, homeRegion: '440000' });
      await assert.rejects(admit(herGrant(), HERS), refusedAs('region-not-home'));
      assert.equal(await h().ctx.stores.residents.count(), 0);
    });

    it("refuses a visitor staying in a region whose sunset is approved, naming address.region, before her grant is spent at home", async () => {
      let asked = 0;
      answer = (_request, honest) => {
        asked += 1;
        return honest;
      };
      const wang = await h().services.staff.create('海曙区卫健局 王局长', 'authority');
      const li = await h().services.staff.create('海曙区疾控中心 李主任', 'authority');
      const sunset = await h().services.sunset.request(wang, NINGBO_STAY.region);
      await h().services.sunset.approve(li, sunset.id);
      await assert.rejects(admit(herGrant(), HERS), (error: unknown) => {
        assert.ok(error instanceof InvalidInputError, String(error));
        assert.equal(error.errors[0]?.field, 'address.region');
        assert.match(error.errors[0]!.message, /has ended/);
        return true;
      });
      assert.equal(asked, 0, 'her home was never asked, so her grant is still hers to use');
      assert.equal(await h().ctx.stores.residents.count(), 0);
    });

    it("names the home operator, never its address, when it cannot be reached", async () => {
      const grant = herGrant();
      // Hubei is down.
      home.closeAllConnections();
      await new Promise<void>((resolve) => home.close(() => resolve()));
      await assert.rejects(admit(grant, HERS), (error: Error & { reason?: string }) => {
        assert.equal(error.reason, 'operator-unreachable');
        assert.match(error.message, /Hubei/);
        assert.ok(!error.message.includes('127.0.0.1'), error.message);
        return true;
      });
    });

    it('releases nothing to a request signed with a key only a national list that has since expired vouched for', async () => {
      // Zhejiang as the home: a resident gives Hubei a grant five minutes before the national list expires.
      h().clock.advance(DAY_MS - 5 * 60_000);
      const { id } = await h().services.residents.register(ZHANG_WEI);
      const { grant } = await h().services.moving.giveGrant(id, 'hubei');
      h().clock.advance(6 * 60_000);
      const request = { v: 1, iss: 'hubei', aud: 'zhejiang', grant, iat: Math.floor(h().clock.now().getTime() / 1000), nonce: 'n'.repeat(22) };
      await assert.rejects(h().services.moving.releaseBundle(signDocument(hubeiKey, DOCUMENT_TYPES.factRequest, request)), (error: Error & { reason?: string }) => {
        assert.equal(error.reason, 'not-federated', error.message);
        assert.match(error.message, /expired/);
        return true;
      });
    });
  },
  { settings: { operator: ZHEJIANG, federation: { hub: false, hubUrl: HUB_URL, hubKey: bytesToBase64Url(hubKey.publicKey), refreshSeconds: 300 } } },
);
