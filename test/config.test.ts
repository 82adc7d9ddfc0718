import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { cacheBound, ConfigError, DEFAULT_CACHE_ENTRIES, loadConfig } from '../src/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/healthcode');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  return [];
}

describe('a per-resident cache\'s bound', () => {
  it('follows HEALTHCODE_CACHE_ENTRIES, its default when unset', () => {
    assert.equal(cacheBound(250_000, 10_000), 250_000);
    assert.equal(cacheBound(undefined, 10_000), DEFAULT_CACHE_ENTRIES);
  });

  it('keeps at least its floor while caches are on', () => {
    assert.equal(cacheBound(500, 10_000), 10_000);
  });

  it('is none when HEALTHCODE_CACHE_ENTRIES is 0: the setting turns every cache off', () => {
    assert.equal(cacheBound(0, 10_000), 0);
  });
});

describe('configuration', () => {
  it('evaluates re-decisions on SQLite on the cores but one, at most 4, on PostgreSQL on the main thread, or on as many threads as HEALTHCODE_DECISION_THREADS says; refuses a count that is not one', () => {
    assert.equal(loadConfig({}, '/srv/healthcode').decisionThreads, Math.min(4, availableParallelism() - 1));
    assert.equal(loadConfig({ HEALTHCODE_DATABASE_URL: 'postgres://healthcode@db.internal/healthcode' }, '/srv/healthcode').decisionThreads, 0);
    assert.equal(loadConfig({ HEALTHCODE_DECISION_THREADS: '0' }, '/srv/healthcode').decisionThreads, 0);
    assert.ok(problemsOf({ HEALTHCODE_DECISION_THREADS: 'two' }).some((p) => p.includes('HEALTHCODE_DECISION_THREADS')));
  });

  it('defaults to an embedded SQLite database in ./data, listening on loopback', () => {
    const config = loadConfig({}, '/srv/healthcode');
    assert.deepEqual(config.database, { kind: 'sqlite', path: '/srv/healthcode/data/healthcode.db' });
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8080);
    assert.equal(config.dataKeyFile, '/srv/healthcode/data/keys/data.key');
  });
  it('reads the limits on tries of a code, ID checks and device registrations, naming a bad one', () => {
    const { limits } = loadConfig({ HEALTHCODE_LIMIT_SIGN_IN_ATTEMPTS: '6', HEALTHCODE_LIMIT_ID_LOOKUPS: '30', HEALTHCODE_LIMIT_ID_LOOKUPS_VENUE: '90', HEALTHCODE_LIMIT_DEVICES: '5' });
    assert.deepEqual([limits.signInAttemptsPerAddressPerHour, limits.idLookupsPerCheckpointDevicePerHour, limits.idLookupsPerVenuePerHour, limits.checkpointDevicesPerVenuePerDay], [6, 30, 90, 5]);
    assert.deepEqual(problemsOf({ HEALTHCODE_LIMIT_ID_LOOKUPS_VENUE: '0' }), ["HEALTHCODE_LIMIT_ID_LOOKUPS_VENUE: must be a whole number from 1 to 1000000, got '0'"]);
  });
  it('reads the limit on service-point card look-ups, 60 an hour unless set, naming a bad one', () => {
    assert.equal(loadConfig({}, '/srv/healthcode').limits.cardLookupsPerStaffPerHour, 60);
    assert.equal(loadConfig({ HEALTHCODE_LIMIT_CARD_LOOKUPS: '25' }, '/srv/healthcode').limits.cardLookupsPerStaffPerHour, 25);
    assert.deepEqual(problemsOf({ HEALTHCODE_LIMIT_CARD_LOOKUPS: '0' }), ["HEALTHCODE_LIMIT_CARD_LOOKUPS: must be a whole number from 1 to 100000, got '0'"]);
  });
  it('refuses HEALTHCODE_TOKEN_TTL over an hour, naming the variable', () => {
    assert.deepEqual(problemsOf({ HEALTHCODE_TOKEN_TTL: '3601' }).map((p) => p.split(':')[0]), ['HEALTHCODE_TOKEN_TTL']);
    assert.deepEqual(problemsOf({ HEALTHCODE_TOKEN_TTL: '86400' }).map((p) => p.split(':')[0]), ['HEALTHCODE_TOKEN_TTL']);
    assert.equal(loadConfig({ HEALTHCODE_TOKEN_TTL: '3600' }).tokenTtlSeconds, 3600);
  });
  it('reads a PostgreSQL URL', () => {
    assert.deepEqual(loadConfig({ HEALTHCODE_DATABASE_URL: 'postgres://hc@db:5432/hc' }).database, { kind: 'postgres', url: 'postgres://hc@db:5432/hc' });
  });
  it('names the variable and the value for a port that is not a number', () => {
    assert.deepEqual(problemsOf({ HEALTHCODE_PORT: 'eighty' }), ["HEALTHCODE_PORT: must be a whole number from 0 to 65535, got 'eighty'"]);
  });
  it('reports every wrong variable at once', () => {
    const problems = problemsOf({ HEALTHCODE_PORT: '70000', HEALTHCODE_MODE: 'staging', HEALTHCODE_DATABASE_URL: 'mysql://x', HEALTHCODE_TIME_ZONE: 'Mars/Olympus' });
    assert.deepEqual(
      problems.map((p) => p.split(':')[0]),
      ['HEALTHCODE_MODE', 'HEALTHCODE_PORT', 'HEALTHCODE_DATABASE_URL', 'HEALTHCODE_TIME_ZONE'],
    );
  });
  it('rejects a data key of the wrong length without echoing it', () => {
    const secretish = Buffer.alloc(16, 7).toString('base64');
    const problems = problemsOf({ HEALTHCODE_DATA_KEY: secretish });
    assert.equal(problems.length, 1);
    assert.ok(!problems[0]!.includes(secretish));
  });
  it("refuses a key escrow inside the districts' keys directory, where a copy of one is a copy of the other", () => {
    assert.deepEqual(problemsOf({ HEALTHCODE_KEY_ESCROW: 'data/keys/regions/escrow' }).map((p) => p.split(':')[0]), ['HEALTHCODE_KEY_ESCROW']);
    assert.deepEqual(problemsOf({ HEALTHCODE_KEY_ESCROW: '/mnt/escrow/healthcode', HEALTHCODE_BACKUP_RETENTION_DAYS: '0' }), ["HEALTHCODE_BACKUP_RETENTION_DAYS: must be a whole number from 1 to 365, got '0'"]);
    assert.equal(loadConfig({ HEALTHCODE_KEY_ESCROW: '/mnt/escrow/healthcode' }, '/srv/healthcode').keyEscrowDir, '/mnt/escrow/healthcode');
  });
  it('requires an explicit database in production', () => {
    assert.deepEqual(problemsOf({ HEALTHCODE_MODE: 'production' }), ['HEALTHCODE_DATABASE_URL: must be set explicitly in production mode']);
  });
  it('refuses development mode on an address other machines can reach, naming the variable', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'healthcode.example']) {
      const problems = problemsOf({ HEALTHCODE_HOST: host });
      assert.equal(problems.length, 1, host);
      assert.match(problems[0]!, /^HEALTHCODE_HOST: development mode listens on loopback only/);
    }
  });
  it('lets development mode listen on any loopback address', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', '[::1]', 'localhost']) assert.deepEqual(problemsOf({ HEALTHCODE_HOST: host }), [], host);
  });
  it('never loads demo residents in production, even on an embedded database with the default', () => {
    assert.equal(loadConfig({ HEALTHCODE_MODE: 'production', HEALTHCODE_DATABASE_URL: 'sqlite:./data/hc.db' }).demoData, 'off');
    assert.equal(loadConfig({ HEALTHCODE_MODE: 'production', HEALTHCODE_DATABASE_URL: 'sqlite:./data/hc.db', HEALTHCODE_DEMO_DATA: 'auto' }).demoData, 'off');
    assert.deepEqual(problemsOf({ HEALTHCODE_MODE: 'production', HEALTHCODE_DATABASE_URL: 'sqlite:./data/hc.db', HEALTHCODE_DEMO_DATA: 'on' }), ['HEALTHCODE_DEMO_DATA: demo residents must not be loaded in production mode']);
  });

  it('lets production mode listen on every interface', () => {
    assert.equal(loadConfig({ HEALTHCODE_MODE: 'production', HEALTHCODE_HOST: '0.0.0.0', HEALTHCODE_DATABASE_URL: 'postgres://hc@db/hc' }).host, '0.0.0.0');
  });
  it('serves every province unless told which regions, and names a region code it does not know', () => {
    assert.equal(loadConfig({}).operator.regions.length, 34);
    assert.deepEqual(loadConfig({ HEALTHCODE_OPERATOR_ID: 'hubei', HEALTHCODE_REGIONS: '420000, 420100' }).operator, { id: 'hubei', name: 'hubei', regions: ['420000', '420100'], publicUrl: undefined });
    assert.deepEqual(problemsOf({ HEALTHCODE_REGIONS: '420000,999999', HEALTHCODE_OPERATOR_ID: 'Hubei Province' }), [
      "HEALTHCODE_OPERATOR_ID: must be 2-40 lower-case letters, digits or hyphens starting with a letter, got 'Hubei Province'",
      'HEALTHCODE_REGIONS: 999999 is not a GB/T 2260 region code',
    ]);
  });
  it("needs the hub's key pinned in production, never learned from the hub itself", () => {
    const problems = problemsOf({ HEALTHCODE_MODE: 'production', HEALTHCODE_DATABASE_URL: 'postgres://hc@db/hc', HEALTHCODE_HUB_URL: 'https://hub.example' });
    assert.deepEqual(problems.map((p) => p.split(':')[0]), ['HEALTHCODE_HUB_KEY']);
  });
  it('names a member bootstrap entry that is not id=url', () => {
    assert.deepEqual(problemsOf({ HEALTHCODE_HUB: 'on', HEALTHCODE_HUB_MEMBERS: 'hubei=http://127.0.0.1:8091,zhejiang' }), ["HEALTHCODE_HUB_MEMBERS: 'zhejiang' is not id=http(s)-url (no query, fragment or credentials)"]);
  });

  it("refuses a member or hub address whose query or fragment would swallow the path the hub fetches", () => {
    assert.deepEqual(problemsOf({ HEALTHCODE_HUB: 'on', HEALTHCODE_HUB_MEMBERS: 'hubei=http://evil.example/x#' }), ["HEALTHCODE_HUB_MEMBERS: 'hubei=http://evil.example/x#' is not id=http(s)-url (no query, fragment or credentials)"]);
    assert.deepEqual(problemsOf({ HEALTHCODE_HUB_URL: 'http://hub.example/?' }), ["HEALTHCODE_HUB_URL: must have no query (?) or fragment (#), got 'http://hub.example/?'"]);
  });
});
