import assert from 'node:assert/strict';
import { it } from 'node:test';
import { HostAppsUnavailableError } from '../../../src/services/federation/oauth-server.js';
import { describeOnEachEngine } from '../../support/harness.js';

const ZHEJIANG = { id: 'zhejiang', name: '浙江省', regions: ['330000'] };

/** Where the authorization server says it is: its issuer, made from this server's address and never from a request. */
describeOnEachEngine('the authorization server for host apps', (h) => {
  it('is not available until the server knows its address', async () => {
    await assert.rejects(h().services.oauthServer.provider(), HostAppsUnavailableError);
  });

  it('takes its issuer from the address the server listens on, the first one it is told', async () => {
    h().services.oauthServer.setOrigin('http://127.0.0.1:18301/');
    h().services.oauthServer.setOrigin('http://127.0.0.1:18302');
    assert.equal((await h().services.oauthServer.provider()).issuer, 'http://127.0.0.1:18301/oauth');
  });
});

describeOnEachEngine(
  'the authorization server of an operator with a public address',
  (h) => {
    it('takes its issuer from the public address, whatever it listens on', async () => {
      h().services.oauthServer.setOrigin('http://127.0.0.1:18303');
      assert.equal((await h().services.oauthServer.provider()).issuer, 'https://jkm.zj.gov.cn/oauth');
    });
  },
  { settings: { operator: { ...ZHEJIANG, publicUrl: 'https://jkm.zj.gov.cn' } } },
);
