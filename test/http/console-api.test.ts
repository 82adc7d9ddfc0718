import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DEFAULT_RULES } from '../../src/domain/rules/default-rule-set.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { LIU_FANG, withCheck, ZHANG_WEI } from '../support/people.js';
import { lastCodeSentTo, registerVerified } from '../support/sign-in.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const wuhanTrip = {
  stays: [{ region: '420106', arrival: '2026-11-12T08:00:00+08:00', departure: '2026-11-15T18:30:00+08:00' }],
  contacts: [],
  symptoms: [],
  temperature: 36.5,
};

/** A verified resident with a session, as the app holds one. */
async function residentWithSession(h: Harness, person = ZHANG_WEI): Promise<{ id: string; auth: { authorization: string } }> {
  const id = await registerVerified(h, person);
  h.clock.advance(61_000); // one code a minute per phone
  await h.services.signIn.requestSignInCode(person.phone!);
  const session = await h.services.signIn.verifySignInCode(person.phone!, await lastCodeSentTo(h, (await h.services.residents.get(id)).phone!));
  return { id, auth: bearer(session.token) };
}

/** Zhang came back from Wuchang, which is then listed high-risk: red. */
async function redResident(h: Harness) {
  const zhang = await residentWithSession(h);
  await h.services.declarations.declare(zhang.id, wuhanTrip);
  await h.services.authority.setRiskArea({ region: '420100', level: 'high', from: '2026-11-10T00:00:00+08:00' });
  return zhang;
}

describeOnEachEngine('appeals', (h) => {
  it('files an appeal with the colour and rules the resident saw, into the authority queue with a masked name', async () => {
    const app = await h().app();
    const zhang = await redResident(h());
    const authority = await h().services.staff.create('疾控中心 值班员', 'authority');
    const filed = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/appeals`, headers: zhang.auth, payload: { message: '我 11 月 15 日已离开武昌，列为高风险地区之前。' } });
    assert.equal(filed.statusCode, 201, filed.body);
    assert.deepEqual([filed.json().colour, filed.json().rules[0].id, filed.json().status], ['red', 'red-high-risk-area', 'open']);
    const queue = (await app.inject({ method: 'GET', url: '/api/v1/appeals', headers: bearer(authority.token) })).json();
    assert.deepEqual(queue.map((a: { maskedName: string; message: string }) => [a.maskedName, a.message]), [['张*', '我 11 月 15 日已离开武昌，列为高风险地区之前。']]);
  });

  it('keeps the message encrypted at rest', async () => {
    const zhang = await redResident(h());
    await h().services.appeals.file(zhang.id, '请核实我的行程记录，谢谢。');
    const [row] = await h().opened.store.db.selectFrom('appeals').select('message').execute();
    assert.doesNotMatch(row!.message, /核实/);
  });

  it('writes who read the queue to the audit log', async () => {
    const app = await h().app();
    const authority = await h().services.staff.create('疾控中心 值班员', 'authority');
    await app.inject({ method: 'GET', url: '/api/v1/appeals', headers: bearer(authority.token) });
    const [entry] = await h().services.audit.entries({ limit: 1 });
    assert.deepEqual([entry?.action, entry?.actor], ['read-appeals', '疾控中心 值班员 (authority)']);
  });

  it('answers an appeal, tells the resident by SMS, and shows the answer in their list', async () => {
    const app = await h().app();
    const zhang = await redResident(h());
    const authority = await h().services.staff.create('疾控中心 值班员', 'authority');
    const appeal = await h().services.appeals.file(zhang.id, '我离开武昌时那里还不是高风险地区。');
    h().clock.advance(1000);
    const answered = await app.inject({ method: 'POST', url: `/api/v1/appeals/${appeal.id}/answer`, headers: bearer(authority.token), payload: { outcome: 'upheld', response: '停留期间已在风险期内，维持红码，请继续打卡。' } });
    assert.equal(answered.statusCode, 200, answered.body);
    const [sms] = await h().ctx.stores.outbox.list(1, '+8613912345678');
    assert.match(sms!.body, /申诉已有答复/);
    const mine = (await app.inject({ method: 'GET', url: `/api/v1/residents/${zhang.id}/appeals`, headers: zhang.auth })).json();
    assert.deepEqual([mine[0].status, mine[0].response], ['upheld', '停留期间已在风险期内，维持红码，请继续打卡。']);
  });

  it('tells a resident who signed in in 繁體 that their appeal was answered, in Traditional Chinese', async () => {
    const app = await h().app();
    const zhang = await redResident(h());
    h().clock.advance(5 * 60_000);
    await h().services.signIn.requestSignInCode('+8613912345678', { script: 'zh-Hant' });
    await h().services.signIn.verifySignInCode('+8613912345678', await lastCodeSentTo(h(), '+8613912345678'));
    const authority = await h().services.staff.create('疾控中心 值班员', 'authority');
    const appeal = await h().services.appeals.file(zhang.id, '我離開武昌時那裡還不是高風險地區。');
    h().clock.advance(1000);
    const answered = await app.inject({ method: 'POST', url: `/api/v1/appeals/${appeal.id}/answer`, headers: bearer(authority.token), payload: { outcome: 'upheld', response: '停留期间已在风险期内，维持红码。' } });
    assert.equal(answered.statusCode, 200, answered.body);
    const [sms] = await h().ctx.stores.outbox.list(1, '+8613912345678');
    assert.equal(sms!.body, '【健康码】您的申訴已有答覆，請在應用程式中查看。Your appeal has been answered; open the app to read it.');
  });

  it('refuses a second appeal while one is waiting', async () => {
    const app = await h().app();
    const zhang = await redResident(h());
    await h().services.appeals.file(zhang.id, '第一次申诉的理由。');
    const second = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/appeals`, headers: zhang.auth, payload: { message: '第二次申诉的理由。' } });
    assert.equal(second.statusCode, 409);
  });

  it('refuses an empty message, naming the field', async () => {
    const app = await h().app();
    const zhang = await redResident(h());
    const response = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/appeals`, headers: zhang.auth, payload: { message: '  ' } });
    assert.equal(response.statusCode, 422);
    assert.equal(response.json().field, 'message');
  });

  it("does not let a resident appeal on another resident's behalf", async () => {
    const app = await h().app();
    const zhang = await redResident(h());
    const liu = await residentWithSession(h(), LIU_FANG);
    const response = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/appeals`, headers: liu.auth, payload: { message: '替别人申诉的理由。' } });
    assert.equal(response.statusCode, 404);
  });
});

