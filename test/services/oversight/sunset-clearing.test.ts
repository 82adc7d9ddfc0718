import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { it } from 'node:test';
import pg from 'pg';
import { sql } from 'kysely';
import { TEST_POSTGRES_URL } from '../../support/engines.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { GRANDMA_ZHANG, LIU_FANG, withCheck, ZHANG_WEI } from '../../support/people.js';
import { lastCodeSentTo, registerVerified, signInCodesOf } from '../../support/sign-in.js';
import { auditedCounts } from '../../support/sunset-audit.js';

const healthy = { stays: [], contacts: [], symptoms: [], temperature: 36.5 };
const ZHANG_E164 = '+8613912345678';
const LIU_E164 = '+8615067891234';
/** Clear text a resident or an authority wrote, planted to be looked for in the database's files. */
const DEVICE_LABEL = '张伟的华为Mate60-MARKER-7f3a';
const NOTE = '您于11月19日在余杭区疾控中心接受流调-NOTE-MARKER-91c2';

/** Tables a sunset deletes from, with how to count the region's rows in each before it runs. */
const BY_RESIDENT = ['scans', 'decisions', 'resident_status', 'sessions', 'devices', 'check_ins', 'declaration_stays', 'declarations', 'travel_records', 'authority_facts', 'appeals', 'corrections', 'redecision_queue', 'grants', 'identity_reclaims'] as const;

