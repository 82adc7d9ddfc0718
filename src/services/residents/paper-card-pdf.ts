import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { localDate } from '../../domain/local-time.js';

/** What a card shows: nothing more, and never a colour (the scanner asks the server for that). */
export interface PaperCardFace {
  maskedName: string;
  /** The QR text: a MAC'd card reference, not an ID number. */
  reference: string;
  /** Epoch ms. */
  issuedAt: number;
  expiresAt: number;
  timeZone: string;
}

/**
 * CJK fonts the test prerequisites install from Debian (fonts-noto-cjk, else fonts-wqy-zenhei),
 * with the face to take from each collection. pdfkit embeds only the glyphs the card uses.
 */
const CJK_FONTS: { path: string; face?: string }[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', face: 'WenQuanYiZenHei' },
  { path: '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf' },
];

export function cjkFont(candidates = CJK_FONTS): { path: string; face?: string } {
  const font = candidates.find((f) => existsSync(f.path));
  if (!font) throw new Error(`no CJK font to print paper cards with: install fonts-noto-cjk (looked for ${candidates.map((f) => f.path).join(', ')})`);
  return font;
}

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
} as const;

const PAGE = { width: 298, height: 420 }; // A6, in points
const MARGIN = 20;

/** The card as a one-page A6 PDF: the masked name, the QR drawn as vector squares, the dates, the instructions in Chinese and English. */
export async function renderPaperCard(face: PaperCardFace): Promise<Buffer> {
  const font = cjkFont();
  const doc = new PDFDocument({ size: [PAGE.width, PAGE.height], margin: MARGIN, info: { Title: `${CARD_WORDS.title[0]} ${CARD_WORDS.title[1]}`, CreationDate: new Date(face.issuedAt) }, autoFirstPage: true });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  if (font.face) doc.registerFont('cjk', font.path, font.face);
  else doc.registerFont('cjk', font.path);
  const width = PAGE.width - 2 * MARGIN;
  doc.font('cjk').fontSize(12).fillColor('black').text(`${CARD_WORDS.title[0]} · ${CARD_WORDS.title[1]}`, MARGIN, MARGIN, { width, align: 'center' });
  doc.fontSize(20).text(face.maskedName, { width, align: 'center' });

  // The QR as black squares on white, with the quiet zone its standard asks for: crisp at any printer's resolution.
  const qr = QRCode.create(face.reference, { errorCorrectionLevel: 'M' });
  const modules = qr.modules.size;
  const side = 150;
  const cell = side / (modules + 8);
  const left = (PAGE.width - side) / 2;
  const top = doc.y + 4;
  for (let row = 0; row < modules; row++) {
    for (let col = 0; col < modules; col++) {
      if (qr.modules.get(row, col)) doc.rect(left + (col + 4) * cell, top + (row + 4) * cell, cell, cell);
    }
  }
  doc.fill('black');
  doc.y = top + side + 4;

  const date = (ms: number) => localDate(new Date(ms), face.timeZone);
  doc.fontSize(9).text(`${CARD_WORDS.issued[0]} ${CARD_WORDS.issued[1]}: ${date(face.issuedAt)}    ${CARD_WORDS.validUntil[0]} ${CARD_WORDS.validUntil[1]}: ${date(face.expiresAt)}`, MARGIN, doc.y, { width, align: 'center' });
  doc.moveDown(0.6);
  doc.fontSize(8);
  for (const line of CARD_WORDS.zh) doc.text(line, { width, lineGap: 1 });
  doc.moveDown(0.4);
  for (const line of CARD_WORDS.en) doc.text(line, { width, lineGap: 1 });
  doc.end();
  return done;
}
