import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTypedPurpose, describeAuditEntry, fixedPurpose, isFixedPurposeSentence, purposeOf, storedPurpose, typedPurpose } from '../../src/domain/audit-wording.js';

/** Access-log entries read back as who, why and what was seen: never an id, a key or a stored English purpose. */
describe('an access-log entry in words', () => {
  it('names an officer by name, role and the district they answer for', () => {
    const d = describeAuditEntry({ actor: '流调员 陈静 (tracer)', action: 'find-resident', purpose: '确诊病例 2026-0412 流调', detail: { outcome: 'found', actorRegion: '330110' } });
    assert.deepEqual(d.who, { kind: 'staff', name: '流调员 陈静', role: 'tracer', region: '330110', regionName: '浙江省杭州市余杭区', regionNameEn: 'Yuhang District, Hangzhou, Zhejiang' });
  });

  it('shows an officer’s purpose as typed, and a server purpose as its code', () => {
    assert.deepEqual(describeAuditEntry({ actor: '王芳 (authority)', action: 'grant', purpose: '确诊病例 2026-0412 流调', detail: {} }).why, { kind: 'typed', text: '确诊病例 2026-0412 流调' });
    assert.deepEqual(purposeOf(storedPurpose(fixedPurpose('host-app-consent'))), { kind: 'fixed', code: 'host-app-consent' });
    assert.equal(storedPurpose(typedPurpose('核查')), '核查');
  });

  it('names another operator by its display name, never its id', () => {
    const d = describeAuditEntry({ actor: 'operator:zhejiang', action: 'release-fact-bundle', purpose: 'x', detail: { destinationName: '浙江健康码', stays: 1 } });
    assert.equal(d.who.kind, 'operator');
    assert.equal(d.who.name, '浙江健康码');
    assert.deepEqual(d.saw, ['maskedName', 'stays']);
  });

  it('says a gate check saw the colour, and names the gate by its venue', () => {
    const d = describeAuditEntry({ actor: 'checkpoint device 6c1f', action: 'check-by-id-number', purpose: 'entry check for a person without a phone', detail: { venue: '西湖银泰城' } });
    assert.deepEqual([d.who.kind, d.who.name, d.saw, d.why], ['gate', '西湖银泰城', ['colour'], { kind: 'fixed', code: 'gate-check-without-phone' }]);
  });

  it('lists what a host app is sent from the scopes allowed, and names the app', () => {
    const d = describeAuditEntry({ actor: 'resident:r1', action: 'grant-host-app', purpose: 'host app access (own consent)', detail: { app: '支付宝', scopes: ['code:read'] } });
    assert.deepEqual([d.who.kind, d.about, d.saw], ['resident', '支付宝', ['colour', 'mark', 'maskedName', 'token', 'issuedAt', 'expiresAt']]);
  });

  it('says a look-up that found no one saw nothing, and a refused one was refused', () => {
    assert.deepEqual(describeAuditEntry({ actor: '陈静 (tracer)', action: 'find-resident', purpose: 'p', detail: { outcome: 'no-match' } }).saw, []);
    assert.equal(describeAuditEntry({ actor: '陈静 (tracer)', action: 'find-resident-refused', purpose: 'p', detail: {} }).refused, true);
  });

  it('says a search listed each match as the console shows it: masked name, ID number and phone, district, colour, whether a case or a household member', () => {
    const saw = ['maskedName', 'maskedIdNumber', 'maskedPhone', 'district', 'colour', 'isCase', 'householdMember'];
    assert.deepEqual(describeAuditEntry({ actor: '陈静 (tracer)', action: 'search-residents', purpose: 'p', detail: { outcome: 'found', found: 2 } }).saw, saw);
    assert.deepEqual(describeAuditEntry({ actor: '陈静 (tracer)', action: 'found-resident', purpose: 'p', detail: {} }).saw, saw);
    assert.deepEqual(describeAuditEntry({ actor: '陈静 (tracer)', action: 'search-residents', purpose: 'p', detail: { outcome: 'no-match', found: 0 } }).saw, [], 'a search that listed no one saw nothing');
  });
});

describe('a typed purpose that equals one of the system’s sentences', () => {
  it('is told from a fixed one whatever its case, spacing or width', () => {
    assert.equal(isFixedPurposeSentence('host app access (own consent)'), true);
    assert.equal(isFixedPurposeSentence('  HOST  APP ACCESS (OWN CONSENT) '), true);
    assert.equal(isFixedPurposeSentence('ｈｏｓｔ app access （own consent）'), true);
    assert.equal(isFixedPurposeSentence('确诊病例 2026-0412 流调'), false);
  });

  it('is refused naming the field the officer typed it in', () => {
    assert.equal(checkTypedPurpose('purpose', 'Host app access (own consent)')?.field, 'purpose');
    assert.equal(checkTypedPurpose('purpose', '确诊病例 2026-0412 流调'), null);
  });

  it('is stored marked, and reads back as typed under any action', () => {
    const stored = storedPurpose(typedPurpose('host app access (own consent)'));
    assert.notEqual(stored, storedPurpose(fixedPurpose('host-app-consent')));
    assert.deepEqual(purposeOf(stored, 'grant-host-app'), { kind: 'typed', text: 'host app access (own consent)' });
  });

  it('keeps typed text that happens to start with the mark apart from the marked form', () => {
    const text = 'typed: 确诊病例 2026-0412';
    assert.deepEqual(purposeOf(storedPurpose(typedPurpose(text))), { kind: 'typed', text });
  });

  it('reads as typed when an officer’s action carries it, even as written before the mark', () => {
    assert.deepEqual(purposeOf('host app access (own consent)', 'found-resident'), { kind: 'typed', text: 'host app access (own consent)' });
    assert.deepEqual(purposeOf('host app access (own consent)', 'grant-host-app'), { kind: 'fixed', code: 'host-app-consent' });
  });
});
