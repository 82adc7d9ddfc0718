import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { combineTrustLists, verifyNationalTrustList, type NationalTrustList } from '../src/codes/national-trust-list.js';
import { DOCUMENT_TYPES } from '../src/codes/signed-document.js';
import { generateSigningKey, nodeVerify, signDocument, signToken } from '../src/codes/token-signer.js';
import { TokenVerifier, webCryptoVerify } from '../src/codes/token-verifier.js';
import { bytesToBase64Url, type MemberTrustList } from '../src/codes/trust-list.js';
import { provinceCodes } from '../src/domain/regions.js';
import { benchServices } from './bench-support.js';

const MEMBERS = 30;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, places = 1) => Math.round(x * 10 ** places) / 10 ** places;

/** Microseconds per call of `op`, the median of a few rounds after a warm-up. */
async function microseconds(op: () => unknown, calls = 2000): Promise<number> {
  for (let i = 0; i < 200; i++) await op();
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) await op();
    rounds.push(((performance.now() - start) * 1000) / calls);
  }
  return round(median(rounds), 2);
}

/** A member operator's signed trust list with two code keys (one retired), as the hub fetches it. */
function memberList(id: string, region: string) {
  const operator = generateSigningKey(id);
  const keys = [generateSigningKey(`CN-${region}`), generateSigningKey(`CN-${region}`)];
  const now = Math.floor(Date.now() / 1000);
  const list: MemberTrustList = {
    version: 1,
    generatedAt: now,
    expiresAt: now + 7 * 86_400,
    operator: { id, name: id, regions: [region] },
    keys: keys.map((k, i) => ({ kid: k.kid, issuer: `CN-${region}`, alg: 'EdDSA', crv: 'Ed25519', x: bytesToBase64Url(k.publicKey), validFrom: now - 86_400, validUntil: i === 0 ? null : now })),
    revoked: [],
  };
  return { operator, keys, document: Buffer.from(signDocument(operator, DOCUMENT_TYPES.memberTrustList, list)) };
}

/**
 * Federation: how long a scanner takes to verify a visitor's code offline against a national list of
 * 30 members (beside a bare Ed25519 verify), and how long the hub takes to fetch, verify and publish
 * 30 members' lists (beside bare HTTP fetches of the same 30 documents).
 */
export async function federationBench(): Promise<Record<string, number>> {
  const regions = provinceCodes().slice(0, MEMBERS);
  const members = regions.map((region, i) => ({ id: `member-${i}`, region, ...memberList(`member-${i}`, region) }));
  const servers: Server[] = [];
  const urls: string[] = [];
  for (const m of members) {
    const server = createServer((req, res) => {
      if (req.url?.endsWith('/api/v1/federation/trust-list')) res.writeHead(200, { 'content-type': 'application/cose' }).end(m.document);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    urls.push(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
  }
  const hub = await benchServices('sqlite');
  try {
    // Members on loopback speak plain HTTP, which production refuses.
    hub.ctx.settings.mode = 'development';
    hub.ctx.settings.federation = { hub: true, refreshSeconds: 300 };
    hub.ctx.settings.operator = { id: 'hub', name: 'hub', regions: ['110000'] };
    for (const [i, m] of members.entries()) {
      await hub.services.hub.addMember({ id: m.id, name: m.id, regions: [m.region], url: urls[i]!, contact: 'bench', operatorKey: bytesToBase64Url(m.operator.publicKey) });
    }
    const refreshes: number[] = [];
    for (let r = 0; r < 7; r++) {
      const start = performance.now();
      await hub.services.hub.refreshAll();
      refreshes.push(performance.now() - start);
    }
    const bareFetches: number[] = [];
    for (let r = 0; r < 7; r++) {
      const start = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < urls.length) await (await fetch(`${urls[next++]}/api/v1/federation/trust-list`)).arrayBuffer();
        }),
      );
      bareFetches.push(performance.now() - start);
    }
    const status = await hub.services.hub.members();
    if (status.filter((m) => m.status === 'fresh' && m.keys === 2).length !== MEMBERS) throw new Error('the bench hub did not verify every member');

    // The scanner: the national list once per refresh, then each visitor's code.
    const national = await hub.services.hub.nationalList();
    const hubKey = (await hub.services.keys.hubKey()).publicKey;
    const readList = () => verifyNationalTrustList(national.document, hubKey, webCryptoVerify());
    let list: NationalTrustList = await readList();
    const listMicros = await microseconds(async () => {
      list = await readList();
    }, 200);
    const own = await hub.services.keys.trustList();
    const { trustList } = combineTrustLists(own, list, Date.now());
    const visitor = members[17]!;
    const now = Math.floor(Date.now() / 1000);
    const code = signToken(visitor.keys[0]!, { subject: 'q7Yv3xk2TmC9bR4sLw0pZgq7Yv3xk2TmC9bR4sLw0pZg', issuedAt: now, notBefore: now, expiresAt: now + 300, colour: 'green', mark: null, maskedName: '陈*' });
    const browserLike = new TokenVerifier(trustList, webCryptoVerify());
    const nodeSide = new TokenVerifier(trustList, nodeVerify());
    if (!(await browserLike.verify(code, now * 1000)).valid) throw new Error('the visitor code did not verify');
    const webCryptoMicros = await microseconds(() => browserLike.verify(code, now * 1000));
    const nodeMicros = await microseconds(() => nodeSide.verify(code, now * 1000));
    const bare = generateKeyPairSync('ed25519');
    const message = Buffer.alloc(160, 7);
    const bareSignature = sign(null, message, bare.privateKey);
    const barePublic = bare.publicKey;
    const bareMicros = await microseconds(() => verify(null, message, barePublic, bareSignature));
    return {
      'federation.hub_refresh_30_members_ms': round(median(refreshes)),
      'federation.bare_fetch_30_documents_ms': round(median(bareFetches)),
      'federation.hub_refresh_ratio_to_bare_fetch': round(median(refreshes) / median(bareFetches), 2),
      'federation.scanner_national_list_read_30_members_us': listMicros,
      'federation.scanner_visitor_verify_webcrypto_us': webCryptoMicros,
      'federation.scanner_visitor_verify_node_us': nodeMicros,
      'federation.bare_ed25519_verify_us': bareMicros,
      'federation.scanner_visitor_verify_node_ratio_to_bare': round(nodeMicros / bareMicros, 2),
      'federation.national_list_keys': trustList.keys.length,
      'federation.national_list_bytes': national.document.length,
    };
  } finally {
    await hub.dispose();
    for (const server of servers) server.close();
  }
}
