import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer } from '../../src/cli/server.js';
import { DOCUMENT_TYPES, verifyDocument } from '../../src/codes/signed-document.js';
import { systemClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logging.js';
import { nodeVerify } from '../../src/codes/token-signer.js';
import { makeBackup } from '../../src/privacy/key-backup.js';
import { FileRegionKeys, kidOf, RegionKeys } from '../../src/privacy/region-keys.js';
import { ENGINES } from '../support/engines.js';
import { sunsetOperator, XIHU, YUHANG, type SunsetOperator } from '../support/sunset-operator.js';
import { auditedCounts } from '../support/sunset-audit.js';

/**
 * The second authority's `healthcode sunset` killed (SIGKILL, a real crash) at each step of the run:
 * inside the data transaction before it commits, after it commits, after a district key (and its
 * escrow entry) is destroyed, after the keys step is recorded. Each time `serve` still starts,
 * saying what finishes the run, and the command run again finishes it with a complete, signed report.
 */
const STEPS = [
  { at: 'erase-before-commit', status: 'approved', keyLeft: true },
  { at: 'erased', status: 'erased', keyLeft: true },
  { at: 'key-destroyed', status: 'erased', keyLeft: false },
  { at: 'keys-destroyed', status: 'keys-destroyed', keyLeft: false },
] as const;

/**
 * `serve` as the CLI runs it (startServer, in this process: a spawned one would only add tsx's
 * compile time); resolves with its log lines once it listens, then stops it.
 */
async function serverStarts(op: SunsetOperator): Promise<string[]> {
  const lines: string[] = [];
  const server = await startServer(op.config(), createLogger('info', { write: (line: string) => void lines.push(line) }), systemClock, { scheduledJobs: false });
  await server.close();
  return lines;
}

for (const engine of ENGINES) {
  describe(`a sunset killed part-way [${engine}]`, () => {
    let op: SunsetOperator;
    afterEachOperator();
    function afterEachOperator() {
      after(async () => op?.dispose());
    }

    for (const step of STEPS) {
      describe(`at '${step.at}'`, () => {
        let kid: string;
        before(async () => {
          await op?.dispose();
          op = await sunsetOperator(engine);
          // A key backup was made before: the escrow holds Yuhang's and Xihu's entries.
          const master = Buffer.from(readFileSync(join(op.dataDir, 'keys', 'data.key'), 'utf8').trim(), 'base64');
          const keys = RegionKeys.underMasterKey(new FileRegionKeys(join(op.dataDir, 'keys', 'regions')), master);
          makeBackup(keys, new FileRegionKeys(op.escrowDir, false), new Date(), 30);
          kid = kidOf(keys.wrapped('330110')!);
        });

        it('leaves a state the server starts on and the command finishes, with a signed report', { timeout: 240_000 }, async () => {
          const killed = op.cli(['sunset', '--region', '330110'], { HEALTHCODE_STAFF_TOKEN: op.tokens.li }, step.at);
          assert.equal(killed.signal, 'SIGKILL', `killed at ${step.at}: ${killed.stdout}${killed.stderr}`);
          const keyFile = join(op.dataDir, 'keys', 'regions', '330110.key');
          assert.equal(existsSync(keyFile), step.keyLeft, 'the key is destroyed only after the erasure committed');
          const stopped = await op.open();
          try {
            assert.equal((await stopped.services.sunset.unfinished())[0]?.status, step.status);
          } finally {
            await stopped.close();
          }

          const lines = await serverStarts(op);
          assert.ok(
            lines.some((l) => l.includes(`it stopped at '${step.status}'`) && l.includes('healthcode sunset --region 330110')),
            `the log names the command that finishes it:\n${lines.join('\n')}`,
          );

          // Any member of the authority finishes it: here the one who asked.
          const resumed = op.cli(['sunset', '--region', '330110'], { HEALTHCODE_STAFF_TOKEN: op.tokens.wang });
          assert.equal(resumed.status, 0, resumed.stderr);
          assert.match(resumed.stdout, new RegExp(`it stopped at '${step.status}'`));
          // Three residents: fewer than the smallest count shown exactly (5), so a range, as the public report says.
          assert.match(resumed.stdout, /done: 1-4 residents' personal data destroyed, 1 district keys destroyed/);
          assert.equal(existsSync(keyFile), false);
          assert.equal(existsSync(join(op.escrowDir, '330110.key')), false, "Yuhang's escrow entry is destroyed");
          assert.ok(existsSync(join(op.escrowDir, '330106.key')), "Xihu's stays");

          const opened = await op.open();
          try {
            const [published] = await opened.services.sunset.reports();
            assert.ok(published);
            assert.deepEqual(published.report.residents, { atLeast: 1, atMost: 4 });
            const audited = await auditedCounts(opened.services, published.report.id);
            assert.equal(audited.residents, 3, 'the exact count is kept for auditors');
            assert.deepEqual(published.report.keysDestroyed, [{ region: '330110', kid }], 'the key destroyed, named by the id it had before the crash');
            assert.ok(audited.deleted.decisions! >= 3 && audited.deleted.declarations === 3, JSON.stringify(audited.deleted));
            assert.match(published.report.backups!.keyBackups, /districts were destroyed with the keys, so no such backup, whenever taken, opens them/);
            const operator = await opened.services.keys.operatorKey();
            const { payload } = await verifyDocument(Buffer.from(published.signed, 'base64'), DOCUMENT_TYPES.sunsetReport, (k) => (k === operator.kid ? operator.publicKey : undefined), nodeVerify());
            assert.deepEqual(payload, published.report);
            assert.equal((await opened.services.sunset.unfinished()).length, 0);
            assert.equal((await opened.services.residents.get(op.ids[XIHU.idNumber]!)).name, XIHU.name, 'Xihu reads');
            for (const person of YUHANG) assert.equal(await opened.services.residents.hasPhone(person.phone!), false);
          } finally {
            await opened.close();
          }
        });
      });
    }

    describe('a database left by the old order: approved, the key destroyed, the residents still sealed under it', () => {
      before(async () => {
        await op?.dispose();
        op = await sunsetOperator(engine);
        const opened = await op.open();
        try {
          const [asked] = await opened.services.sunset.pending();
          await opened.services.sunset.approve(await opened.services.staff.authenticate(op.tokens.li, ['authority']), asked!.id);
        } finally {
          await opened.close();
        }
        rmSync(join(op.dataDir, 'keys', 'regions', '330110.key'));
      });

      it('starts, and the command finishes the sunset', { timeout: 240_000 }, async () => {
        assert.ok((await serverStarts(op)).some((l) => l.includes("it stopped at 'approved'")));
        const resumed = op.cli(['sunset', '--region', '330110'], { HEALTHCODE_STAFF_TOKEN: op.tokens.li });
        assert.equal(resumed.status, 0, resumed.stderr);
        // Three residents, fewer than 5: shown as the public report shows them.
        assert.match(resumed.stdout, /done: 1-4 residents' personal data destroyed/);
        await serverStarts(op);
      });
    });
  });
}
