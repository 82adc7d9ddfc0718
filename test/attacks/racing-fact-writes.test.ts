import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { FactsStore } from '../../src/store/decisions/facts-store.js';
import type { BundleFacts, FactBundle } from '../../src/codes/fact-bundle.js';
import type { DeclarationInput } from '../../src/domain/declaration.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/domain/clock.js';
import type { Decision } from '../../src/domain/rules/decide.js';
import type { MovingService } from '../../src/services/federation/moving-service.js';
import type { Services } from '../../src/services/services.js';
import type { StaffMember } from '../../src/services/staff-service.js';
import { freshDecision, said } from '../support/fresh-decision.js';
import { areasReadThenHeld, readThenHeld, secondServer } from '../support/held-redecision.js';
import { describeOnEachEngine, describeOnEngine, type Harness } from '../support/harness.js';
import { withCheck, ZHANG_WEI } from '../support/people.js';
import { registerVerified } from '../support/sign-in.js';

/**
 * Every write to a resident's facts racing another one's re-decision: the re-decision that read the
 * facts before the write must not save after the write's own re-decision. Each test holds one
 * re-decision between reading and saving while the other write is stored and decided, in both
 * orders, and then asks that the stored decision be the one all the facts give.
 */

/** Wuhan Wuchang district, listed high-risk in these tests. */
const WUCHANG = '420106';
/** Hangzhou Xihu district: a stay there is no risk in these tests. */
const XIHU = '330106';
/** Ningbo Yinzhou district: named high-risk in one test, while a resident declares a stay there. */
const YINZHOU = '330212';

const ago = (h: Harness, ms: number) => new Date(h.clock.now().getTime() - ms).toISOString();
/** A trip through Wuchang two to three days ago. */
const wuchang = (h: Harness): DeclarationInput => ({ stays: [{ region: WUCHANG, arrival: ago(h, 3 * DAY_MS), departure: ago(h, 2 * DAY_MS) }], contacts: [], symptoms: [], temperature: 36.5 });
/** A fever and a dry cough since this morning. */
const fever = (): DeclarationInput => ({ stays: [], contacts: [], symptoms: ['fever', 'dry_cough'], temperature: 38.2 });
/** Close to a confirmed case yesterday. */
const caseContact = (h: Harness): DeclarationInput => ({ stays: [], contacts: [{ kind: 'confirmed', date: ago(h, DAY_MS).slice(0, 10) }], symptoms: [], temperature: 36.6 });

async function stored(h: Harness, id: string): Promise<Decision> {
  const row = await h.ctx.stores.decisions.current(id);
  return JSON.parse(row!.decision!) as Decision;
}

async function assertFresh(h: Harness, id: string, what: string): Promise<void> {
  assert.deepEqual(said(await stored(h, id)), said(await freshDecision(h, id)), what);
}

let people = 0;
/** A resident of Yuhang with a phone of their own, green after a quiet first declaration. */
async function resident(h: Harness): Promise<{ id: string; phone: string }> {
  people += 1;
  const phone = `1390002${String(people).padStart(4, '0')}`;
  const id = await registerVerified(h, { ...ZHANG_WEI, phone, idNumber: withCheck(`33011019900202${String(100 + people).padStart(3, '0')}`) });
  await h.services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
  // The next declaration is a later one, not one of the same instant.
  h.clock.advance(MINUTE_MS);
  return { id, phone };
}

async function listWuchang(h: Harness): Promise<void> {
  await h.services.authority.setRiskArea({ region: WUCHANG, level: 'high', from: ago(h, 7 * DAY_MS) });
}

/** Two authorities of Yuhang: one proposes that the resident wait for a test, the other is about to approve it. */
async function proposedCorrection(h: Harness, id: string): Promise<() => Promise<unknown>> {
  const [wang, li] = [await h.services.staff.create('余杭区疾控中心 王主任', 'authority'), await h.services.staff.create('余杭区疾控中心 李医生', 'authority')];
  const proposed = await h.services.corrections.propose(wang as StaffMember, id, { colour: 'yellow', reason: 'test-awaited', note: '请于今日到余杭区疾控中心做核酸检测。', expiresAt: new Date(h.clock.now().getTime() + 3 * DAY_MS).toISOString() });
  return () => h.services.corrections.approve(li as StaffMember, proposed.id);
}

/** The health authority's import of a suspected case found by phone. */
const importCase = (services: Services, phone: string, at: string) =>
  services.authority.import('cases', (async function* () {
    yield { line: 1, record: { phone, status: 'suspected', date: at } };
  })());

const WANG_LI = '00000000-0000-4000-8000-00000000b001';

