import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { localDate } from '../../domain/local-time.js';
import type { CardScript } from '../../domain/residents/paper-card.js';

/** What a card shows: nothing more, and never a colour (the scanner asks the server for that). */
export interface PaperCardFace {
  maskedName: string;
  /** The QR text: a MAC'd card reference, not an ID number. */
  reference: string;
  /** Epoch ms. */
  issuedAt: number;
  expiresAt: number;
  timeZone: string;
  /** The script of the Chinese lines; Simplified when absent. */
  script?: CardScript;
}

/** A CJK font file, and the faces in a collection to take for Simplified and (if drawn apart) Traditional text. */
interface CjkFont {
  path: string;
  face?: string;
  /** The face whose glyphs take the shapes a Traditional reader expects; the Simplified face otherwise. */
  traditionalFace?: string;
}

/**
 * CJK fonts the test prerequisites install from Debian (fonts-noto-cjk, else fonts-wqy-zenhei),
 * with the face to take from each collection. pdfkit embeds only the glyphs the card uses.
 */
const CJK_FONTS: CjkFont[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular', traditionalFace: 'NotoSansCJKtc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', face: 'WenQuanYiZenHei' },
  { path: '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf' },
];

export function cjkFont(candidates = CJK_FONTS): CjkFont {
  const font = candidates.find((f) => existsSync(f.path));
  if (!font) throw new Error(`no CJK font to print paper cards with: install fonts-noto-cjk (looked for ${candidates.map((f) => f.path).join(', ')})`);
  return font;
}

/** The card's words, Chinese in Simplified, each beside its English. */
export const CARD_WORDS = {
  title: ['健康码纸卡', 'Health code paper card'],
  issued: ['签发', 'Issued'],
  validUntil: ['有效至', 'Valid until'],
  zh: [
    '此卡不显示颜色。请在检查点出示此卡，工作人员扫码后联网查询您当前的健康码颜色，无需出示或输入身份证号。',
    '如卡片丢失，请到服务点或请家人在居民应用中重新打印，旧卡随即作废。',
  ],
  en: [
    'This card shows no colour. Show it at a checkpoint: the scanner looks up your current colour online, without anyone typing or seeing your ID number.',
    "If it is lost, print a new one at a service point or in a relative's resident app; the old card then stops working.",
  ],
  cut: ['沿四角裁切线剪下', 'Cut along the corner marks'],
} as const;

/** The same words with the Chinese written out in Traditional, for a reader of it (never converted at run time). */
export const CARD_WORDS_HANT: CardWords = {
  title: ['健康碼紙卡', CARD_WORDS.title[1]],
  issued: ['簽發', CARD_WORDS.issued[1]],
  validUntil: ['有效至', CARD_WORDS.validUntil[1]],
  zh: [
    '此卡不顯示顏色。請在檢查點出示此卡，工作人員掃碼後連網查詢您目前的健康碼顏色，無需出示或輸入身分證號。',
    '如卡片遺失，請到服務點或請家人在居民應用程式中重新列印，舊卡隨即作廢。',
  ],
  en: CARD_WORDS.en,
  cut: ['沿四角裁切線剪下', CARD_WORDS.cut[1]],
};

type CardWords = { readonly [K in keyof typeof CARD_WORDS]: readonly string[] };

/** The card's words in `script`. */
export function cardWordsIn(script: CardScript = 'zh-CN'): CardWords {
  return script === 'zh-Hant' ? CARD_WORDS_HANT : CARD_WORDS;
}

/**
 * The card is 105 × 160 mm (A6's width, a little taller so the instructions read at 11 pt beside a
 * large QR), laid on an A4 page with cut marks at its corners: service points and households print
 * on A4 at 100%, and a clerk cuts along the marks. All lengths in points (1/72 inch).
 */
const MM = 72 / 25.4;
export const PAPER_CARD_PAGE = { width: 210 * MM, height: 297 * MM } as const;
export const PAPER_CARD_ON_PAGE = { x: (210 - 105) / 2 * MM, y: 20 * MM, width: 105 * MM, height: 160 * MM } as const;
/** Cut marks start this far outside the card's corner (so a cut a little off leaves none on the card) and run this long. */
export const CUT_MARK = { gap: 3 * MM, length: 8 * MM } as const;
/** Nothing the holder or a guard reads on the card is smaller than this: an elder reads it without glasses. */
export const CARD_SMALLEST_TEXT_PT = 11;
const PADDING = 5 * MM;
const QR_SIDE = 52 * MM;
const NAME_PT = 26;

