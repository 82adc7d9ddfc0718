import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RULES } from '../../src/domain/rules/default-rule-set.js';
import { inheritanceProblems } from '../../src/domain/rules/rule-inheritance.js';
import { validateRuleSet } from '../../src/domain/rules/rule-validation.js';
import { asFormDraft, keepInherited, replaceInherited, setReason, stateOf, withdrawInherited, type OverridingDraft } from '../../web/src/console/rule-overrides.js';
import { cityLowFeverRule } from '../support/rules.js';

/** Hangzhou's draft: one rule of its own, over the national rules. */
const hangzhou: OverridingDraft = { region: '330100', rules: [cityLowFeverRule('330100')] };
const closeContact = DEFAULT_RULES.find((r) => r.id === 'red-close-contact')!;
const publishable = (d: OverridingDraft) => [...validateRuleSet(d), ...inheritanceProblems(d, DEFAULT_RULES, [])];
const reasoned = (d: OverridingDraft, id: string) => setReason(setReason(d, id, 'zh-CN', '市防控指挥部 2026 年第 12 号通告。'), id, 'en', 'Notice 12 of 2026.');

describe("the console form's changes to inherited rules", () => {
  it('replaces an inherited rule with an own copy in the region, named in overrides', () => {
    const draft = replaceInherited(hangzhou, closeContact);
    assert.equal(stateOf(draft, closeContact.id), 'replaced');
    assert.deepEqual(draft.rules.at(-1), { ...closeContact, region: '330100' });
    assert.deepEqual(draft.overrides?.map((o) => o.id), [closeContact.id]);
  });

  it('makes a set publication accepts once both reasons are given, and refuses, naming the field, before', () => {
    const draft = replaceInherited(hangzhou, closeContact);
    assert.ok(publishable(draft).some((p) => p.path.startsWith('overrides[0].reason')), JSON.stringify(publishable(draft)));
    assert.deepEqual(publishable(reasoned(draft, closeContact.id)), []);
    assert.deepEqual(publishable(reasoned(withdrawInherited(hangzhou, closeContact.id), closeContact.id)), []);
  });

  it('withdraws an inherited rule: no own rule of its id, an override with a reason to give', () => {
    const draft = withdrawInherited(replaceInherited(hangzhou, closeContact), closeContact.id);
    assert.equal(stateOf(draft, closeContact.id), 'withdrawn');
    assert.ok(!draft.rules.some((r) => r.id === closeContact.id));
    assert.equal(draft.overrides?.length, 1);
  });

  it("keeps the author's reason across a change between replacing and withdrawing", () => {
    const draft = withdrawInherited(reasoned(replaceInherited(hangzhou, closeContact), closeContact.id), closeContact.id);
    assert.equal(draft.overrides?.[0]?.reason.en, 'Notice 12 of 2026.');
  });

  it('lets the inherited rule apply again: the override and the own copy go, the other rules stay', () => {
    const draft = keepInherited(reasoned(replaceInherited(hangzhou, closeContact), closeContact.id), closeContact.id);
    assert.equal(stateOf(draft, closeContact.id), 'inherited');
    assert.deepEqual(draft, { ...hangzhou, overrides: [] });
  });

  it('shows a draft in the form only if its overrides have the published shape', () => {
    assert.ok(asFormDraft(reasoned(replaceInherited(hangzhou, closeContact), closeContact.id)));
    assert.ok(asFormDraft(hangzhou), 'overrides may be absent');
    assert.equal(asFormDraft({ ...hangzhou, overrides: [{ id: 'red-close-contact' }] }), null);
    assert.equal(asFormDraft({ ...hangzhou, overrides: 'red-close-contact' }), null);
    assert.equal(asFormDraft({ region: '330100', rules: [{ id: 'x' }] }), null);
    assert.equal(asFormDraft(null), null);
  });
});
