import { weakEd25519Key } from './ed25519-public-key.js';
import { Base45Error, decodeBase45, encodeBase45 } from './base45.js';
import { decodeCbor, decodeDeterministicCbor, decodeProtectedHeader, decodeSign1, encodeCbor, signatureInput } from './cose-sign1.js';
import { COSE_HEADER_TYP } from './signed-document.js';
import { CLAIM_HEALTH_CODE, COSE_ALG_EDDSA, COSE_HEADER_ALG, COSE_HEADER_KID, CWT_CNF, CWT_EXP, CWT_IAT, CWT_ISS, CWT_SUB, type Colour, type Mark } from './token-format.js';
import { CLOCK_SKEW_SECONDS, healthCodeClaim, REJECTION_REASONS, type Ed25519Verify } from './token-verifier.js';
import { base64UrlToBytes, bytesToBase64Url, type TrustList } from './trust-list.js';

/**
 * The offline pass and its presentation. When online, the resident app gets a pass: a COSE_Sign1
 * from the same keys and trust lists as the code, whose CWT claims bind the phone's own Ed25519
 * public key (the `cnf` claim of RFC 8747) to the code's subject, colour, mark and masked name, the
 * time the server vouched for the colour and an expiry. With no network the phone shows a presentation: the
 * pass and its own signature over the current 30-second time step. A checkpoint checks both
 * signatures and that the step is current, so a screenshot is refused within a minute and a copied
 * pass is useless without the phone's private key. Pure and browser-safe: the scanner runs it.
 */

/** 健康码 offline (jiànkāngmǎ, lìxiàn), version 1: a presentation's QR text, never mistaken for a code's JKM1. */
export const PRESENTATION_PREFIX = 'JKO1:';
/** RFC 9596 `typ` of a pass: a pass read as a code, or a code as a pass, is refused by its type. */
export const OFFLINE_PASS_TYPE = 'application/healthcode-offline-pass+cwt';
/** A presentation signs the time step it is shown in: a screenshot is worth at most this and the skew below. */
export const PRESENTATION_STEP_SECONDS = 30;
/** Phone and checkpoint clocks differ: a presentation one step either side of the checkpoint's is still taken. */
export const PRESENTATION_STEP_SKEW = 1;
/** No operator lets a pass live longer (HEALTHCODE_OFFLINE_PASS_MAX is at most this). */
export const MAX_OFFLINE_PASS_SECONDS = 24 * 3600;
/** Domain separation: the phone's signed bytes can never be a COSE Sig_structure or a key binding. */
const PRESENTATION_CONTEXT = 'healthcode offline presentation v1';

/** COSE_Key (RFC 9052 §7) labels for an Ed25519 public key, as `cnf` carries it. */
const COSE_KEY = { kty: 1, okp: 1, crv: -1, ed25519: 6, x: -2 } as const;
/** RFC 8747 §3.2: cnf's member holding a COSE_Key. */
const CNF_COSE_KEY = 1;

/** What a verified pass says. Times are epoch seconds, as in CWT. */
export interface OfflinePassClaims {
  issuer: string;
  subject: string;
  issuedAt: number;
  expiresAt: number;
  /** When the issuing server vouched for the colour (epoch s: the pass's issue, the stored decision being current then): a checkpoint's policy may want one more recent. */
  decidedAt: number;
  colour: Colour;
  mark: Mark | null;
  maskedName: string;
  /** The phone's raw Ed25519 public key, base64url. */
  deviceKey: string;
}

/** Every reason a presentation is refused: a code's, and the two a presentation adds. */
export const PRESENTATION_REJECTIONS = [...REJECTION_REASONS, 'stale-presentation', 'device-signature'] as const;
export type PresentationRejection = (typeof PRESENTATION_REJECTIONS)[number];

export type PresentationResult =
  | { valid: true; claims: OfflinePassClaims; kid: string; step: number }
  | { valid: false; reason: PresentationRejection; detail: string };

const reject = (reason: PresentationRejection, detail: string): PresentationResult => ({ valid: false, reason, detail });

/** The time step an instant (epoch ms) falls in. */
export const timeStep = (now: number): number => Math.floor(now / 1000 / PRESENTATION_STEP_SECONDS);

