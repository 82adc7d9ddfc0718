import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { printCard } from '../../../src/services/residents/paper-card-printer.js';

describe('the paper card print thread', () => {
  it("answers a card it cannot print with the reason, and the print fails with it", async () => {
    // More than a QR code holds: the layout fails on the thread, and says why.
    const face = { maskedName: '张*兰', reference: 'x'.repeat(4000), issuedAt: 0, expiresAt: 1, timeZone: 'Asia/Shanghai' };
    await assert.rejects(printCard(face), /could not print the paper card: .*(too big|amount of data)/i);
  });
});