describeOnEachEngine('authority dashboard', (h) => {
  it('counts residents by current colour per district', async () => {
    const app = await h().app();
    await redResident(h());
    const liu = await residentWithSession(h(), LIU_FANG);
    await h().services.declarations.declare(liu.id, { stays: [], contacts: [], symptoms: [], temperature: 36.4 });
    const auditor = await h().services.staff.create('审计员', 'auditor');
    const response = await app.inject({ method: 'GET', url: '/api/v1/dashboard', headers: bearer(auditor.token) });
    assert.equal(response.statusCode, 200, response.body);
    const dashboard = response.json();
    const counts = Object.fromEntries(dashboard.coloursByRegion.map((r: { region: string; counts: Record<string, unknown> }) => [r.region, r.counts]));
    // One resident each: fewer than five, so every colour of the district is shown only as 0 to 4,
    // the zeros too (else "red: fewer than 5, the rest 0" would say who is red).
    const hidden = { atLeast: 0, atMost: 4 };
    assert.deepEqual(counts['330110'], { green: hidden, yellow: hidden, red: hidden, gray: hidden });
    assert.deepEqual(counts['330106'], { green: hidden, yellow: hidden, red: hidden, gray: hidden });
  });

  it('follows one district, or a whole city, over time', async () => {
    await redResident(h());
    const liu = await residentWithSession(h(), LIU_FANG);
    await h().services.declarations.declare(liu.id, { stays: [], contacts: [], symptoms: [], temperature: 36.4 });
    const everywhere = await h().services.staff.create('审计员', 'auditor');
    const today = (region: string) => h().services.stats.dashboard(everywhere, { region }).then((d) => d.colourHistory.at(-1)!.counts);
    // One resident in each district: each district's colours 0 to 4, the city's their sum, 0 to 8.
    const hidden = { atLeast: 0, atMost: 4 };
    const summed = { atLeast: 0, atMost: 8 };
    assert.deepEqual(await today('330110'), { green: hidden, yellow: hidden, red: hidden, gray: hidden });
    assert.deepEqual(await today('330100'), { green: summed, yellow: summed, red: summed, gray: summed });
  });

  it('puts quarantines on the day they end', async () => {
    await redResident(h());
    // Four more of Yuhang back from the same trip: five quarantines, enough to be counted exactly.
    for (let n = 0; n < 4; n++) {
      const { id } = await h().services.residents.register(
        { name: `${['王', '李', '陈', '杨'][n]}建华`, idType: 'resident_id', idNumber: withCheck(`330110198505${10 + n}12${n}`), phone: `138057110${n}0`, address: { region: '330110', detail: `文一西路 ${n + 1} 号` } },
        { phoneVerifiedAt: h().clock.now().getTime() },
      );
      await h().services.declarations.declare(id, wuhanTrip);
    }
    const dashboard = await h().services.stats.dashboard(await h().services.staff.create('审计员', 'auditor'));
    const ending = dashboard.quarantinesEnding.filter((d) => d.residents !== 0);
    assert.deepEqual(ending, [{ date: '2026-11-29', residents: 5 }]);
  });

  it("hides the day a district's only quarantine ends among the other days", async () => {
    await redResident(h());
    const dashboard = await h().services.stats.dashboard(await h().services.staff.create('审计员', 'auditor'));
    assert.ok(dashboard.quarantinesEnding.every((d) => JSON.stringify(d.residents) === JSON.stringify({ atLeast: 0, atMost: 4 })), JSON.stringify(dashboard.quarantinesEnding));
  });

  it('counts scans in the hour they were made', async () => {
    const zhang = await redResident(h());
    const venue = await h().services.venues.registerVenue({ name: '未来科技城地铁站', type: 'subway_station', region: '330110', address: '文一西路', latitude: 30.28, longitude: 120.0, operator: '杭州地铁' });
    await h().services.scans.visit(zhang.id, venue.id, 'v1');
    const { scansPerHour } = await h().services.stats.dashboard(await h().services.staff.create('审计员', 'auditor'));
    // One refused scan: the hour's admitted and refused are both shown as 0 to 4, so it is not said that nobody got in.
    assert.deepEqual(scansPerHour.at(-1), { hour: Date.parse('2026-11-20T02:00:00.000Z'), scans: { atLeast: 0, atMost: 8 }, admitted: { atLeast: 0, atMost: 4 } });
    assert.equal(scansPerHour.length, 24);
  });

  it('is closed to tracers', async () => {
    const app = await h().app();
    const tracer = await h().services.staff.create('流调员', 'tracer');
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/dashboard', headers: bearer(tracer.token) })).statusCode, 403);
  });
});

