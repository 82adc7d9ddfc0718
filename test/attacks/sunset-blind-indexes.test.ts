import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { checkIdentity } from '../../src/domain/identity/identity-document.js';
import { checkMobileNumber } from '../../src/domain/phone.js';
import { FieldCipher } from '../../src/privacy/field-cipher.js';
import { RegionKeys } from '../../src/privacy/region-keys.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { GRANDMA_ZHANG, LIU_FANG, withCheck, ZHANG_WEI } from '../support/people.js';
import { lastCodeSentTo, registerThroughApi, signedUpThroughApi } from '../support/sign-in.js';
import { auditedCounts } from '../support/sunset-audit.js';

/** Zhang's neighbour in Yuhang, and a stranger of Yuhang who claims her document as his. */
const WANG_FANG = { ...ZHANG_WEI, name: '王芳', idNumber: withCheck('33011019920505006'), phone: '13800001111' };
const CLAIMANT = { ...WANG_FANG, name: '王芳', phone: '13800003333', address: { region: '330110', detail: '良渚街道古墩路 1888 号' } };
const YUHANG = [ZHANG_WEI, WANG_FANG, GRANDMA_ZHANG, CLAIMANT];

/** Every kind of blind index the code makes of a phone or document, and those a guess might try. */
const KINDS = ['resident.identity', 'resident.phone', 'resident.identity.revoked', 'outbox.recipient', 'sign-in.phone', 'insert lock'];

const e164 = (phone: string) => {
  const checked = checkMobileNumber(phone);
  assert.ok(checked.ok);
  return checked.value;
};
const identityKey = (p: { idType: string; idNumber: string }) => {
  const checked = checkIdentity(p, new Date());
  assert.ok(checked.ok);
  return checked.value.key;
};

/** Every row of every table, as text: what `.backup` or `pg_dump` would hold. */
async function dump(h: Harness): Promise<string> {
  const db = h.opened.store.db;
  const tables =
    h.engine === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db)).rows.map((r) => r.name);
  const parts: string[] = [];
  for (const table of tables) parts.push(JSON.stringify((await sql`select * from ${sql.table(table)}`.execute(db)).rows));
  return parts.join('\n');
}