describeOnEachEngine("what a region's sunset clears", (h) => {
  /**
   * Zhang in Yuhang (330110) with a remembered device, a declaration, an appeal, an approved correction
   * and a trace naming him as a contact; Liu in Xihu (330106), who stays. Both asked for sign-in codes.
   */
  async function residents(harness: Harness) {
    const zhang = await registerVerified(harness, ZHANG_WEI);
    const liu = await registerVerified(harness, LIU_FANG);
    for (const id of [zhang, liu]) await harness.services.declarations.declare(id, healthy);
    harness.clock.advance(61_000);
    await harness.services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const session = await harness.services.signIn.verifySignInCode(ZHANG_WEI.phone!, await lastCodeSentTo(harness, ZHANG_E164));
    await harness.services.rememberedDevices.remember(await harness.services.signIn.authenticate(session.token), DEVICE_LABEL);
    await harness.services.appeals.file(zhang, '我一直居家，没有去过中高风险地区，请复核。');
    const authority = (name: string) => harness.services.staff.create(name, 'authority');
    const [wang, li] = [await authority('余杭区卫健局 王局长'), await authority('余杭区疾控中心 李主任')];
    const proposed = await harness.services.corrections.propose(wang, zhang, { colour: 'red', reason: 'isolation-order', note: NOTE, expiresAt: new Date(harness.clock.now().getTime() + 7 * 86_400_000).toISOString() });
    await harness.services.corrections.approve(li, proposed.id);
    await harness.services.healthCodes.issue(zhang);
    // A confirmed case in Xihu whose trace found Zhang: his masked name and where they met, in the result.
    const result = { contacts: [{ residentId: zhang, maskedName: '*伟', level: 'close', firstContactAt: '2026-11-19T02:00:00.000Z', evidence: [{ kind: 'same-venue', venue: '余杭区 五常街道 菜市场', minutesApart: 12 }] }], caseVisits: [] };
    await harness.ctx.stores.traces.insert({ id: 'trace-of-liu', case_resident_id: liu, window_from: 0, window_to: 1, opened_by: wang.id, grant_id: 'grant-1', purpose: '流调', status: 'confirmed', result: JSON.stringify(result), created_at: 0, confirmed_at: 1 });
    await harness.ctx.stores.traces.insert({ id: 'trace-elsewhere', case_resident_id: liu, window_from: 0, window_to: 1, opened_by: wang.id, grant_id: 'grant-2', purpose: '流调', status: 'open', result: JSON.stringify({ contacts: [], caseVisits: [] }), created_at: 0, confirmed_at: null });
    return { zhang, liu, wang, li };
  }

  async function sunsetOfYuhang(harness: Harness, asks: { id: string }, approves: { id: string }) {
    const asked = await harness.services.sunset.request(asks as never, '330110');
    await harness.services.sunset.approve(approves as never, asked.id);
    return harness.services.sunset.run(asked.id);
  }

  it("leaves no SMS to the region's phones in the outbox, and no sign-in code asked for them", async () => {
    const { wang, li } = await residents(h());
    assert.ok((await h().ctx.stores.outbox.list(100, ZHANG_E164)).length > 0, 'the outbox held his codes');
    await sunsetOfYuhang(h(), wang, li);
    // What `healthcode outbox --phone` reads.
    assert.deepEqual(await h().ctx.stores.outbox.list(100, ZHANG_E164), [], 'no message to his phone is left');
    assert.ok((await h().ctx.stores.outbox.list(100, LIU_E164)).length > 0, "Xihu's messages stay");
    const codes = (e164: string) => signInCodesOf(h(), e164);
    assert.deepEqual(await codes(ZHANG_E164), [], 'no sign-in code keeps his phone index');
    assert.ok((await codes(LIU_E164)).length > 0);
  });

  it("deletes the traces naming a resident of the region, and keeps a correction's note out of decisions", async () => {
    const { zhang, wang, li } = await residents(h());
    const db = h().opened.store.db;
    // Before: the resident reads the note; no decision stores it in clear.
    const code = await (await h().app()).inject({ method: 'GET', url: `/api/v1/residents/${zhang}/code`, headers: { authorization: `Bearer ${(await h().services.signIn.sessionFor(zhang, h().clock.now().getTime())).token}` } });
    assert.equal(code.statusCode, 200, code.body);
    assert.equal(code.json().rules[0].evidence[0].detail.note, NOTE, 'the resident still reads the note');
    const stored = [...(await db.selectFrom('decisions').select('fired').execute()).map((r) => r.fired), ...(await db.selectFrom('resident_status').select('decision').execute()).map((r) => r.decision ?? '')];
    assert.ok(stored.length > 0);
    for (const text of stored) assert.ok(!text.includes('NOTE-MARKER'), 'the note is not copied into a decision');

    const report = await sunsetOfYuhang(h(), wang, li);
    assert.deepEqual((await db.selectFrom('traces').select('id').execute()).map((r) => r.id), ['trace-elsewhere']);
    assert.equal((await auditedCounts(h().services, report.id)).deleted.traces, 1);
  });

  it('unlinks household members across the border: a guardian elsewhere keeps a working household without them', async () => {
    const { zhang, liu, wang, li } = await residents(h());
    // Liu in Xihu looks after Zhang's grandmother in Yuhang; Zhang in Yuhang looks after a cousin in Xihu.
    await h().services.residents.addDependent(liu, GRANDMA_ZHANG);
    const cousin = await h().services.residents.addDependent(zhang, { ...GRANDMA_ZHANG, name: '张小明', idNumber: withCheck('33010620150307001'), address: LIU_FANG.address, relationship: 'other' });
    const report = await sunsetOfYuhang(h(), wang, li);
    const app = await h().app();
    const auth = { authorization: `Bearer ${(await h().services.signIn.sessionFor(liu, h().clock.now().getTime())).token}` };
    const household = await app.inject({ method: 'GET', url: `/api/v1/residents/${liu}/dependents`, headers: auth });
    assert.equal(household.statusCode, 200, household.body);
    assert.deepEqual(household.json(), [], 'the grandmother, whose data is destroyed, is no longer listed');
    assert.deepEqual(await h().ctx.stores.households.guardiansOf(cousin.id), [], "the cousin's link to a shredded guardian is gone");
    assert.equal((await auditedCounts(h().services, report.id)).deleted.guardianships, 2);
  });

  it("counts in its run's audit entry every row it deleted, table by table, as they were before it ran", async () => {
    const { wang, li } = await residents(h());
    const db = h().opened.store.db;
    const yuhang = (await db.selectFrom('residents').select('id').where('address_region', 'like', '330110%').execute()).map((r) => r.id);
    const before: Record<string, number> = {};
    for (const table of BY_RESIDENT) before[table] = (await db.selectFrom(table).select('resident_id').where('resident_id', 'in', yuhang).execute()).length;
    before.outbox = (await h().ctx.stores.outbox.list(1000, ZHANG_E164)).length;
    before.sign_in_codes = (await signInCodesOf(h(), ZHANG_E164)).length;
    before.traces = 1;
    before.guardianships = (await db.selectFrom('guardianships').select('guardian_id').where((eb) => eb.or([eb('guardian_id', 'in', yuhang), eb('dependent_id', 'in', yuhang)])).execute()).length;
    const totalBefore = async () => {
      const n: Record<string, number> = {};
      for (const table of [...BY_RESIDENT, 'outbox', 'sign_in_codes', 'traces', 'guardianships'] as const) n[table] = Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      return n;
    };
    const all = await totalBefore();
    const report = await sunsetOfYuhang(h(), wang, li);
    const after = await totalBefore();
    const audited = await auditedCounts(h().services, report.id);
    for (const table of Object.keys(all)) {
      assert.equal(audited.deleted[table], before[table], `${table}: the audit entry says what was there`);
      assert.equal(all[table]! - after[table]!, before[table], `${table}: and that is what went`);
    }
    assert.ok(before.devices! > 0 && before.corrections! > 0 && before.appeals! > 0 && before.outbox > 0 && before.sign_in_codes > 0);
    assert.equal(audited.residents, 1);
  });

  it("leaves nothing of the region readable in the live database's files: deleted rows are not kept in free pages, the WAL or dead tuples", async () => {
    const { wang, li } = await residents(h());
    const location = h().opened.location;
    if (location.kind === 'sqlite') {
      const bytes = () => Buffer.concat([readFileSync(location.path), existsSync(`${location.path}-wal`) ? readFileSync(`${location.path}-wal`) : Buffer.alloc(0)]);
      assert.ok(bytes().includes(Buffer.from(DEVICE_LABEL)), 'the label was written to the files');
      const report = await sunsetOfYuhang(h(), wang, li);
      assert.equal(bytes().includes(Buffer.from(DEVICE_LABEL)), false, 'the device label is gone from the file and its WAL');
      assert.equal(bytes().includes(Buffer.from('NOTE-MARKER')), false, 'so is the correction note');
      assert.equal(report.files.engine, 'sqlite');
      return;
    }
    // PostgreSQL: the table's file on disk, read as the machine's root may (flushed by a checkpoint).
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    try {
      const dataDir = (await admin.query<{ data_directory: string }>('show data_directory')).rows[0]!.data_directory;
      const fileOf = async (table: string) => {
        await admin.query('checkpoint');
        const path = (await sql<{ p: string }>`select pg_relation_filepath(${sql.lit(`${location.schema}.${table}`)}::regclass) as p`.execute(h().opened.store.db)).rows[0]!.p;
        return readFileSync(`${dataDir}/${path}`);
      };
      assert.ok((await fileOf('devices')).includes(Buffer.from(DEVICE_LABEL)), 'the label was written to the table file');
      const report = await sunsetOfYuhang(h(), wang, li);
      assert.equal((await fileOf('devices')).includes(Buffer.from(DEVICE_LABEL)), false, "the devices table's file no longer holds the label");
      assert.equal(report.files.engine, 'postgres');
      assert.match(report.files.mayRemain, /pg_wal/);
    } finally {
      await admin.end();
    }
  });
});