/** Four cut marks at each corner's two edges, outside the card. */
function drawCutMarks(doc: PDFKit.PDFDocument): void {
  const { x, y, width, height } = PAPER_CARD_ON_PAGE;
  const { gap, length } = CUT_MARK;
  doc.save().lineWidth(0.5).strokeColor('black');
  for (const cx of [x, x + width]) {
    for (const cy of [y, y + height]) {
      const outX = cx === x ? -1 : 1;
      const outY = cy === y ? -1 : 1;
      // A horizontal mark on the line of the card's top or bottom edge, a vertical one on its side's.
      doc.moveTo(cx + outX * gap, cy).lineTo(cx + outX * (gap + length), cy).stroke();
      doc.moveTo(cx, cy + outY * gap).lineTo(cx, cy + outY * (gap + length)).stroke();
    }
  }
  doc.restore();
}

/**
 * The card as an A4 PDF: the A6 card with its cut marks, a line under it telling the clerk to cut;
 * on the card the masked name and the QR large, the dates, the instructions in Chinese and English.
 */
export async function renderPaperCard(face: PaperCardFace): Promise<Buffer> {
  const font = cjkFont();
  const words = cardWordsIn(face.script);
  const doc = new PDFDocument({ size: [PAPER_CARD_PAGE.width, PAPER_CARD_PAGE.height], margin: 0, info: { Title: `${words.title[0]} ${words.title[1]}`, CreationDate: new Date(face.issuedAt) }, autoFirstPage: true });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const fontFace = face.script === 'zh-Hant' ? (font.traditionalFace ?? font.face) : font.face;
  if (fontFace) doc.registerFont('cjk', font.path, fontFace);
  else doc.registerFont('cjk', font.path);
  const card = PAPER_CARD_ON_PAGE;
  const left = card.x + PADDING;
  const width = card.width - 2 * PADDING;
  drawCutMarks(doc);
  doc.font('cjk').fontSize(12).fillColor('black').text(`${words.title[0]} · ${words.title[1]}`, left, card.y + PADDING, { width, align: 'center' });
  // The name as large as fits one line: a long transcribed name shrinks rather than pushing the words off the card.
  const nameSize = Math.max(CARD_SMALLEST_TEXT_PT, Math.min(NAME_PT, (NAME_PT * width) / doc.fontSize(NAME_PT).widthOfString(face.maskedName)));
  doc.fontSize(nameSize).text(face.maskedName, { width, align: 'center' });

  // The QR as black squares on white, with the quiet zone its standard asks for: crisp at any printer's resolution.
  const qr = QRCode.create(face.reference, { errorCorrectionLevel: 'M' });
  const modules = qr.modules.size;
  const cell = QR_SIDE / (modules + 8);
  const qrLeft = card.x + (card.width - QR_SIDE) / 2;
  const top = doc.y;
  for (let row = 0; row < modules; row++) {
    for (let col = 0; col < modules; col++) {
      if (qr.modules.get(row, col)) doc.rect(qrLeft + (col + 4) * cell, top + (row + 4) * cell, cell, cell);
    }
  }
  doc.fill('black');
  doc.y = top + QR_SIDE;

  const date = (ms: number) => localDate(new Date(ms), face.timeZone);
  doc.fontSize(CARD_SMALLEST_TEXT_PT).text(`${words.issued[0]} ${words.issued[1]}: ${date(face.issuedAt)}`, left, doc.y, { width, align: 'center' });
  doc.text(`${words.validUntil[0]} ${words.validUntil[1]}: ${date(face.expiresAt)}`, { width, align: 'center' });
  doc.moveDown(0.5);
  for (const line of words.zh) doc.text(line, { width, lineGap: 1 });
  doc.moveDown(0.3);
  for (const line of words.en) doc.text(line, { width, lineGap: 0 });
  // A face too long for the card (a longer name, words changed) fails here rather than printing off the card.
  if (doc.y > card.y + card.height - PADDING / 2) throw new Error("the paper card's words run past its bottom edge");

  // For the clerk, below the bottom marks: off the card once it is cut.
  doc.fontSize(CARD_SMALLEST_TEXT_PT).text(words.cut.join(' · '), card.x, card.y + card.height + CUT_MARK.gap + CUT_MARK.length + 6 * MM, { width: card.width, align: 'center' });
  doc.end();
  return done;
}
