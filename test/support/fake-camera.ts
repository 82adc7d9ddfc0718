import { writeFileSync } from 'node:fs';
import QRCode from 'qrcode';

const WIDTH = 640;
const HEIGHT = 480;

/**
 * A Y4M video of `text` as a QR code on white, for Chromium's fake camera
 * (--use-file-for-fake-video-capture). Y4M is raw 4:2:0 frames behind a one-line header; gray
 * needs only the luma plane, the two chroma planes stay neutral (128).
 */
export function writeQrVideo(text: string, path: string, frames = 5): void {
  writeQrSequence([{ text, frames }], path);
}

/**
 * A Y4M video showing each QR text (or nothing: null) for its number of frames, in turn, at `fps`
 * frames a second; Chromium plays it in a loop. Lets one camera show a pairing code, then a
 * person's code, or leave a gap before a code appears.
 */
export function writeQrSequence(shots: { text: string | null; frames: number }[], path: string, fps = 10): void {
  const frames = shots.flatMap(({ text, frames }) => {
    const frame = text === null ? blankFrame() : qrFrame(text);
    return Array.from({ length: frames }, () => frame);
  });
  writeFileSync(path, Buffer.concat([Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F${fps}:1 Ip A1:1 C420jpeg\n`), ...frames]));
}

const chroma = () => Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);

function blankFrame(): Buffer {
  return Buffer.concat([Buffer.from('FRAME\n'), Buffer.alloc(WIDTH * HEIGHT, 235), chroma()]);
}

function qrFrame(text: string): Buffer {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const scale = Math.floor(420 / (size + 8));
  const side = (size + 8) * scale;
  const left = Math.floor((WIDTH - side) / 2);
  const top = Math.floor((HEIGHT - side) / 2);
  const luma = Buffer.alloc(WIDTH * HEIGHT, 235);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!qr.modules.get(y, x)) continue;
      for (let dy = 0; dy < scale; dy++) {
        const row = (top + (y + 4) * scale + dy) * WIDTH;
        luma.fill(16, row + left + (x + 4) * scale, row + left + (x + 5) * scale);
      }
    }
  }
  return Buffer.concat([Buffer.from('FRAME\n'), luma, chroma()]);
}
