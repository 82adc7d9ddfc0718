import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MeterRelay, type Meter } from '../../src/services/meter.js';

/** A meter that writes down what it is told. */
function notebook(): Meter & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    codeShown: (colour, from) => seen.push(`code ${colour} ${from}`),
    decisionsMade: (count) => seen.push(`decisions ${count}`),
    scanChecked: (outcome, reason) => seen.push(`scan ${outcome} ${reason}`),
    smsSent: (purpose) => seen.push(`sms ${purpose}`),
    smsRefused: (limit) => seen.push(`refused ${limit}`),
  };
}

describe('the meter use cases count through', () => {
  it('tells every attached meter each event, with its words only', () => {
    const relay = new MeterRelay();
    const a = notebook();
    const b = notebook();
    relay.attach(a);
    relay.attach(b);
    relay.codeShown('green', 'memory');
    relay.decisionsMade(3);
    relay.scanChecked('refused', 'expired');
    relay.smsSent('sign-in-code');
    relay.smsRefused('total');
    const expected = ['code green memory', 'decisions 3', 'scan refused expired', 'sms sign-in-code', 'refused total'];
    assert.deepEqual(a.seen, expected);
    assert.deepEqual(b.seen, expected);
  });

  it('tells a meter nothing once it is detached (an app closed), and counts nothing with none attached', () => {
    const relay = new MeterRelay();
    const a = notebook();
    const detach = relay.attach(a);
    relay.codeShown('red', 'database');
    detach();
    relay.codeShown('red', 'database');
    assert.deepEqual(a.seen, ['code red database']);
  });
});
