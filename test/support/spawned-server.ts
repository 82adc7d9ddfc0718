import { spawn, type ChildProcess } from 'node:child_process';

/** `healthcode` run from source, as a newcomer's `npm start` would run it compiled. */
export const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

export interface Running {
  child: ChildProcess;
  url: string;
  lines: string[];
  exited: Promise<number | null>;
}

/**
 * A minimal environment: nothing of the developer's own leaks into the server under test. Load
 * shedding is off unless a test asks for it: a busy test machine passes any event-loop mark, and a
 * server compiled by tsx at its first requests does too (load-shedding.test.ts and the overload
 * benchmark test shedding itself).
 */
export function serverEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, HEALTHCODE_DATA_DIR: dataDir, HEALTHCODE_PORT: '0', HEALTHCODE_SHED_EVENT_LOOP_DELAY: '0', ...extra };
}

/**
 * Starts `healthcode serve` (from source, or `cli` given) and waits (at most `waitMs`, 45 s by
 * default: several servers compiled by tsx at once on a busy two-core machine take long) for the line
 * that says where it listens.
 */
export function serve(dataDir: string, extra: Record<string, string> = {}, cli: string[] = CLI, args: string[] = [], waitMs = 45_000): Promise<Running> {
  const child = spawn(process.execPath, [...cli, 'serve', ...args], { env: serverEnv(dataDir, extra), stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no start within ${waitMs / 1000} s:\n${lines.join('\n')}`));
    }, waitMs);
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        const url = /healthcode is running: open (\S+?)\/ /.exec(line)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve({ child, url, lines, exited });
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${lines.join('\n')}`));
    });
  });
}

/** Request limits out of the way, for tests and benchmarks whose load comes from one address (a city's comes from many). */
export const NO_LIMITS_ENV: Record<string, string> = {
  HEALTHCODE_LIMIT_SIGN_IN_PER_ADDRESS: '100000',
  HEALTHCODE_LIMIT_SIGN_IN_TOTAL: '10000000',
  HEALTHCODE_LIMIT_REGISTRATIONS: '100000',
  HEALTHCODE_LIMIT_DEVICE_CHECKS: '1000000',
  HEALTHCODE_LIMIT_IMPORTS: '100000',
  HEALTHCODE_LIMIT_SIGN_IN_ATTEMPTS: '100000',
  HEALTHCODE_LIMIT_ID_LOOKUPS: '100000',
  HEALTHCODE_LIMIT_ID_LOOKUPS_VENUE: '1000000',
  HEALTHCODE_LIMIT_DEVICES: '100000',
};
