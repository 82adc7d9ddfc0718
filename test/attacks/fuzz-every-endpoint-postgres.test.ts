import { it } from 'node:test';
import { fuzzEveryEndpoint } from '../support/fuzz-every-endpoint.js';
import { describeOnEngine } from '../support/harness.js';

// The SQLite half is fuzz-every-endpoint.test.ts: each engine's run alone fills most of a file's time.
describeOnEngine('postgres', 'every endpoint, fuzzed by every caller', (h) => {
  it('holds for every operation, caller and input', { timeout: 600_000 }, (t) => fuzzEveryEndpoint(h, t));
});
