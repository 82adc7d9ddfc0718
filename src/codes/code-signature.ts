import { Tag } from 'cbor-x';
import { decodeBase45 } from './base45.js';
import { decodeCbor } from './cose-sign1.js';
import { PRESENTATION_PREFIX } from './offline-pass.js';
import { TOKEN_PREFIX } from './token-format.js';
import { bytesToBase64Url } from './trust-list.js';

/**
 * What names one shown code whatever its text: its signature. Ed25519 is deterministic; a code's COSE
 * signature covers its protected header and payload, a presentation's phone signature its pass and
 * step. Re-encoding the CBOR, or adding or removing the COSE tag, changes the text but not these, so
 * they are read leniently here (the verifier refuses such copies; this names them). Text that does
 * not open as a code or presentation is named by its trimmed text.
 */
export function codeSignature(text: string): string {
  const trimmed = text.trim();
  for (const [prefix, at] of [
    [PRESENTATION_PREFIX, 2],
    [TOKEN_PREFIX, 3],
  ] as const) {
    if (!trimmed.startsWith(prefix)) continue;
    try {
      let value = decodeCbor(decodeBase45(trimmed.slice(prefix.length)));
      if (value instanceof Tag) value = value.value;
      const signature = Array.isArray(value) ? (value as unknown[])[at] : undefined;
      if (signature instanceof Uint8Array) return `${prefix}${bytesToBase64Url(signature)}`;
    } catch {
      // Unreadable: the scanner refuses it anyway; its text is all there is to know it by.
    }
  }
  return trimmed;
}
