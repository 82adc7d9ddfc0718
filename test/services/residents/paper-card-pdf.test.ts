import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CARD_WORDS, CARD_WORDS_HANT, cjkFont, CUT_MARK, PAPER_CARD_ON_PAGE, renderPaperCard } from '../../../src/services/residents/paper-card-pdf.js';
import { cardInk, cardText, cardWords, readCardQr, type PlacedWord } from '../../support/paper-card-pdf.js';

const face = { maskedName: '张*兰', reference: 'HCCARD1:q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA', issuedAt: Date.parse('2026-11-20T02:00:00Z'), expiresAt: Date.parse('2027-11-20T02:00:00Z'), timeZone: 'Asia/Shanghai' };

describe('a printed paper card', () => {
  it('carries its reference in a QR a camera reads off the rendered page', async () => {
    assert.equal(readCardQr(await renderPaperCard(face)), face.reference);
  });

  it('shows the masked name, the dates in the operator time zone, and the instructions in Chinese and English', async () => {
    const text = cardText(await renderPaperCard(face)).replace(/\s+/g, '');
    for (const words of [face.maskedName, '2026-11-20', '2027-11-20', ...CARD_WORDS.zh, ...CARD_WORDS.en]) assert.ok(text.includes(words.replace(/\s+/g, '')), words);
  });

  it('prints the Chinese lines in Traditional for a holder who reads it, with the English lines unchanged', async () => {
    const text = cardText(await renderPaperCard({ ...face, maskedName: '陳*華', script: 'zh-Hant' })).replace(/\s+/g, '');
    for (const words of ['健康碼紙卡', '簽發', '有效至', '此卡不顯示顏色', '沿四角裁切線剪下', '陳*華', ...CARD_WORDS_HANT.zh, ...CARD_WORDS.en]) assert.ok(text.includes(words.replace(/\s+/g, '')), words);
    for (const simplified of ['健康码', '签发', '显示', '颜色', '裁切线']) assert.ok(!text.includes(simplified), `no Simplified "${simplified}"`);
  });

  it('fits a Traditional card with a long transcribed name on the card, its QR still readable', async () => {
    const long = { ...face, maskedName: 'M******* A******** B** A******* A*-R****** A******', script: 'zh-Hant' as const };
    const pdf = await renderPaperCard(long);
    assert.equal(readCardQr(pdf), face.reference);
    const { words } = cardWords(pdf);
    const { y, height } = PAPER_CARD_ON_PAGE;
    const last = CARD_WORDS.en.at(-1)!.split(' ').at(-1)!;
    assert.ok(words.find((w) => w.text === last)!.yMax <= y + height, 'the last instruction is above the bottom edge');
  });

  it('prints every word on the card at 11 pt or more, and the masked name at 24 pt or more, for an elder to read', async () => {
    const { words } = cardWords(await renderPaperCard(face));
    // A Han character is one em wide in any CJK font: the title's characters give the font's box height per point.
    const title = words.find((w) => w.text === CARD_WORDS.title[0])!;
    const boxPerPoint = (title.yMax - title.yMin) / ((title.xMax - title.xMin) / [...title.text].length);
    const points = (w: PlacedWord) => (w.yMax - w.yMin) / boxPerPoint;
    const onCard = words.filter((w) => w.yMax <= PAPER_CARD_ON_PAGE.y + PAPER_CARD_ON_PAGE.height);
    assert.ok(onCard.length > 60, 'the instructions are among the words');
    for (const word of onCard) assert.ok(points(word) >= 10.95, `"${word.text}" is ${points(word).toFixed(1)} pt`);
    assert.ok(points(words.find((w) => w.text === face.maskedName)!) >= 24);
  });

  it('lays the card on an A4 page inside cut marks at its four corners, with nothing of it outside them', async () => {
    const pdf = await renderPaperCard(face);
    const { width, height, words } = cardWords(pdf);
    assert.deepEqual([Math.round(width), Math.round(height)], [595, 842], 'A4 in points');
    const { x, y, width: w, height: h } = PAPER_CARD_ON_PAGE;
    const ink = cardInk(pdf);
    const mid = CUT_MARK.gap + CUT_MARK.length / 2;
    for (const [cx, cy, out] of [[x, y, -1], [x + w, y, 1], [x, y + h, -1], [x + w, y + h, 1]] as const) {
      const vertical = cy === y ? -1 : 1;
      assert.ok(ink.dark(cx + out * mid, cy), `a mark on the line of the edge at (${cx}, ${cy})`);
      assert.ok(ink.dark(cx, cy + vertical * mid), `a mark on the line of the side at (${cx}, ${cy})`);
      // The marks stop short of the corner, so a cut a little off leaves none on the card.
      assert.ok(!ink.dark(cx, cy) && !ink.dark(cx + out * 1, cy) && !ink.dark(cx, cy + vertical * 1), `the corner at (${cx}, ${cy}) itself is blank`);
    }
    const inside = (word: PlacedWord) => word.xMin >= x && word.xMax <= x + w && word.yMin >= y && word.yMax <= y + h;
    const below = words.filter((word) => !inside(word));
    assert.deepEqual(below.map((word) => word.text).join(' '), CARD_WORDS.cut.join(' · '), 'only the words for the clerk are off the card');
    assert.ok(below.every((word) => word.yMin > y + h + CUT_MARK.gap + CUT_MARK.length), 'below the bottom marks');
  });

  it('prints a long transcribed name smaller, on one line, rather than refusing the card', async () => {
    const long = { ...face, maskedName: 'M******* A******** B** A******* A*-R****** A******' };
    const { words } = cardWords(await renderPaperCard(long));
    const parts = words.filter((w) => long.maskedName.split(' ').includes(w.text));
    assert.equal(parts.length, long.maskedName.split(' ').length);
    assert.equal(new Set(parts.map((w) => Math.round(w.yMin))).size, 1, 'one line');
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
