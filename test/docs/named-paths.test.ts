import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

/**
 * The README and docs/ send readers to files by path (`src/codes/token-verifier.ts`,
 * `test/browser/focus.test.ts`). A file moved or renamed without its mention leaves a reader
 * looking for nothing: this fails then. docs/architecture.md is held by its own test.
 */

/** The repository paths a document names in backticks; a path with a placeholder (`<area>`) is none. */
function namedPaths(markdown: string): string[] {
  return [...new Set([...markdown.matchAll(/`((?:src|test|web|docs|bench|scripts)\/[^`<>…*\s]*)`/g)].map((m) => m[1]!))];
}

const documents = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md') && f !== 'architecture.md').map((f) => `docs/${f}`)];

describe('the paths the documents name', () => {
  it('reads a backticked repository path, and no placeholder, command or address', () => {
    const text = 'see `src/codes/token-verifier.ts` and `web/src/scanner/`, tests in `test/<layer>/<area>/`, run `npm test`, open `/resident/`';
    assert.deepEqual(namedPaths(text), ['src/codes/token-verifier.ts', 'web/src/scanner/']);
  });

  it('names only files and folders that exist', () => {
    const missing = documents.flatMap((doc) => namedPaths(readFileSync(doc, 'utf8')).filter((p) => !existsSync(p)).map((p) => `${doc}: ${p}`));
    assert.deepEqual(missing, []);
  });
});
