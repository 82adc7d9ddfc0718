import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

/**
 * docs/promises.md lists every promise the documentation (docs/operating.md, api.md, federation.md,
 * apps.md) makes about protection, privacy and destruction, each with the test that attacks it. A promise whose test is renamed or deleted is a promise kept
 * by nobody: this fails then.
 */
interface PromiseLine {
  line: number;
  promise: string;
  file: string;
  test: string;
}

/** The register's rows: `- promise — \`test/file.test.ts\` › test name`. */
function promiseLines(markdown: string): PromiseLine[] {
  return markdown.split('\n').flatMap((text, index) => {
    const row = /^- (.+?) — `([^`]+)` › (.+)$/.exec(text.trim());
    return row ? [{ line: index + 1, promise: row[1]!, file: row[2]!, test: row[3]!.trim() }] : [];
  });
}

/** A test's title as written in its file: quotes inside it may be escaped or typographic. */
function titlesIn(source: string): string {
  return source.replace(/\\(['"`])/g, '$1');
}

describe('the register of promises', () => {
  const markdown = readFileSync('docs/promises.md', 'utf8');
  const lines = promiseLines(markdown);

  it('reads a row as the promise, the test file and the test name', () => {
    assert.deepEqual(promiseLines('- A copied credential ends the device — `test/services/residents/remembered-devices-service.test.ts` › signs the device out\n- not a row'), [
      { line: 1, promise: 'A copied credential ends the device', file: 'test/services/residents/remembered-devices-service.test.ts', test: 'signs the device out' },
    ]);
  });

  it('lists promises, each on a row the parser reads', () => {
    assert.ok(lines.length >= 30, `only ${lines.length} rows read`);
    const bullets = markdown.split('\n').filter((l) => l.trim().startsWith('- ')).length;
    assert.equal(lines.length, bullets, 'every bullet is a promise row: `- promise — `file` › test name`');
  });

  it('names for every promise a test file that exists and a test in it by its title', () => {
    const missing = lines.filter((l) => !existsSync(l.file) || !titlesIn(readFileSync(l.file, 'utf8')).includes(l.test));
    assert.deepEqual(
      missing.map((l) => `docs/promises.md:${l.line}: ${l.file} › ${l.test}`),
      [],
    );
  });
});
