import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

/**
 * The server's log lines are written in the background (stdoutInBackground): none may be lost when
 * the process ends at once after logging them, by process.exit or by a crash.
 */
describe('logging to standard output in the background', () => {
  const run = (ending: string) => {
    const script = `
      import { createLogger, stdoutInBackground } from './src/logging.ts';
      const logger = createLogger('info', stdoutInBackground());
      for (let i = 0; i < 2000; i += 1) logger.info({ i }, 'line');
      ${ending}
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { status: child.status, lines: child.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { i: number }).i) };
  };
  const everyLine = Array.from({ length: 2000 }, (_, i) => i);

  it('keeps every line logged before process.exit, in order', () => {
    const { status, lines } = run('process.exit(3);');
    assert.equal(status, 3);
    assert.deepEqual(lines, everyLine);
  });

  it('keeps every line logged before a crash, in order', () => {
    const { status, lines } = run("throw new Error('crash');");
    assert.notEqual(status, 0);
    assert.deepEqual(lines, everyLine);
  });
});