describeOnEachEngine('rule preview', (h) => {
  const feverIsRed = () => ({ region: 'CN', rules: DEFAULT_RULES.map((r) => (r.id === 'yellow-symptoms' ? { ...r, outcome: { ...r.outcome, colour: 'red' } } : r)) });

  it('says how many residents would change colour, and from what to what, a district of fewer than 5 only as ranges', async () => {
    const app = await h().app();
    const liu = await residentWithSession(h(), LIU_FANG);
    await h().services.declarations.declare(liu.id, { stays: [], contacts: [], symptoms: ['dry_cough'], temperature: 37.8 });
    const authority = await h().services.staff.create('疾控中心', 'authority');
    const preview = await app.inject({ method: 'POST', url: '/api/v1/rules/preview', headers: bearer(authority.token), payload: feverIsRed() });
    assert.equal(preview.statusCode, 200, preview.body);
    const hidden = { atLeast: 0, atMost: 4 };
    assert.deepEqual([preview.json().counted, preview.json().wouldChange, preview.json().candidate.version], ['CN', hidden, 2]);
    assert.deepEqual([preview.json().transitions, preview.json().undivided], [[], { atLeast: 1, atMost: 4 }], 'one resident of Xihu: which way she goes is not said');
  });

  it('publishes nothing and changes no colour', async () => {
    const app = await h().app();
    const liu = await residentWithSession(h(), LIU_FANG);
    await h().services.declarations.declare(liu.id, { stays: [], contacts: [], symptoms: ['dry_cough'], temperature: 37.8 });
    const authority = await h().services.staff.create('疾控中心', 'authority');
    await app.inject({ method: 'POST', url: '/api/v1/rules/preview', headers: bearer(authority.token), payload: feverIsRed() });
    assert.equal((await h().services.rules.history('CN')).length, 1);
    const status = await h().opened.store.db.selectFrom('resident_status').select('colour').where('resident_id', '=', liu.id).executeTakeFirstOrThrow();
    assert.equal(status.colour, 'yellow');
  });

  it('refuses a rule that reads origin, as publishing would', async () => {
    const app = await h().app();
    const authority = await h().services.staff.create('疾控中心', 'authority');
    const bad = { region: 'CN', rules: [{ ...DEFAULT_RULES[0]!, condition: { '==': [{ var: 'resident.hukou' }, '420106'] } }] };
    const response = await app.inject({ method: 'POST', url: '/api/v1/rules/preview', headers: bearer(authority.token), payload: bad });
    assert.equal(response.statusCode, 422);
    assert.match(response.json().field, /^rules\[0\]/);
  });
});

