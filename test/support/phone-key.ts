import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { presentationSigningBytes, presentationText, timeStep } from '../../src/codes/offline-pass.js';
import { rawPublicKey } from '../../src/codes/token-signer.js';
import { base64UrlToBytes, bytesToBase64Url } from '../../src/codes/trust-list.js';

/** A resident's phone as the app makes it: an Ed25519 key pair, and the offline codes it shows. */
export interface Phone {
  publicKey: string;
  /** The offline code (JKO1) this phone shows at `at` (epoch ms) for a pass (base64url, as the API sends it). */
  present(pass: string, at: number): string;
}

export function newPhone(): Phone {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { publicKey: bytesToBase64Url(rawPublicKey(publicKey)), present: (pass, at) => presentWith(privateKey, pass, at) };
}

function presentWith(privateKey: KeyObject, pass: string, at: number): string {
  const bytes = base64UrlToBytes(pass);
  const step = timeStep(at);
  return presentationText(bytes, step, new Uint8Array(sign(null, presentationSigningBytes(bytes, step), privateKey)));
}
