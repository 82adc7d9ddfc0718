/**
 * Base45 (RFC 9285): bytes as text in the QR alphanumeric alphabet, so the code uses the dense
 * alphanumeric mode. Written here because the npm packages found decode leniently (unknown
 * characters, values above 65535 and dangling characters slip through), and a verifier must be
 * strict. Uses only Uint8Array, so it runs in the browser too.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

export class Base45Error extends Error {
  override name = 'Base45Error';
}

/** The alphabet's character codes, all ASCII. */
const CODES = Uint8Array.from([...ALPHABET].map((c) => c.charCodeAt(0)));
/** ASCII bytes to text in one step (latin1 is windows-1252 in browsers: the same for ASCII). */
const ascii = new TextDecoder('latin1');

/**
 * Written as character codes and read as text once: adding characters to a string one by one
 * cost twice as much, and left a string of pieces for the JSON writer to join again.
 */
export function encodeBase45(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.floor(bytes.length / 2) * 3 + (bytes.length % 2) * 2);
  let o = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = bytes[i]! * 256 + bytes[i + 1]!;
    const c = n % 45;
    n = (n - c) / 45;
    const d = n % 45;
    out[o++] = CODES[c]!;
    out[o++] = CODES[d]!;
    out[o++] = CODES[(n - d) / 45]!;
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1]!;
    out[o++] = CODES[n % 45]!;
    out[o++] = CODES[Math.floor(n / 45)]!;
  }
  return ascii.decode(out);
}

export function decodeBase45(text: string): Uint8Array {
  if (text.length % 3 === 1) throw new Base45Error(`length ${text.length} is not a valid base45 length`);
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  const digit = (i: number) => {
    const v = VALUE.get(text[i]!);
    if (v === undefined) throw new Base45Error(`character ${JSON.stringify(text[i])} at ${i} is not in the base45 alphabet`);
    return v;
  };
  let o = 0;
  for (let i = 0; i < text.length; i += 3) {
    if (i + 2 < text.length) {
      const n = digit(i) + digit(i + 1) * 45 + digit(i + 2) * 2025;
      if (n > 0xffff) throw new Base45Error(`triple at ${i} encodes ${n}, above 65535`);
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      const n = digit(i) + digit(i + 1) * 45;
      if (n > 0xff) throw new Base45Error(`final pair encodes ${n}, above 255`);
      out[o++] = n;
    }
  }
  return out;
}
