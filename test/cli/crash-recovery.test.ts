import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { openServices } from '../../src/cli/server.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { LIU_FANG, OLIVER_BROWN, ZHANG_WEI } from '../support/people.js';
import { serve, serverEnv, type Running } from '../support/spawned-server.js';

const BATCHES_PER_DEVICE = 20;
const SCANS_PER_BATCH = 100;
const KILL_AFTER_ACKS = 12;

interface Batch {
  scans: { scanId: string; token: string; scannedAt: string }[];
}

/** A checkpoint device's upload queue: a batch leaves it only once the server has answered 200. */
class Device {
  /** Every batch this device made, in order. */
  readonly made: Batch[];
  queue: Batch[];
  constructor(
    readonly name: string,
    readonly credential: string,
    tokens: string[],
  ) {
    const scannedAt = new Date().toISOString();
    this.made = Array.from({ length: BATCHES_PER_DEVICE }, (_, b) => ({
      scans: Array.from({ length: SCANS_PER_BATCH }, (_, i) => ({ scanId: `${name}-${b}-${i}`, token: tokens[(b + i) % tokens.length]!, scannedAt })),
    }));
    this.queue = [...this.made];
  }

  /** Uploads in order until the queue is empty or the server stops answering; returns every outcome status. */
  async drain(url: string, onAck: () => void): Promise<string[]> {
    const statuses: string[] = [];
    while (this.queue.length > 0) {
      let response: Response;
      try {
        response = await fetch(`${url}/api/v1/checkpoint/scans`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.credential}`, 'content-type': 'application/json' },
          body: JSON.stringify(this.queue[0]),
          signal: AbortSignal.timeout(10_000),
        });
      } catch {
        return statuses; // the server is gone; the batch stays queued
      }
      assert.equal(response.status, 200, await response.clone().text());
      const body = (await response.json()) as { results: { status: string }[] };
      statuses.push(...body.results.map((r) => r.status));
      this.queue.shift();
      onAck();
    }
    return statuses;
  }
}

describe('scan uploads across a crash', () => {
  let dataDir: string;
  let devices: Device[];
  const extra = { HEALTHCODE_DEMO_DATA: 'off' };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'healthcode-crash-'));
    // Residents, a venue and two gates, made through the services the server itself uses.
    const opened = await openServices(loadConfig(serverEnv(dataDir, extra)), createLogger('silent'));
    try {
      const { services } = opened;
      const tokens: string[] = [];
      for (const person of [ZHANG_WEI, LIU_FANG, OLIVER_BROWN]) tokens.push((await services.healthCodes.issue((await services.residents.register(person)).id)).token);
      const venue = await services.venues.registerVenue({ name: '武林广场地铁站', type: 'subway_station', region: '330105', address: '武林广场', latitude: 30.27, longitude: 120.16, operator: '杭州地铁' });
      devices = [];
      for (const name of ['gateA', 'gateB']) devices.push(new Device(name, (await services.venues.registerCheckpointDevice(venue.id, name)).token, tokens));
    } finally {
      await opened.close();
    }
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stores every scan exactly once when the server is killed mid-stream and the devices retry', { timeout: 120_000 }, async () => {
    const first: Running = await serve(dataDir, extra);
    let acks = 0;
    const killed = new Promise<void>((resolve) => {
      const onAck = () => {
        acks += 1;
        if (acks === KILL_AFTER_ACKS) {
          first.child.kill('SIGKILL');
          resolve();
        }
      };
      for (const d of devices) void d.drain(first.url, onAck);
    });
    await killed;
    assert.equal(await first.exited, null, 'killed by a signal, not exited');
    const unsent = devices.reduce((n, d) => n + d.queue.length, 0);
    assert.ok(unsent > 0 && unsent < 2 * BATCHES_PER_DEVICE, `the kill fell mid-stream (${unsent} batches left)`);

    // The devices cannot know whether their in-flight batch was stored: after the restart each
    // resends it, and to be sure, everything it sent before as well.
    const second = await serve(dataDir, extra);
    try {
      for (const d of devices) {
        d.queue = [...d.made];
        const statuses = await d.drain(second.url, () => undefined);
        assert.equal(statuses.length, BATCHES_PER_DEVICE * SCANS_PER_BATCH);
        assert.ok(statuses.every((s) => s === 'stored' || s === 'duplicate'), 'no scan rejected');
      }
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }

    const db = new BetterSqlite3(join(dataDir, 'healthcode.db'), { readonly: true });
    try {
      const { rows, scanIds } = db.prepare('select count(*) as rows, count(distinct scan_id) as scanIds from scans').get() as { rows: number; scanIds: number };
      assert.deepEqual({ rows, scanIds }, { rows: 2 * BATCHES_PER_DEVICE * SCANS_PER_BATCH, scanIds: 2 * BATCHES_PER_DEVICE * SCANS_PER_BATCH });
    } finally {
      db.close();
    }
  });
});
