import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REJECTION_REASONS } from '../../src/codes/token-verifier.js';
import { HOLDER_REFUSALS } from '../../src/domain/checkpoints/holder-refusals.js';
import { CARD_REFUSALS } from '../../src/domain/residents/paper-card.js';
import { MESSAGES, type MessageKey } from '../../web/src/shared/messages.js';
import {
  CHECKPOINT_DEVICE_PROBLEMS,
  checkpointDeviceAdvice,
  GUARD_STEPS,
  LIST_CURRENT_FOR_MS,
  LIST_REFUSALS,
  listAdvice,
  listsCurrent,
  paperCardAdvice,
  stepKey,
  VERDICT_REASONS,
  verdictAdvice,
  type Advice,
} from '../../web/src/scanner/refusals.js';

/**
 * A guard at a gate reads these in a few seconds, with a queue behind the person refused: each
 * reason the scanner can give says what happened in plain words, in both languages, and what the
 * guard can do next. The verifier's own terms (keys, signatures, encodings) never reach the screen.
 */

const LANGS = ['zh-CN', 'en'] as const;
/** Words only an engineer would know. */
const JARGON = /\bkeys?\b|\bkid\b|signature|signed|cbor|base45|cose|algorithm|ed25519|trust list|hub|密钥|公钥|签名|算法|信任列表/i;

const everyAdvice = (): [string, Advice][] => [
  ...VERDICT_REASONS.flatMap((reason) => [
    [`${reason} (lists current)`, verdictAdvice(reason, { listsCurrent: true })] as [string, Advice],
    [`${reason} (lists out of date)`, verdictAdvice(reason, { listsCurrent: false })] as [string, Advice],
  ]),
  ...LIST_REFUSALS.map((refused) => [`list refused: ${refused}`, listAdvice(refused)] as [string, Advice]),
  ...CHECKPOINT_DEVICE_PROBLEMS.map((problem) => [`device: ${problem}`, checkpointDeviceAdvice(problem)] as [string, Advice]),
];

function words(key: MessageKey): Record<(typeof LANGS)[number], string | undefined> {
  return { 'zh-CN': MESSAGES['zh-CN'][key], en: MESSAGES.en[key] };
}

describe('what a guard is told when the scanner refuses a code', () => {
  it('covers every reason the verifiers can give (a code, an offline code), the venue refusing a colour or one decided too long ago, the server finding the holder of a code gone, and every refusal of a paper card', () => {
    assert.deepEqual(new Set(VERDICT_REASONS), new Set([...REJECTION_REASONS, 'stale-presentation', 'device-signature', 'colour-not-admitted', 'decided-too-long-ago', ...HOLDER_REFUSALS, ...CARD_REFUSALS, 'card-needs-network']));
  });

  it('gives every refusal plain words in both languages and at least one next step', () => {
    for (const [name, advice] of everyAdvice()) {
      for (const lang of LANGS) {
        const text = words(advice.words)[lang];
        assert.ok(text && text !== advice.words, `${name}: no ${lang} words`);
        assert.doesNotMatch(text, JARGON, `${name} (${lang}): "${text}"`);
      }
      assert.ok(advice.steps.length > 0, `${name}: no next step for the guard`);
      assert.equal(new Set(advice.steps).size, advice.steps.length, `${name}: a step given twice`);
    }
  });

  it('words every next step in both languages, without jargon', () => {
    for (const step of GUARD_STEPS) {
      for (const lang of LANGS) {
        const text = words(stepKey(step))[lang];
        assert.ok(text, `step ${step}: no ${lang} words`);
        assert.doesNotMatch(text, JARGON, `step ${step} (${lang}): "${text}"`);
      }
    }
  });

  it('tells the guard of an unknown issuer to update the lists first when they are out of date', () => {
    assert.deepEqual(verdictAdvice('unknown-key', { listsCurrent: false }), { words: 'reason.unknown-key-stale', steps: ['update-list', 'check-by-id'] });
  });

  it('tells the guard of an unknown issuer with current lists that the code may be fake: check by ID, call the duty officer', () => {
    assert.deepEqual(verdictAdvice('unknown-key', { listsCurrent: true }), { words: 'reason.unknown-key', steps: ['check-by-id', 'duty-officer'] });
  });

  it('asks for the live code, not a screenshot, when a code has expired', () => {
    assert.equal(verdictAdvice('expired', { listsCurrent: true }).steps[0], 'refresh-code');
    assert.match(MESSAGES['zh-CN']['step.refresh-code'], /截图/);
  });

  it('never lets a forged code through on a second try: it leads to the ID check or the duty officer, not a rescan', () => {
    for (const reason of ['bad-signature', 'wrong-algorithm'] as const) {
      const { steps } = verdictAdvice(reason, { listsCurrent: true });
      assert.ok(!steps.includes('rescan') && !steps.includes('refresh-code'), reason);
    }
  });

  it('sends the guard of a paper-card holder not admitted by colour to a guardian or a service point: he has no app to say why', () => {
    assert.deepEqual(paperCardAdvice('colour-not-admitted', { listsCurrent: true }).steps, ['card-guardian', 'duty-officer']);
    assert.match(MESSAGES.en['step.card-guardian'], /guardian, or a service point/);
  });

  it('gives a paper card refused for other reasons the same advice as any code', () => {
    assert.deepEqual(paperCardAdvice('card-revoked', { listsCurrent: true }), verdictAdvice('card-revoked', { listsCurrent: true }));
  });

  it('tells the guard to scan a paper card again once online, not to turn the person away', () => {
    assert.deepEqual(verdictAdvice('card-needs-network', { listsCurrent: true }).steps, ['retry-online', 'duty-officer']);
  });

  it('words a list refusal it does not know as a list that was not genuine', () => {
    assert.equal(listAdvice('something-new').words, 'listRefused.bad-signature');
  });
});

describe('whether the scanner’s lists are current', () => {
  const now = Date.parse('2026-12-06T08:00:00+08:00');
  it('counts its own list updated within the window as current', () => {
    assert.equal(listsCurrent(now / 1000 - 3600, false, now), true);
  });
  it('counts its own list older than the window as out of date', () => {
    assert.equal(listsCurrent((now - LIST_CURRENT_FOR_MS) / 1000 - 1, false, now), false);
  });
  it('counts an expired national list as out of date however new its own list', () => {
    assert.equal(listsCurrent(now / 1000, true, now), false);
  });
});