describeOnEachEngine('finding a case by phone', (h) => {
  it('needs a read-personal grant', async () => {
    const app = await h().app();
    await redResident(h());
    const tracer = await h().services.staff.create('流调员 陈静', 'tracer');
    const authority = await h().services.staff.create('疾控中心', 'authority');
    const traceGrant = await h().services.audit.grant(authority, { staffId: tracer.id, scope: 'trace', purpose: '确诊病例 2026-0412 流调', residentId: null, hours: 4 });
    const response = await app.inject({ method: 'POST', url: '/api/v1/residents/find', headers: bearer(tracer.token), payload: { grantId: traceGrant.id, phone: ZHANG_WEI.phone } });
    assert.equal(response.statusCode, 403);
  });

  it('finds the resident and logs the look-up under the purpose', async () => {
    const app = await h().app();
    const zhang = await redResident(h());
    const tracer = await h().services.staff.create('流调员 陈静', 'tracer');
    const authority = await h().services.staff.create('疾控中心', 'authority');
    const grant = await h().services.audit.grant(authority, { staffId: tracer.id, scope: 'read-personal', purpose: '确诊病例 2026-0412 流调', residentId: null, hours: 4 });
    const found = await app.inject({ method: 'POST', url: '/api/v1/residents/find', headers: bearer(tracer.token), payload: { grantId: grant.id, phone: '139 1234 5678' } });
    assert.deepEqual(found.json(), { residentId: zhang.id, maskedName: '张*', colour: 'red' });
    const [entry] = await h().services.audit.entries({ residentId: zhang.id, limit: 1 });
    assert.deepEqual([entry?.action, entry?.purpose], ['find-resident', '确诊病例 2026-0412 流调']);
  });

  it('names the phone field when the number is not one', async () => {
    const app = await h().app();
    const tracer = await h().services.staff.create('流调员 陈静', 'tracer');
    const authority = await h().services.staff.create('疾控中心', 'authority');
    const grant = await h().services.audit.grant(authority, { staffId: tracer.id, scope: 'read-personal', purpose: '确诊病例 2026-0412 流调', residentId: null, hours: 4 });
    const response = await app.inject({ method: 'POST', url: '/api/v1/residents/find', headers: bearer(tracer.token), payload: { grantId: grant.id, phone: 'twelve' } });
    assert.deepEqual([response.statusCode, response.json().field], [422, 'phone']);
  });
});

describeOnEachEngine('reference and device look-ups', (h) => {
  it('finds a district by part of its name', async () => {
    const app = await h().app();
    const found = (await app.inject({ method: 'GET', url: `/api/v1/regions?q=${encodeURIComponent('武昌')}` })).json();
    assert.deepEqual(found, [{ code: '420106', name: '湖北省 武汉市 武昌区', traditionalName: '湖北省 武漢市 武昌區', englishName: 'Wuchang District, Wuhan, Hubei' }]);
  });

  it('offers a city before its districts when the city is named', async () => {
    const app = await h().app();
    const found = (await app.inject({ method: 'GET', url: `/api/v1/regions?q=${encodeURIComponent('武汉市')}&limit=3` })).json();
    assert.equal(found[0].code, '420100');
  });

  it('refuses an empty search, naming the parameter', async () => {
    const app = await h().app();
    const response = await app.inject({ method: 'GET', url: '/api/v1/regions?q=' });
    assert.equal(response.statusCode, 400);
  });

  it("tells a device its venue and that venue type's entry policy", async () => {
    const app = await h().app();
    const venue = await h().services.venues.registerVenue({ name: '杭州东站', type: 'subway_station', region: '330102', address: '天城路 1 号', latitude: 30.29, longitude: 120.21, operator: '杭州地铁' });
    const { token } = await h().services.venues.registerCheckpointDevice(venue.id, '东广场 3 号闸机');
    const me = (await app.inject({ method: 'GET', url: '/api/v1/checkpoint/me', headers: bearer(token) })).json();
    assert.deepEqual([me.venue.name, me.venue.type, me.policy.allowed], ['杭州东站', 'subway_station', (await h().services.venues.policy('subway_station')).allowed]);
  });

  it('has no demo SMS inbox in production', async () => {
    const app = await h().app();
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/dev/outbox?phone=13912345678' })).statusCode, 404);
  });
});

describeOnEachEngine(
  'the demo SMS inbox in development mode',
  (h) => {
    it('shows the last message sent to a phone', async () => {
      const app = await h().app();
      await h().services.residents.register(ZHANG_WEI);
      await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
      const inbox = (await app.inject({ method: 'GET', url: '/api/v1/dev/outbox?phone=13912345678' })).json();
      assert.match(inbox.body, /登录验证码 \d{6}/);
    });
  },
  { mode: 'development' },
);
