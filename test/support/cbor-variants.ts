import { decodeBase45, encodeBase45 } from '../../src/codes/base45.js';

/**
 * The same CBOR array written another way, as an attacker re-encodes a QR: its head (after an
 * optional tag 18) as an indefinite-length array, as a length in one more byte than needed, or with
 * the COSE tag removed or added. The items' bytes are kept as they are.
 */
export function reencoded(text: string, prefix: string, how: 'indefinite' | 'long-length' | 'untagged' | 'tagged'): string {
  const bytes = decodeBase45(text.slice(prefix.length));
  const tagged = bytes[0] === 0xd2;
  const head = bytes[tagged ? 1 : 0]!;
  const items = bytes.slice(tagged ? 2 : 1);
  const tag = tagged ? [0xd2] : [];
  const out =
    how === 'indefinite' ? [...tag, 0x9f, ...items, 0xff]
    : how === 'long-length' ? [...tag, 0x98, head & 0x1f, ...items]
    : how === 'untagged' ? [head, ...items]
    : [0xd2, head, ...items];
  return prefix + encodeBase45(Uint8Array.from(out));
}