/** The CWT payload of a pass, map keys in RFC 8949 §4.2 order (integers, then text). */
export function passPayload(claims: OfflinePassClaims): Uint8Array {
  const healthCode = new Map<string, unknown>([
    ['c', claims.colour],
    ['d', claims.decidedAt],
    ['n', claims.maskedName],
  ]);
  if (claims.mark) healthCode.set('m', claims.mark);
  const coseKey = new Map<number, unknown>([
    [COSE_KEY.kty, COSE_KEY.okp],
    [COSE_KEY.crv, COSE_KEY.ed25519],
    [COSE_KEY.x, base64UrlToBytes(claims.deviceKey)],
  ]);
  return encodeCbor(
    new Map<number | string, unknown>([
      [CWT_ISS, claims.issuer],
      [CWT_SUB, claims.subject],
      [CWT_EXP, claims.expiresAt],
      [CWT_IAT, claims.issuedAt],
      [CWT_CNF, new Map([[CNF_COSE_KEY, coseKey]])],
      [CLAIM_HEALTH_CODE, healthCode],
    ]),
  );
}

/** The bytes the phone signs: the context, the whole pass as issued, and the time step. */
export function presentationSigningBytes(pass: Uint8Array, step: number): Uint8Array {
  return encodeCbor([PRESENTATION_CONTEXT, pass, step]);
}

/** A presentation's QR text: the pass, the step and the phone's signature over both, as a CBOR array in base45. */
export function presentationText(pass: Uint8Array, step: number, signature: Uint8Array): string {
  return PRESENTATION_PREFIX + encodeBase45(encodeCbor([pass, step, signature]));
}

function readClaims(value: unknown): OfflinePassClaims {
  if (!(value instanceof Map)) throw new Error('the payload is not a CWT claims map');
  const int = (v: unknown, name: string) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new Error(`claim ${name} must be a non-negative integer`);
    return v;
  };
  const text = (v: unknown, name: string) => {
    if (typeof v !== 'string' || v.length === 0 || v.length > 200) throw new Error(`claim ${name} must be text`);
    return v;
  };
  const { hc, colour, mark } = healthCodeClaim(value);
  const cnf = value.get(CWT_CNF);
  const coseKey = cnf instanceof Map ? cnf.get(CNF_COSE_KEY) : undefined;
  if (!(coseKey instanceof Map) || coseKey.get(COSE_KEY.kty) !== COSE_KEY.okp || coseKey.get(COSE_KEY.crv) !== COSE_KEY.ed25519) throw new Error('claim cnf must hold an Ed25519 COSE_Key');
  const x = coseKey.get(COSE_KEY.x);
  if (!(x instanceof Uint8Array) || x.length !== 32) throw new Error('claim cnf must hold a 32-byte public key');
  // The issuer refuses these; a pass bound to one anyway (another member's lax server) proves no phone.
  const weak = weakEd25519Key(x);
  if (weak) throw new Error(`claim cnf's public key ${weak}`);
  return {
    issuer: text(value.get(CWT_ISS), 'iss'),
    subject: text(value.get(CWT_SUB), 'sub'),
    issuedAt: int(value.get(CWT_IAT), 'iat'),
    expiresAt: int(value.get(CWT_EXP), 'exp'),
    decidedAt: int(hc.get('d'), 'decided at'),
    colour: colour as Colour,
    mark: mark as Mark | null,
    maskedName: text(hc.get('n'), 'masked name'),
    deviceKey: bytesToBase64Url(x),
  };
}

/** Splits a presentation's text into pass, step and signature; throws naming what is malformed. */
function openPresentation(text: string): { pass: Uint8Array; step: number; signature: Uint8Array } {
  const value = decodeDeterministicCbor(decodeBase45(text.trim().slice(PRESENTATION_PREFIX.length)));
  if (!Array.isArray(value) || value.length !== 3) throw new Error('a presentation is an array of three items');
  const [pass, step, signature] = value as unknown[];
  if (!(pass instanceof Uint8Array)) throw new Error('the pass must be a byte string');
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) throw new Error('the time step must be a non-negative integer');
  if (!(signature instanceof Uint8Array) || signature.length !== 64) throw new Error("the phone's signature must be 64 bytes");
  return { pass, step, signature };
}

/**
 * Verifies a presentation at `now` (epoch ms) against a trust list: the operator's signature over
 * the pass, the pass's claims and lifetime, the phone's signature over pass and step with the key
 * the pass binds, and the step within PRESENTATION_STEP_SKEW of `now`'s.
 */
