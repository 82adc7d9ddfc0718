import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CARD_WORDS, cjkFont, renderPaperCard } from '../../../src/services/residents/paper-card-pdf.js';
import { cardText, readCardQr } from '../../support/paper-card-pdf.js';

const face = { maskedName: '张*兰', reference: 'HCCARD1:q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA', issuedAt: Date.parse('2026-11-20T02:00:00Z'), expiresAt: Date.parse('2027-11-20T02:00:00Z'), timeZone: 'Asia/Shanghai' };

describe('a printed paper card', () => {
  it('carries its reference in a QR a camera reads off the rendered page', async () => {
    assert.equal(readCardQr(await renderPaperCard(face)), face.reference);
  });

  it('shows the masked name, the dates in the operator time zone, and the instructions in Chinese and English', async () => {
    const text = cardText(await renderPaperCard(face)).replace(/\s+/g, '');
    for (const words of [face.maskedName, '2026-11-20', '2027-11-20', ...CARD_WORDS.zh, ...CARD_WORDS.en]) assert.ok(text.includes(words.replace(/\s+/g, '')), words);
  });

  it('names no colour', async () => {
    const text = cardText(await renderPaperCard(face));
    for (const colour of ['绿', '黄', '红', 'green', 'yellow', 'red']) assert.ok(!text.toLowerCase().includes(colour), colour);
  });

  it('embeds a subset of the CJK font, not the whole font', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paper-card-'));
    writeFileSync(join(dir, 'card.pdf'), await renderPaperCard(face));
    const fonts = spawnSync('pdffonts', [join(dir, 'card.pdf')], { encoding: 'utf8' }).stdout.split('\n').slice(2).filter(Boolean);
    assert.equal(fonts.length, 1);
    assert.match(fonts[0]!, /^[A-Z]{6}\+\S+\s.*\byes\s+yes\s+yes\b/, 'embedded, subset, with a Unicode map');
  });

  it('says which font package to install when no CJK font is there', () => {
    assert.throws(() => cjkFont([{ path: '/nonexistent/font.ttc' }]), /install fonts-noto-cjk/);
  });
});