/** A bundle from Hubei stored and decided as admitVisitor stores and decides it (its checks are fact-grants.test.ts's). */
async function bundleFromHome(moving: MovingService, services: Services, create: boolean, issuedAt: number, facts: BundleFacts): Promise<void> {
  const bundle = { v: 1, iss: 'hubei', aud: 'zhejiang', sub: 'wang-li-for-zhejiang', maskedName: '王*', homeRegion: '420000', issuedAt, facts } as unknown as FactBundle;
  const store = (moving as unknown as { storeVisitor: (id: string, create: boolean, v: object) => Promise<void> }).storeVisitor.bind(moving);
  await store(WANG_LI, create, { home: { id: 'hubei' }, bundle, phone: '+8613871234567', address: { region: '330203', detail: '海曙区中山西路 138 号 2 单元 1101 室' }, phoneVerifiedAt: issuedAt });
  await services.decisions.redecide([WANG_LI], 'facts from hubei');
}

/** What Hubei holds for Wang Li: a positive test a day before `at`. */
const positiveAtHome = (at: number): BundleFacts => ({ declaration: null, stays: [], contacts: [], cases: [], tests: [{ result: 'positive', at: at - DAY_MS, source: 'authority', recordedAt: at - DAY_MS + HOUR_MS }], vaccinations: [] });

describeOnEachEngine('a write to facts racing a re-decision', (h) => {
  it("counts a declaration and a correction approved at once, whichever re-decision read first", async () => {
    await listWuchang(h());
    for (const correctionFirst of [true, false]) {
      const { id } = await resident(h());
      const approve = await proposedCorrection(h(), id);
      const declare = () => h().services.declarations.declare(id, wuchang(h()));
      await readThenHeld(h(), id, correctionFirst ? approve : declare, correctionFirst ? declare : approve);
      await assertFresh(h(), id, correctionFirst ? 'the declaration counts' : 'the correction counts');
      h().clock.advance(HOUR_MS);
    }
  });

  it('counts a declaration and an imported case at once, whichever re-decision read first', async () => {
    for (const importFirst of [true, false]) {
      const { id, phone } = await resident(h());
      const imported = () => importCase(h().services, phone, ago(h(), 6 * HOUR_MS));
      const declare = () => h().services.declarations.declare(id, fever());
      await readThenHeld(h(), id, importFirst ? imported : declare, importFirst ? declare : imported);
      await assertFresh(h(), id, importFirst ? 'the declaration counts' : 'the imported case counts');
      h().clock.advance(HOUR_MS);
    }
  });

  it('counts a declaration sent to another server on the same database while an import is decided here', async () => {
    const other = await secondServer(h());
    try {
      const { id, phone } = await resident(h());
      await readThenHeld(h(), id, () => importCase(h().services, phone, ago(h(), 6 * HOUR_MS)), () => other.services.declarations.declare(id, caseContact(h())));
      await assertFresh(h(), id, 'the declaration made through the other server counts');
    } finally {
      await other.close();
    }
  });

  it("counts a declaration and a quarantine check-in at once, whichever re-decision read first", async () => {
    await listWuchang(h());
    for (const checkInFirst of [true, false]) {
      const { id } = await resident(h());
      await h().services.declarations.declare(id, fever());
      h().clock.advance(MINUTE_MS);
      const checkIn = () => h().services.checkIns.checkIn(id, { temperature: 37.6, symptoms: ['dry_cough'] });
      const declare = () => h().services.declarations.declare(id, wuchang(h()));
      // A check-in decides twice: before it is stored (is the resident in quarantine?) and after; the second is held.
      if (checkInFirst) await readThenHeld(h(), id, checkIn, declare, 2);
      else await readThenHeld(h(), id, declare, checkIn);
      await assertFresh(h(), id, checkInFirst ? 'the declaration counts' : 'the check-in counts');
      h().clock.advance(DAY_MS);
    }
  });

  it("counts a declaration and a newer bundle from the resident's home operator at once, whichever re-decision read first", async () => {
    await listWuchang(h());
    const now = h().clock.now().getTime();
    await bundleFromHome(h().services.moving, h().services, true, now, positiveAtHome(now));
    for (const bundleFirst of [true, false]) {
      h().clock.advance(10 * MINUTE_MS);
      const later = h().clock.now().getTime();
      const bundle = () => bundleFromHome(h().services.moving, h().services, false, later, { ...positiveAtHome(now), tests: [...positiveAtHome(now).tests, { result: 'negative', at: later - HOUR_MS, source: 'authority', recordedAt: later - 30 * MINUTE_MS }] } as BundleFacts);
      const declare = () => h().services.declarations.declare(WANG_LI, bundleFirst ? wuchang(h()) : fever());
      await readThenHeld(h(), WANG_LI, bundleFirst ? bundle : declare, bundleFirst ? declare : bundle);
      await assertFresh(h(), WANG_LI, bundleFirst ? 'the declaration counts' : 'the bundle counts');
    }
  });

  it('counts a declaration made while a new risk area re-decides everyone who stayed there, whichever read first', async () => {
    for (const areaFirst of [true, false]) {
      const { id } = await resident(h());
      // Xihu listed (or listed again at another level) re-decides everyone who stayed there.
      await h().services.declarations.declare(id, { stays: [{ region: XIHU, arrival: ago(h(), 3 * DAY_MS), departure: ago(h(), 2 * DAY_MS) }], contacts: [], symptoms: [], temperature: 36.5 });
      h().clock.advance(MINUTE_MS);
      const level = areaFirst ? 'medium' : 'high';
      const listed = () => h().services.authority.setRiskArea({ region: XIHU, level, from: ago(h(), 5 * DAY_MS) });
      const declare = () => h().services.declarations.declare(id, caseContact(h()));
      await readThenHeld(h(), id, areaFirst ? listed : declare, areaFirst ? declare : listed);
      await assertFresh(h(), id, areaFirst ? 'the declaration counts' : 'the risk area counts');
      h().clock.advance(HOUR_MS);
    }
  });

  it('counts a risk area named while a declaration of a stay there is decided from the areas before it', async () => {
    const { id } = await resident(h());
    const declare = () => h().services.declarations.declare(id, { stays: [{ region: YINZHOU, arrival: ago(h(), 3 * DAY_MS), departure: ago(h(), 2 * DAY_MS) }], contacts: [], symptoms: [], temperature: 36.5 });
    // The area's own re-decision of everyone who stayed there runs and finishes while the declaration's waits.
    const named = () => h().services.authority.setRiskArea({ region: YINZHOU, level: 'high', from: ago(h(), 7 * DAY_MS) });
    await areasReadThenHeld(h(), declare, named);
    await assertFresh(h(), id, 'the risk area counts');
    assert.notEqual((await stored(h(), id)).colour, 'green', 'a stay in a high-risk area two days ago is not green');
  });

  it('counts a declaration sent to another server on the same database while a risk area re-decides here', async () => {
    const other = await secondServer(h());
    try {
      const { id } = await resident(h());
      await other.services.declarations.declare(id, wuchang(h()));
      h().clock.advance(MINUTE_MS);
      await readThenHeld(h(), id, () => listWuchang(h()), () => other.services.declarations.declare(id, fever()));
      await assertFresh(h(), id, 'the declaration made through the other server counts');
    } finally {
      await other.close();
    }
  });
});