describeOnEachEngine("a district's blind indexes at its sunset", (h) => {
  /** Yuhang's residents with everything a phone or document is indexed by; Liu in Xihu beside them. */
  async function yuhangWithHistory() {
    const app = await h().app();
    const zhang = await signedUpThroughApi(h(), ZHANG_WEI, app);
    await signedUpThroughApi(h(), WANG_FANG, app);
    await signedUpThroughApi(h(), LIU_FANG, app);
    // A household member, a remembered sign-in, and a claim to Wang's document by a stranger of Yuhang.
    const added = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/dependents`, headers: zhang.auth, payload: GRANDMA_ZHANG });
    assert.equal(added.statusCode, 201, added.body);
    h().clock.advance(2 * 60_000);
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const claimed = await registerThroughApi(h(), CLAIMANT, app);
    assert.equal(claimed.statusCode, 409, claimed.body);
    // Authority records matched by document and by phone.
    const authority = await h().services.staff.create('余杭区疾控中心 数据组', 'authority');
    const rows = (async function* () {
      yield { line: 2, record: { idType: 'resident_id', idNumber: ZHANG_WEI.idNumber, result: 'negative', date: '2026-11-19T08:00:00+08:00' } };
      yield { line: 3, record: { phone: WANG_FANG.phone, result: 'negative', date: '2026-11-19T09:00:00+08:00' } };
    })();
    const report = await h().services.authority.import('tests', rows);
    assert.equal(report.accepted, 2, JSON.stringify(report));
    const asks = await h().services.staff.create('余杭区卫健局 王局长', 'authority');
    return { authority, asks };
  }

  it('leaves nothing in a copy taken before, with the master key and the keys left, that confirms a guessed ID number or phone of the district', async () => {
    const { authority, asks } = await yuhangWithHistory();
    const before = await dump(h());
    const asked = await h().services.sunset.request(asks as never, '330110');
    await h().services.sunset.approve(authority as never, asked.id);
    const sentToYuhang = (await h().opened.store.db.selectFrom('outbox').select('id').where('recipient_enc', 'like', 'v2.330110.%').execute()).length;
    const report = await h().services.sunset.run(asked.id);
    const after = await dump(h());
    assert.equal(sentToYuhang, 4, "Zhang's and Wang's registration codes, Zhang's sign-in code, the claimant's code");
    assert.equal((await auditedCounts(h().services, report.id)).deleted.outbox, sentToYuhang, "the messages to Yuhang's phones are deleted with the rest");

    // The attacker: the master key, and the keys directory as the sunset left it.
    const attacker = new FieldCipher(h().dataKey, RegionKeys.underMasterKey(h().ctx.regionKeys.backend, h().dataKey));
    assert.deepEqual(h().ctx.regionKeys.backend.regions(), ['330106'], "Xihu's key is all that is left");
    const values = YUHANG.flatMap((p) => [identityKey(p), p.idNumber, ...('phone' in p && p.phone ? [e164(p.phone)] : [])]);
    for (const value of values) {
      const guesses = KINDS.flatMap((kind) => [attacker.blindIndex(kind, value), attacker.unplacedIndex(kind, value), attacker.secretDigest(kind, value), ...attacker.regionIndexes(kind, value).values()]);
      for (const guess of guesses) {
        const bare = guess.replace(/^[iu]2\./, '');
        assert.ok(!before.includes(bare), `the copy from before the sunset confirms ${value}`);
        assert.ok(!after.includes(bare), `the database after the sunset confirms ${value}`);
      }
    }
    // Nor does anything the master key opens: the messages sent to the district's phones.
    const outbox = await h().opened.store.db.selectFrom('outbox').selectAll().execute();
    for (const row of outbox) assert.ok(!attacker.decrypt(row.recipient_enc, `outbox:${row.id}:recipient`).startsWith('+86138000011'), 'no message to Wang is left');
    for (const phone of YUHANG.flatMap((p) => ('phone' in p && p.phone ? [p.phone] : []))) assert.ok(!before.includes(phone) && !before.includes(e164(phone)), `${phone} in clear`);
    for (const p of YUHANG) assert.ok(!before.includes(p.idNumber), `${p.idNumber} in clear`);
  });

  it('still finds the residents of another district by phone at sign-in and by ID number at import, after the sunset', async () => {
    const { authority, asks } = await yuhangWithHistory();
    const asked = await h().services.sunset.request(asks as never, '330110');
    await h().services.sunset.approve(authority as never, asked.id);
    await h().services.sunset.run(asked.id);

    const app = await h().app();
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload: { phone: LIU_FANG.phone } })).statusCode, 202);
    const code = await lastCodeSentTo(h(), e164(LIU_FANG.phone!));
    assert.match((await h().ctx.stores.outbox.list(1, e164(LIU_FANG.phone!)))[0]!.body, /登录|sign/i, 'a sign-in code, not a registration code');
    const signedIn = await app.inject({ method: 'POST', url: '/api/v1/sign-in/session', payload: { phone: LIU_FANG.phone, code } });
    assert.equal(signedIn.statusCode, 201, signedIn.body);
    const rows = (async function* () {
      yield { line: 2, record: { idType: 'resident_id', idNumber: LIU_FANG.idNumber, result: 'positive', date: '2026-11-19T08:00:00+08:00' } };
      yield { line: 3, record: { idType: 'resident_id', idNumber: ZHANG_WEI.idNumber, result: 'positive', date: '2026-11-19T08:00:00+08:00' } };
    })();
    const report = await h().services.authority.import('tests', rows);
    assert.equal(report.accepted, 1, JSON.stringify(report));
    assert.deepEqual(report.unmatched, [{ line: 3 }], 'Zhang is gone');
  });
});