export async function verifyPresentation(text: string, trustList: TrustList, verify: Ed25519Verify, now: number): Promise<PresentationResult> {
  const trimmed = text.trim();
  if (!trimmed.startsWith(PRESENTATION_PREFIX)) return reject('wrong-prefix', `an offline code starts with ${PRESENTATION_PREFIX}`);
  let opened;
  try {
    opened = openPresentation(trimmed);
  } catch (error) {
    return reject(error instanceof Base45Error ? 'malformed-base45' : 'malformed-cbor', error instanceof Error ? error.message : 'unreadable');
  }
  let parts;
  let header: Map<unknown, unknown>;
  try {
    parts = decodeSign1(opened.pass, true);
    header = decodeProtectedHeader(parts.protectedBytes);
  } catch (error) {
    return reject('malformed-cbor', error instanceof Error ? error.message : 'not CBOR');
  }
  if (header.get(COSE_HEADER_TYP) !== OFFLINE_PASS_TYPE) return reject('malformed-cbor', `the pass is not of type ${OFFLINE_PASS_TYPE}`);
  if (header.get(COSE_HEADER_ALG) !== COSE_ALG_EDDSA) return reject('wrong-algorithm', `algorithm ${String(header.get(COSE_HEADER_ALG))} is not EdDSA (-8)`);
  const kidBytes = header.get(COSE_HEADER_KID);
  if (!(kidBytes instanceof Uint8Array)) return reject('unknown-key', 'the protected header names no key id');
  const kid = bytesToBase64Url(kidBytes);
  const trusted = trustList.keys.find((k) => k.kid === kid);
  if (!trusted) return reject('unknown-key', `key ${kid} is not in the trust list`);
  if (!(await verify(base64UrlToBytes(trusted.x), signatureInput(parts.protectedBytes, parts.payload), parts.signature))) return reject('bad-signature', 'the signature does not match the pass');
  let claims: OfflinePassClaims;
  try {
    claims = readClaims(decodeCbor(parts.payload));
  } catch (error) {
    return reject('malformed-claims', error instanceof Error ? error.message : 'unreadable claims');
  }
  if (claims.issuer !== trusted.issuer) return reject('unknown-key', `key ${kid} does not belong to issuer ${claims.issuer}`);
  if (claims.issuedAt < trusted.validFrom - CLOCK_SKEW_SECONDS || (trusted.validUntil !== null && claims.issuedAt > trusted.validUntil)) return reject('unknown-key', `key ${kid} was not in use when the pass was issued`);
  if (claims.expiresAt - claims.issuedAt > MAX_OFFLINE_PASS_SECONDS) return reject('malformed-claims', `the pass would live longer than ${MAX_OFFLINE_PASS_SECONDS} s`);
  if (claims.decidedAt > claims.issuedAt + CLOCK_SKEW_SECONDS) return reject('malformed-claims', 'the colour was decided after the pass was issued');
  const seconds = now / 1000;
  if (seconds + CLOCK_SKEW_SECONDS < claims.issuedAt) return reject('not-yet-valid', `issued ${new Date(claims.issuedAt * 1000).toISOString()}, in the future (allowing ${CLOCK_SKEW_SECONDS} s of clock skew)`);
  if (seconds - CLOCK_SKEW_SECONDS >= claims.expiresAt) return reject('expired', `the pass expired at ${new Date(claims.expiresAt * 1000).toISOString()} (allowing ${CLOCK_SKEW_SECONDS} s of clock skew)`);
  if (!(await verify(base64UrlToBytes(claims.deviceKey), presentationSigningBytes(opened.pass, opened.step), opened.signature))) {
    return reject('device-signature', 'the presentation is not signed by the phone the pass was issued to');
  }
  const current = timeStep(now);
  if (Math.abs(opened.step - current) > PRESENTATION_STEP_SKEW) {
    return reject('stale-presentation', `shown for time step ${opened.step}, ${Math.abs(opened.step - current) * PRESENTATION_STEP_SECONDS} s from this checkpoint's (at most ${PRESENTATION_STEP_SKEW} step of ${PRESENTATION_STEP_SECONDS} s either side)`);
  }
  return { valid: true, claims, kid, step: opened.step };
}
