/**
 * The health-code token: a COSE_Sign1 (RFC 9052) signed with Ed25519, whose payload is a CWT claims
 * set (RFC 8392), CBOR-encoded and written as base45 behind a prefix. Nothing in it names the holder
 * beyond the masked name a checkpoint needs to match face and code.
 */

/** 健康码 (jiànkāngmǎ), version 1. Distinct from the EU certificate's HC1: so neither is mistaken for the other. */
export const TOKEN_PREFIX = 'JKM1:';

export const COSE_SIGN1_TAG = 18;
export const COSE_HEADER_ALG = 1;
export const COSE_HEADER_KID = 4;
/** EdDSA in the COSE algorithms registry. */
export const COSE_ALG_EDDSA = -8;

export const CWT_ISS = 1;
export const CWT_SUB = 2;
export const CWT_EXP = 4;
export const CWT_NBF = 5;
export const CWT_IAT = 6;
/** RFC 8747 confirmation claim: a token holding one is bound to a key its holder must prove (an offline pass), never a code. */
export const CWT_CNF = 8;
/** Private claim holding the health-code fields; a text key keeps it out of the registered integer space. */
export const CLAIM_HEALTH_CODE = 'hc';

import type { Colour, Mark } from '../domain/colour.js';

export { COLOURS, MARKS, type Colour, type Mark } from '../domain/colour.js';

/** What a verified token says. Times are epoch seconds, as in CWT. */
export interface HealthCodeClaims {
  issuer: string;
  subject: string;
  issuedAt: number;
  notBefore: number;
  expiresAt: number;
  colour: Colour;
  mark: Mark | null;
  maskedName: string;
}

/** Issuer names are regions: CN-330110. */
export const issuerFor = (region: string) => `CN-${region}`;