// SQLite has one writer: a declaration cannot commit while a risk area's transaction is open.
describeOnEngine('postgres', 'a risk area named while a declaration commits', (h) => {
  it('counts a declaration of a stay committed after the risk area selected who stayed there and before it committed', async () => {
    const { id } = await resident(h());
    // The area's transaction is held once it has selected who stayed in Yinzhou (nobody yet).
    const select = FactsStore.prototype.residentsWithStaysIn;
    let selected!: () => void;
    const hasSelected = new Promise<void>((resolve) => (selected = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    FactsStore.prototype.residentsWithStaysIn = async function (this: FactsStore, ...args) {
      const ids = await select.apply(this, args);
      selected();
      await released;
      return ids;
    };
    try {
      const named = h().services.authority.setRiskArea({ region: YINZHOU, level: 'high', from: ago(h(), 7 * DAY_MS) });
      await hasSelected;
      let declared = false;
      const declaration = h().services.declarations.declare(id, { stays: [{ region: YINZHOU, arrival: ago(h(), 3 * DAY_MS), departure: ago(h(), 2 * DAY_MS) }], contacts: [], symptoms: [], temperature: 36.5 }).finally(() => (declared = true));
      // The declaration either is decided at once (from the areas before this one) or waits for the area to commit.
      const waiting = async () => Number((await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'relation' and not granted and relation = 'declaration_stays'::regclass`.execute(h().opened.store.db)).rows[0]!.n);
      while (!declared && (await waiting()) === 0) await new Promise((resolve) => setImmediate(resolve));
      release();
      await named;
      await declaration;
    } finally {
      release();
      FactsStore.prototype.residentsWithStaysIn = select;
    }
    await assertFresh(h(), id, 'the risk area counts');
    assert.notEqual((await stored(h(), id)).colour, 'green', 'a stay in a high-risk area two days ago is not green');
  });
});
