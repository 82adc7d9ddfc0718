import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HOST_SCOPE_FIELDS, HOST_SCOPES, onlyScopeFields } from '../../../src/domain/federation/host-scopes.js';
import { MESSAGES } from '../../../web/src/shared/messages.js';

describe('what each host scope sends', () => {
  it('leaves behind every field of a fuller view that the scope does not name, evidence first', () => {
    const view = { colour: 'yellow', mark: null, maskedName: '刘*', token: 'JKM1:…', issuedAt: 'a', expiresAt: 'b', rules: [{ evidence: { symptoms: ['fever'], temperature: 38.6 } }], greenOn: null, ruleSet: { region: '330000', version: 3 } };
    assert.deepEqual(onlyScopeFields('code:read', view), { colour: 'yellow', mark: null, maskedName: '刘*', token: 'JKM1:…', issuedAt: 'a', expiresAt: 'b' });
  });

  it('names every field it sends on the consent screen, in both languages', () => {
    for (const scope of HOST_SCOPES) {
      for (const lang of ['zh-CN', 'en'] as const) {
        assert.ok(MESSAGES[lang][`hostScope.${scope}`], `${lang} hostScope.${scope}`);
        for (const field of HOST_SCOPE_FIELDS[scope]) assert.ok(MESSAGES[lang][`hostField.${field}`], `${lang} hostField.${field}`);
      }
    }
  });
});
