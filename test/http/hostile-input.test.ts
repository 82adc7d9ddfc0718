import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { ZHANG_WEI } from '../support/people.js';
import { registerThroughApi } from '../support/sign-in.js';

/** Every row of the residents table, as stored: what a hostile request must never change. */
async function snapshot(h: Harness): Promise<string> {
  const rows = await h.opened.store.db.selectFrom('residents').selectAll().orderBy('id').execute();
  return JSON.stringify(rows);
}

const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom("' OR 1=1 --", "Robert'); DROP TABLE residents;--", '\u0000', '\u202e', '𠮷野家🙂', '<script>alert(1)</script>', 'x'.repeat(5000), '   '),
);

const ALLOWED = new Set([201, 400, 409, 413, 415, 422]);

describeOnEachEngine('registration endpoint under hostile input', (h) => {
  it('answers random JSON with a problem, never a crash, and changes nothing stored', async () => {
    const app = await h().app();
    assert.equal((await registerThroughApi(h(), ZHANG_WEI)).statusCode, 201);
    const before = await snapshot(h());
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
        const response = await app.inject({ method: 'POST', url: '/api/v1/residents', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
        assert.ok(response.statusCode === 400 || response.statusCode === 422, `status ${response.statusCode}`);
        assert.match(response.headers['content-type'] as string, /^application\/problem\+json/);
        assert.ok(typeof response.json().field === 'string');
      }),
      { numRuns: 150 },
    );
    assert.equal(await snapshot(h()), before);
  });

  it('answers an address segment too long for any identifier with a problem, not the framework’s own error', async () => {
    const app = await h().app();
    for (const method of ['GET', 'POST'] as const) {
      const response = await app.inject({ method, url: `/api/v1/residents/${'x'.repeat(300)}/dependents`, payload: method === 'POST' ? {} : undefined });
      assert.equal(response.statusCode, 404, method);
      assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8', method);
    }
  });

  it('answers malformed bodies and odd content types with a problem', async () => {
    const app = await h().app();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream'), async (payload, type) => {
        const response = await app.inject({ method: 'POST', url: '/api/v1/residents', headers: { 'content-type': type }, payload });
        assert.ok(ALLOWED.has(response.statusCode), `status ${response.statusCode}`);
        assert.notEqual(response.statusCode, 201);
      }),
      { numRuns: 100 },
    );
    assert.equal(await snapshot(h()), '[]');
  });

  it('stores hostile but valid text verbatim, or refuses it with the field named', async () => {
    const app = await h().app();
    let counter = 0;
    await fc.assert(
      fc.asyncProperty(hostileText, hostileText, async (name, detail) => {
        counter += 1;
        // A fresh passport and phone each run, so duplicates are not what is tested here.
        const person = { ...ZHANG_WEI, idType: 'passport', idCountry: 'FR', idNumber: `19AB${String(counter).padStart(5, '0')}`, phone: `+3361234${String(counter).padStart(4, '0')}`, name, address: { region: '330110', detail } };
        const before = await snapshot(h());
        const response = await registerThroughApi(h(), person, app);
        assert.ok(ALLOWED.has(response.statusCode), `status ${response.statusCode}: ${response.body}`);
        if (response.statusCode === 201) {
          const stored = await h().services.residents.get(response.json().id);
          assert.equal(stored.name, name);
          assert.equal(stored.address.detail, detail);
        } else {
          assert.ok(['name', 'address.detail'].includes(response.json().field), response.body);
          assert.equal(await snapshot(h()), before);
        }
      }),
      { numRuns: 120 },
    );
  });
});
