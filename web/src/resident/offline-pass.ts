import { base64UrlToBytes, bytesToBase64Url, presentationSigningBytes, presentationText, timeStep } from '../../../src/codes/index.js';
import { bearer, client, ok, type Answer } from '../shared/api.js';

/**
 * The phone's side of the offline code (src/codes/offline-pass.ts). The app makes its own Ed25519
 * key pair with WebCrypto, the private key not extractable, and keeps it in IndexedDB (which stores
 * the CryptoKey itself, so its bytes never reach script); while online it fetches a pass binding
 * that key to the code, and with no network it signs each 30-second step to show the pass.
 */

/** A pass as the server answers it, kept per person shown (the resident, or one they look after). */
export type StoredPass = Answer<'/api/v1/residents/{id}/offline-pass', 'post'>;

/** A pass is fetched again after this long, so the colour it holds is never much older than the last time the app was online. */
export const PASS_REFRESH_MS = 30 * 60_000;

const DB = 'healthcode-offline';
const KEYS = 'keys';
const PASSES = 'passes';
const PHONE_KEY = 'phone';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(KEYS);
      request.result.createObjectStore(PASSES);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run<T>(store: string, mode: IDBTransactionMode, act: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = act(db.transaction(store, mode).objectStore(store));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

/** The phone's key pair, made once: Ed25519 (Chromium, Firefox and Safari have it in WebCrypto), the private key unextractable. */
export function phoneKey(): Promise<{ privateKey: CryptoKey; publicKey: string }> {
  // One at a time: two keys made at once would leave a pass bound to the one not kept.
  making ??= keptOrNewKey().finally(() => (making = undefined));
  return making;
}
let making: Promise<{ privateKey: CryptoKey; publicKey: string }> | undefined;

async function keptOrNewKey(): Promise<{ privateKey: CryptoKey; publicKey: string }> {
  const kept = await run<{ privateKey: CryptoKey; publicKey: string } | undefined>(KEYS, 'readonly', (s) => s.get(PHONE_KEY));
  if (kept) return kept;
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  const made = { privateKey: pair.privateKey, publicKey: bytesToBase64Url(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))) };
  await run(KEYS, 'readwrite', (s) => s.put(made, PHONE_KEY));
  return made;
}

export async function storedPass(subjectId: string): Promise<StoredPass | undefined> {
  return run<StoredPass | undefined>(PASSES, 'readonly', (s) => s.get(subjectId));
}

/**
 * Fetches a new pass when the one kept is missing, holds another colour than the code just shown,
 * is older than PASS_REFRESH_MS or has less than that to live. Failing, the kept one stays.
 */
export async function refreshPass(sessionToken: string, subjectId: string, shownColour: string, now = Date.now()): Promise<StoredPass> {
  const kept = await storedPass(subjectId);
  if (kept && kept.colour === shownColour && now - Date.parse(kept.issuedAt) < PASS_REFRESH_MS && Date.parse(kept.expiresAt) - now > PASS_REFRESH_MS) return kept;
  const { publicKey } = await phoneKey();
  const pass = await ok(client.POST('/api/v1/residents/{id}/offline-pass', { params: { path: { id: subjectId } }, headers: bearer(sessionToken), body: { publicKey } }));
  await run(PASSES, 'readwrite', (s) => s.put(pass, subjectId));
  return pass;
}

/** The offline code this phone shows at `now`: the pass and the phone's signature over now's time step. */
export async function presentation(pass: StoredPass, now = Date.now()): Promise<string> {
  const { privateKey } = await phoneKey();
  const bytes = base64UrlToBytes(pass.pass);
  const step = timeStep(now);
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, new Uint8Array(presentationSigningBytes(bytes, step))));
  return presentationText(bytes, step, signature);
}

/** Signing out forgets the passes and the phone's key: the next person on this phone shows nothing of the last. */
export async function forgetOfflinePasses(): Promise<void> {
  await run(PASSES, 'readwrite', (s) => s.clear());
  await run(KEYS, 'readwrite', (s) => s.clear());
}
