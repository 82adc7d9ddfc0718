import { subscribe } from 'node:diagnostics_channel';

/**
 * Test only, loaded with `node --import ./test/support/crash-at.ts`: kills this process with SIGKILL
 * (no finally, no flush, no commit: a real crash) the moment a sunset's run or a restore reaches the
 * step named in HEALTHCODE_TEST_CRASH_AT, or, when it is `redecision-chunk-saved`, the moment a
 * re-decision has committed its first chunk. Production code only tells its steps on diagnostics channels.
 */
const at = process.env.HEALTHCODE_TEST_CRASH_AT;
if (at) {
  for (const name of ['healthcode:sunset-step', 'healthcode:restore-step']) {
    subscribe(name, (message) => {
      if ((message as { step: string }).step === at) process.kill(process.pid, 'SIGKILL');
    });
  }
}
if (at === 'redecision-chunk-saved') subscribe('healthcode:redecision-chunk-saved', () => process.kill(process.pid, 'SIGKILL'));
