import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { beforeEach, it } from 'node:test';
import type { FactBundle, FactRequest } from '../../src/codes/fact-bundle.js';
import { DOCUMENT_TYPES, openDocument } from '../../src/codes/signed-document.js';
import { generateSigningKey, signDocument } from '../../src/codes/token-signer.js';
import { bytesToBase64Url } from '../../src/codes/trust-list.js';
import { holdNationalList } from '../support/national-list.js';
import { describeOnEachEngine } from '../support/harness.js';
import { CHEN_JING } from '../support/people.js';
import { registerVerified } from '../support/sign-in.js';

/**
 * Hubei, at home, releasing a resident's facts to two destinations she gave grants to. Each
 * destination is a stand-in holding the operator key the national list names for it; what it gets
 * is read as it would read it, and as anyone who collects bundles from several destinations would.
 */

const HUBEI = { id: 'hubei', name: '湖北省', regions: ['420000'] };
const HUB_URL = 'http://hub.test';
const hubKey = generateSigningKey('hub');
const destinations = { zhejiang: generateSigningKey('zhejiang'), guangdong: generateSigningKey('guangdong') };

describeOnEachEngine(
  'a fact bundle released from home, read by its destination',
  (h) => {
    beforeEach(async () => {
      await holdNationalList(h(), HUB_URL, hubKey, [
        { id: 'hubei', name: '湖北省', regions: ['420000'], url: 'https://hubei.example.cn', operatorKey: (await h().services.keys.operatorKey()).publicKey },
        { id: 'zhejiang', name: '浙江省', regions: ['330000'], url: 'https://zhejiang.example.cn', operatorKey: destinations.zhejiang.publicKey },
        { id: 'guangdong', name: '广东省', regions: ['440000'], url: 'https://guangdong.example.cn', operatorKey: destinations.guangdong.publicKey },
      ]);
    });

    /** She gives a grant for `to`; that destination asks with it, signed with its key, and reads the bundle. */
    async function released(residentId: string, to: keyof typeof destinations): Promise<{ bundle: FactBundle; text: string }> {
      const { grant } = await h().services.moving.giveGrant(residentId, to);
      const request: FactRequest = { v: 1, iss: to, aud: 'hubei', grant, iat: Math.floor(h().clock.now().getTime() / 1000), nonce: randomBytes(24).toString('base64url') };
      const bytes = await h().services.moving.releaseBundle(signDocument(destinations[to], DOCUMENT_TYPES.factRequest, request));
      const text = new TextDecoder().decode(openDocument(bytes).payload);
      return { bundle: JSON.parse(text) as FactBundle, text };
    }

    it('carries no ID number or any 6 digits of it, no address, district or phone number: a masked name and a subject only', async () => {
      const chen = await registerVerified(h(), CHEN_JING);
      await h().services.declarations.declare(chen, { stays: [], contacts: [], symptoms: [], temperature: 36.6 });
      const { bundle, text } = await released(chen, 'zhejiang');
      assert.equal(bundle.maskedName, '陈*');
      assert.equal(bundle.homeRegion, '420000', 'the province, not her district');
      const digits = CHEN_JING.idNumber;
      for (let i = 0; i + 6 <= digits.length; i += 1) assert.ok(!text.includes(digits.slice(i, i + 6)), `the bundle holds '${digits.slice(i, i + 6)}' of her ID number`);
      for (const secret of [CHEN_JING.name, CHEN_JING.address.detail, '象山大道', CHEN_JING.address.region, CHEN_JING.phone!, CHEN_JING.phone!.slice(-8), chen]) {
        assert.ok(!text.includes(secret), `the bundle holds '${secret}'`);
      }
    });

    it('names her by a subject each destination gets alone: the same on a second grant there, another elsewhere, neither her account id', async () => {
      const chen = await registerVerified(h(), CHEN_JING);
      const first = (await released(chen, 'zhejiang')).bundle.sub;
      h().clock.advance(60_000);
      const again = (await released(chen, 'zhejiang')).bundle.sub;
      const elsewhere = (await released(chen, 'guangdong')).bundle.sub;
      assert.equal(again, first, 'stable for one destination: it recognises her coming back');
      assert.notEqual(elsewhere, first, 'two destinations comparing notes cannot link her by it');
      assert.ok(![first, elsewhere].some((s) => s.includes(chen)));
    });
  },
  { settings: { operator: HUBEI, federation: { hub: false, hubUrl: HUB_URL, hubKey: bytesToBase64Url(hubKey.publicKey), refreshSeconds: 300 } } },
);
