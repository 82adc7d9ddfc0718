import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { generateSigningKey, nodeVerify, signToken } from '../src/codes/token-signer.js';
import { TokenVerifier } from '../src/codes/token-verifier.js';
import { bytesToBase64Url } from '../src/codes/trust-list.js';

/** Operations per second of `op`, run for about `ms` milliseconds after a warm-up. */
async function rate(op: () => unknown, ms = 1500): Promise<number> {
  for (let i = 0; i < 500; i++) await op();
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 100; i++) await op();
    count += 100;
  }
  return Math.round(count / ((performance.now() - start) / 1000));
}

/** Token signing and verification, each beside bare node:crypto Ed25519 over a message of the same size. */
export async function tokenBench(): Promise<Record<string, number>> {
  const key = generateSigningKey('CN-330110');
  const now = Math.floor(Date.now() / 1000);
  const claims = { subject: 'q7Yv3xk2TmC9bR4sLw0pZgq7Yv3xk2TmC9bR4sLw0pZgq7Yv3xk2Tm', issuedAt: now, notBefore: now, expiresAt: now + 300, colour: 'green' as const, mark: null, maskedName: '张*明' };
  const token = signToken(key, claims);
  const verifier = new TokenVerifier(
    { version: 1, generatedAt: now, keys: [{ kid: key.kid, issuer: 'CN-330110', alg: 'EdDSA', crv: 'Ed25519', x: bytesToBase64Url(key.publicKey), validFrom: now - 60, validUntil: null }] },
    nodeVerify(),
  );
  const bare = generateKeyPairSync('ed25519');
  const message = Buffer.alloc(160, 7);
  const signature = sign(null, message, bare.privateKey);

  const tokenSign = await rate(() => signToken(key, claims));
  const bareSign = await rate(() => sign(null, message, bare.privateKey));
  const tokenVerify = await rate(() => verifier.verify(token, now * 1000));
  const bareVerify = await rate(() => verify(null, message, bare.publicKey, signature));
  return {
    'tokens.sign_per_second': tokenSign,
    'tokens.bare_ed25519_sign_per_second': bareSign,
    'tokens.sign_ratio_to_bare': Math.round((tokenSign / bareSign) * 100) / 100,
    'tokens.verify_per_second': tokenVerify,
    'tokens.bare_ed25519_verify_per_second': bareVerify,
    'tokens.verify_ratio_to_bare': Math.round((tokenVerify / bareVerify) * 100) / 100,
    'tokens.length_chars': token.length,
  };
}
