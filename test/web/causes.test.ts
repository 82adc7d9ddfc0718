import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { causeText } from '../../web/src/shared/causes.js';
import { MESSAGES, type MessageKey } from '../../web/src/shared/messages.js';

/** Every cause the server records when it decides a colour again (decisions-service callers). */
const SERVER_CAUSES = ['declaration', 'code shown', 'check-in requested', 'quarantine period over', 'checked at a checkpoint by ID number', 'correction approved', 'correction ended', 'time passed', 'risk area 420100 high', 'import of cases', 'trace 0b6c1f0e-8a47-4c1e-9a52-3f1d7e2b9c10', 'facts from hubei', 'check-in on 2026-12-07', 'checked at a checkpoint by paper card', 'appeal filed', 'appeal answered', 'place-code visit'];

describe('why a colour was decided again, in words', () => {
  it('takes the words of every cause the server records from the message catalogue', () => {
    const keysOnly = ((key: string) => `«${key}»`) as Parameters<typeof causeText>[1];
    for (const cause of SERVER_CAUSES) assert.match(causeText(cause, keysOnly), /«cause\./, `"${cause}" has no words of its own`);
  });

  it('reads every cause in Chinese on the Chinese screen', () => {
    const t = (key: MessageKey, params: Record<string, string | number> = {}) => MESSAGES['zh-CN'][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
    for (const cause of SERVER_CAUSES) assert.doesNotMatch(causeText(cause, t), /[a-z]{3,}/, `"${cause}" reads in English on the Chinese screen`);
  });
});
