import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

/**
 * The decoder's WebAssembly comes from our own server, never from the library's default CDN, and is
 * fetched as soon as a camera screen opens: a gate that has lost its network must still decode.
 */
const ready = prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) }, fireImmediately: true });

/** The text of the first QR code in a camera frame, if there is one. */
export async function readQr(frame: ImageData): Promise<string | null> {
  await ready;
  const [result] = await readBarcodes(frame, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 });
  return result?.isValid ? result.text : null;
}
