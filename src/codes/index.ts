/**
 * What the browser apps take from src/codes: verifying a code, a travel card and the trust lists
 * offline, with the browser's own Web Crypto. The one door web/ uses into this folder, so what the
 * browser depends on is visible in one place (test/architecture.test.ts holds it).
 */
export { REJECTION_REASONS, TokenVerifier, webCryptoVerify, type Ed25519Verify } from './token-verifier.js';
export { PRESENTATION_PREFIX, PRESENTATION_REJECTIONS, PRESENTATION_STEP_SECONDS, presentationSigningBytes, presentationText, timeStep, verifyPresentation, type OfflinePassClaims } from './offline-pass.js';
export { TRAVEL_CARD_PREFIX, verifyTravelCard, type TravelCardClaims } from './travel-card.js';
export { combineTrustLists, nationalListLive, verifyNationalTrustList, verifyOwnTrustList, type KeyOrigin, type NationalTrustList } from './national-trust-list.js';
export { codeSignature } from './code-signature.js';
export { base64UrlToBytes, bytesToBase64Url, type TrustList } from './trust-list.js';
