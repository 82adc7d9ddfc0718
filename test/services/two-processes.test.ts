import { cityLowFeverRule } from '../support/rules.js';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { FixedClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logging.js';
import { createContext } from '../../src/services/context.js';
import { createServices, type Services } from '../../src/services/services.js';
import { openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import { ENGINES, openTestStore, TEST_POSTGRES_URL, type OpenedStore } from '../support/engines.js';
import { NOW } from '../support/harness.js';
import { LIU_FANG, OLIVER_BROWN, ZHANG_WEI } from '../support/people.js';

/** Two server processes on one database: each with its own store, caches and change feed. */
interface Pair {
  a: Services;
  b: Services;
  storeB: DatabaseHandle;
  clock: FixedClock;
}

async function peer(opened: OpenedStore, clock: FixedClock, dataKey: Buffer): Promise<{ services: Services; store: DatabaseHandle }> {
  const store = opened.location.kind === 'sqlite' ? await openDatabase(opened.config) : await openDatabase(opened.config, { schema: opened.location.schema, poolSize: 2, listen: true });
  const services = createServices(
    createContext({ database: store, clock, dataKey, logger: createLogger('silent'), settings: { mode: 'production', timeZone: 'Asia/Shanghai', sessionTtlSeconds: 3600, signInCodeTtlSeconds: 300, tokenTtlSeconds: 300 } }),
  );
  return { services, store };
}

/** Waits (at most 3 s) for `check` to hold: a NOTIFY takes a moment to travel. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`not within 3 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function registerGreen(services: Services, person: typeof ZHANG_WEI, clock: FixedClock): Promise<string> {
  const { id } = await services.residents.register(person, { phoneVerifiedAt: clock.now().getTime() });
  await services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
  return id;
}

for (const engine of ENGINES) {
  describe(`two server processes on one database [${engine}]`, () => {
    let opened: OpenedStore;
    let pair: Pair;
    const closing: DatabaseHandle[] = [];
    before(async () => {
      opened = await openTestStore(engine);
      const clock = new FixedClock(NOW);
      const dataKey = randomBytes(32);
      const a = await peer(opened, clock, dataKey);
      const b = await peer(opened, clock, dataKey);
      closing.push(a.store, b.store);
      await a.services.rules.ensureDefault();
      await a.services.keys.activeKey('330110');
      pair = { a: a.services, b: b.services, storeB: b.store, clock };
    });
    after(async () => {
      for (const store of closing) await store.close();
      await opened.dispose();
    });

    it('refuses in one a session signed out in the other, though it had just used it', async () => {
      const id = await registerGreen(pair.a, ZHANG_WEI, pair.clock);
      const session = await pair.a.signIn.sessionFor(id, pair.clock.now().getTime());
      const { sessionId } = await pair.b.signIn.authenticate(session.token);
      await pair.a.signIn.signOut(sessionId);
      await eventually(
        () => pair.b.signIn.authenticate(session.token).then(() => false, () => true),
        'the sign-out heard by the other process',
      );
    });

    it('shows in one the colour the other just decided', async () => {
      const id = await registerGreen(pair.a, LIU_FANG, pair.clock);
      assert.equal((await pair.b.healthCodes.issue(id)).decision.colour, 'green');
      pair.clock.advance(60_000);
      await pair.a.declarations.declare(id, { stays: [], contacts: [], symptoms: ['dry_cough'], temperature: 37.8 });
      await eventually(async () => (await pair.b.healthCodes.issue(id)).decision.colour === 'yellow', 'the new decision heard by the other process');
    });

    it('decides in one under the rule set just published in the other', async () => {
      assert.equal((await pair.b.rules.evaluatorFor('330110')).ruleSet.region, 'CN');
      await pair.a.rules.publish({ region: '330100', rules: [cityLowFeverRule('330100')] });
      await eventually(async () => (await pair.b.rules.evaluatorFor('330110')).ruleSet.region === '330100', 'the publication heard by the other process');
    });

    it('signs in one with the key just rotated in the other', async () => {
      const before = await pair.b.keys.activeKey('330110');
      const { kid } = await pair.a.keys.rotate('330110');
      assert.notEqual(kid, before.kid);
      await eventually(async () => (await pair.b.keys.activeKey('330110')).kid === kid, 'the rotation heard by the other process');
    });

    if (engine === 'postgres') {
      it('serves nothing from memory while its listener is cut off, and forgets all it kept once back', async () => {
        const id = await registerGreen(pair.a, OLIVER_BROWN, pair.clock);
        const session = await pair.a.signIn.sessionFor(id, pair.clock.now().getTime());
        const { sessionId } = await pair.b.signIn.authenticate(session.token);
        const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
        await client.connect();
        try {
          const channel = `healthcode_changes_${opened.location.kind === 'postgres' ? opened.location.schema : ''}`;
          // Cut every listening connection of this schema, as a network fault or a restart would.
          const cut = await client.query(`select pg_terminate_backend(pid) from pg_stat_activity where query = $1`, [`listen "${channel}"`]);
          assert.ok(cut.rowCount !== null && cut.rowCount >= 2, 'both listeners cut');
          await eventually(async () => !pair.storeB.changes.upToDate(), 'the loss noticed');
          // Signed out while nobody listens: the NOTIFY reaches no one.
          await pair.a.signIn.signOut(sessionId);
          await assert.rejects(pair.b.signIn.authenticate(session.token), /the session has ended/);
          await eventually(async () => pair.storeB.changes.upToDate(), 'the listener back');
          await assert.rejects(pair.b.signIn.authenticate(session.token), /the session has ended/);
        } finally {
          await client.end();
        }
      });
    }
  });
}
