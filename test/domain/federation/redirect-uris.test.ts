import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redirectUriRefusal } from '../../../src/domain/federation/redirect-uris.js';

describe('a host app redirect URI', () => {
  it('refuses every scheme that could run script or leave the web, in either mode', () => {
    for (const mode of ['development', 'production'] as const) {
      for (const uri of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'vbscript:msgbox', 'com.example.app:/callback', 'http://host.example/cb', 'https://host.example/cb#frag', 'https://user:pw@host.example/cb', 'not a url']) {
        assert.ok(redirectUriRefusal(uri, mode), `${mode} ${uri}`);
      }
      assert.equal(redirectUriRefusal('https://host.example/healthcode/callback?x=1', mode), undefined);
    }
  });

  it('takes http on loopback in development only', () => {
    for (const uri of ['http://127.0.0.1:8080/cb', 'http://localhost/cb', 'http://[::1]:3000/cb']) {
      assert.equal(redirectUriRefusal(uri, 'development'), undefined, uri);
      assert.equal(redirectUriRefusal(uri, 'production'), 'must be an https URL', uri);
    }
  });
});
