import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { it } from 'node:test';
import pg from 'pg';
import { FieldCipher } from '../../src/privacy/field-cipher.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { CHAN_MEI_LING, GRANDMA_ZHANG, LIN_CHIH_HAO, LIU_FANG, OLIVER_BROWN, ZHANG_WEI } from '../support/people.js';

/** Everything the engine holds for this test, as raw text: file bytes for SQLite, every row of every table for PostgreSQL. */
async function rawContents(h: Harness): Promise<string> {
  const location = h.opened.location;
  if (location.kind === 'sqlite') {
    // Read the files themselves, write-ahead log included: that is what a stolen disk holds.
    return [location.path, `${location.path}-wal`]
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path).toString('latin1') + readFileSync(path).toString('utf8'))
      .join('\n');
  }
  const client = new pg.Client({ connectionString: location.url });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>('select table_name from information_schema.tables where table_schema = $1', [location.schema]);
    const dumps: string[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await client.query<{ row: string }>(`select t::text as row from "${location.schema}"."${table_name}" t`);
      dumps.push(...rows.rows.map((r) => r.row));
    }
    return dumps.join('\n');
  } finally {
    await client.end();
  }
}

describeOnEachEngine('personal data at rest', (h) => {
  it('holds no ID number, name, phone or address in clear after registration, sign-in and outbox messages', async () => {
    const { residents, signIn } = h().services;
    const zhang = await residents.register(ZHANG_WEI);
    await residents.register(LIU_FANG);
    await residents.register(OLIVER_BROWN);
    await residents.addDependent(zhang.id, GRANDMA_ZHANG);
    await signIn.requestSignInCode(ZHANG_WEI.phone!);

    const raw = await rawContents(h());
    // The dump does see stored rows: the region code is kept in clear on purpose.
    assert.ok(raw.includes('330110'));
    const secrets = [
      ...[ZHANG_WEI, LIU_FANG, OLIVER_BROWN, GRANDMA_ZHANG].flatMap((p) => [p.idNumber, p.name, p.address.detail]),
      ...[ZHANG_WEI, LIU_FANG, OLIVER_BROWN].flatMap((p) => [p.phone!, p.phone!.replace(/^\+/, ''), `+86${p.phone}`]),
      '张伟',
      '9123456',
    ];
    for (const secret of secrets) assert.ok(!raw.includes(secret), `found '${secret}' in clear`);
  });

  it('holds no travel permit number, name or phone in clear after residents of Hong Kong and Taiwan register', async () => {
    await h().services.residents.register(CHAN_MEI_LING);
    await h().services.residents.register(LIN_CHIH_HAO);
    const raw = await rawContents(h());
    assert.ok(raw.includes('330106'), 'the dump sees stored rows');
    const secrets = [CHAN_MEI_LING, LIN_CHIH_HAO].flatMap((p) => [p.idNumber, p.idNumber.replace(/^[HM]/, ''), p.name, p.address.detail, p.phone!, p.phone!.replace(/^\+/, '')]);
    for (const secret of secrets) assert.ok(!raw.includes(secret), `found '${secret}' in clear`);
  });

  it('keeps the address region in clear for statistics, and nothing finer', async () => {
    await h().services.residents.register(ZHANG_WEI);
    const row = await h().opened.store.db.selectFrom('residents').selectAll().executeTakeFirstOrThrow();
    assert.equal(row.address_region, '330110');
    // Sealed under Yuhang's own key: its sunset destroys it.
    assert.match(row.address_enc, /^v2\.330110\./);
  });

  it('cannot read the data with another key', async () => {
    const { id } = await h().services.residents.register(ZHANG_WEI);
    const { FieldCipher } = await import('../../src/privacy/field-cipher.js');
    const { ResidentsStore } = await import('../../src/store/residents/residents-store.js');
    const stranger = new ResidentsStore(h().opened.store.db, new FieldCipher(Buffer.alloc(32, 1)));
    await assert.rejects(stranger.findById(id));
  });

  it('refuses a ciphertext moved to another resident', async () => {
    const a = await h().services.residents.register(ZHANG_WEI);
    const b = await h().services.residents.register(LIU_FANG);
    const db = h().opened.store.db;
    const source = await db.selectFrom('residents').select('name_enc').where('id', '=', a.id).executeTakeFirstOrThrow();
    await db.updateTable('residents').set({ name_enc: source.name_enc }).where('id', '=', b.id).execute();
    await assert.rejects(h().services.residents.get(b.id));
  });
  it("seals an appeal's message and a correction's note under the resident's district key: the master key alone opens neither", async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    await h().services.declarations.declare(zhang.id, { stays: [], contacts: [], symptoms: [], temperature: 36.6 });
    await h().services.appeals.file(zhang.id, '我 11 月 17 日离开武昌，当时武汉尚未列为高风险地区，请核实。');
    const officer = await h().services.staff.create('余杭区疾控中心 王主任', 'authority');
    await h().services.corrections.propose(officer, zhang.id, { colour: 'yellow', reason: 'test-awaited', note: '请于 11 月 21 日前到五常街道社区卫生服务中心做核酸检测。', expiresAt: new Date(h().clock.now().getTime() + 86_400_000).toISOString() });
    const db = h().opened.store.db;
    const sealed = [(await db.selectFrom('appeals').select('message').executeTakeFirstOrThrow()).message, (await db.selectFrom('corrections').select('note').executeTakeFirstOrThrow()).note];
    for (const value of sealed) assert.equal(FieldCipher.regionOf(value), '330110', `sealed under Yuhang's key, not the master key: ${value.slice(0, 12)}…`);
  });
});
