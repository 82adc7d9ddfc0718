import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameMatches, parseSearchQuery } from '../../../src/domain/tracing/search-query.js';
import { ZHANG_WEI } from '../../support/people.js';

const TODAY = new Date('2026-11-20T02:00:00Z');

describe('reading the officer’s search box', () => {
  it('reads 18 characters as a mainland ID number, spaces and a lower-case x allowed', () => {
    const spaced = `${ZHANG_WEI.idNumber.slice(0, 6)} ${ZHANG_WEI.idNumber.slice(6)}`;
    assert.deepEqual(parseSearchQuery(spaced, TODAY), { ok: true, value: { by: 'idNumber', identityKey: `resident_id:${ZHANG_WEI.idNumber}` } });
  });

  it('refuses an ID number whose last character does not match, saying so', () => {
    const typo = ZHANG_WEI.idNumber.slice(0, 17) + (ZHANG_WEI.idNumber.endsWith('1') ? '2' : '1');
    const parsed = parseSearchQuery(typo, TODAY);
    assert.equal(parsed.ok, false);
    assert.match(!parsed.ok ? parsed.message : '', /check character/);
  });

  it('reads 11 digits as a mainland mobile number, in E.164', () => {
    assert.deepEqual(parseSearchQuery('139 1234 5678', TODAY), { ok: true, value: { by: 'phone', phone: '+8613912345678' } });
  });

  it('refuses a number that is neither an ID number nor a mobile number', () => {
    const parsed = parseSearchQuery('0571888', TODAY);
    assert.match(!parsed.ok ? parsed.message : '', /neither an ID number/);
  });

  it('reads anything else as a name, masked or not', () => {
    assert.deepEqual(parseSearchQuery(' 张*芳 ', TODAY), { ok: true, value: { by: 'name', name: '张*芳' } });
  });

  it('refuses a name with digits in it: a paste gone wrong', () => {
    assert.equal(parseSearchQuery('张伟3301', TODAY).ok, false);
  });

  it('refuses an empty search', () => {
    assert.equal(parseSearchQuery('  ', TODAY).ok, false);
  });
});

describe('matching a name', () => {
  it('matches the whole name', () => {
    assert.equal(nameMatches('刘芳芳', '刘芳芳'), true);
    assert.equal(nameMatches('张伟', '刘芳芳'), false);
  });

  it('never matches a part of a name, however it is probed', () => {
    assert.equal(nameMatches('芳芳', '刘芳芳'), false);
    assert.equal(nameMatches('张晓', '张晓明'), false);
    assert.equal(nameMatches('Schn', 'Emma Schneider'), false);
    assert.equal(nameMatches('e', 'Emma Schneider'), false);
  });

  it('matches a masked name with one character per star, as screens show names', () => {
    assert.equal(nameMatches('刘*芳', '刘芳芳'), true);
    assert.equal(nameMatches('刘*芳', '刘芳'), false);
    assert.equal(nameMatches('张*', '张伟'), true);
  });

  it('does not match a masked query showing a character the screens hide', () => {
    assert.equal(nameMatches('张晓*', '张晓明'), false);
    assert.equal(nameMatches('张**', '张晓明'), true, 'hiding more than the screen does is allowed');
  });

  it('matches a Latin name masked part by part, as the console shows it', () => {
    assert.equal(nameMatches('E*** S********', 'Emma Schneider'), true);
    assert.equal(nameMatches('Em** S********', 'Emma Schneider'), false);
  });

  it('matches Latin names whatever their case and spacing', () => {
    assert.equal(nameMatches('  oliver   BROWN ', 'Oliver Brown'), true);
    assert.equal(nameMatches('oliver', 'Oliver Brown'), false);
  });
});
