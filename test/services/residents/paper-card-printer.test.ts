import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { printCard } from '../../../src/services/residents/paper-card-printer.js';
import { readCardQr } from '../../support/paper-card-pdf.js';

const face = { maskedName: '张*兰', reference: 'HCCARD1:q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA', issuedAt: Date.parse('2026-11-20T02:00:00Z'), expiresAt: Date.parse('2027-11-20T02:00:00Z'), timeZone: 'Asia/Shanghai' };

describe('printing a card off the server thread', () => {
  it('answers with the PDF the thread printed', async () => {
    assert.equal(readCardQr(await printCard(face)), face.reference);
  });
});
