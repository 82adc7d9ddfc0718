import { readFileSync } from 'node:fs';

/**
 * Where a code view's CPU goes, by phase rather than by function: `tsx bench/cpu-profile-phases.ts
 * <file.cpuprofile> [phase,phase…]` reads a V8 CPU profile (HEALTHCODE_BENCH_CPU_PROF of the cold
 * view bench) and puts each sample in the phase of the nearest frame on its stack that names one
 * (the session check, the read, signing, serialisation…), counting only from the first request on
 * (start-up, compiling schemas and loading modules, is left out: the bench does not measure it
 * either). Prints each phase's share of the samples, in µs a request when given the number of
 * requests served (HEALTHCODE_PHASES_REQUESTS; `--cpu-prof` samples once a millisecond), and the top
 * functions (HEALTHCODE_PHASES_TOP, 10) of the phases named.
 * A profile's flat top (cpu-profile-top.ts) hid that, e.g., four caches each cost a little.
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** The first that a frame matches names its phase; frames are tried from the sample's own up to the root. */
const PHASES: [string, RegExp][] = [
  ['logging', /dist\/logging\.js|pino|sonic-boom/],
  ['metrics', /request-metrics|http\/metrics\.js|prom-client/],
  ['protection', /protection\.js|rate-limiter|security-headers/],
  ['signing', /signToken|token-signer|signOneShot|token-cbor|base45|cose/],
  ['subject seal', /subject-seal|\bseal\b/],
  ['session check', /authenticate |verifyToken|fast-jwt|activeSession|readActiveSession/],
  ['database read', /code-view-store|sqlite-driver|executeQuery|kysely|better-sqlite3|pg\/lib|pg-protocol|compiled-query|pg-types/],
  ['decision', /decisions-service|evaluatorFor|withNotes/],
  ['serialisation', /fast-json-stringify|serialize|withTraditional|traditional-text|http\/views\.js|utf8Bytes|wire\.js/],
  ['caches', /invalidated-cache|lru-cache|change-feed/],
  ['code view other', /health-codes-service|keys-service|moving-service|domain\/regions/],
  ['route access', /route-access/],
  // The ideal cold view's own handler (bench/bare-fastify.ts): its read and HMAC, when its profile is read.
  ['baseline handler', /bench\/bare-fastify\.ts/],
  ['fastify', /fastify\/|find-my-way/],
  ['node http out', /writev|_http_outgoing|stream_base_commons|streams\/writable/],
  ['node http in', /_http_incoming|_http_common|_http_server|parserOn/],
  ['gc', /garbage collector/],
  ['idle', /\(idle\)/],
];

const [file, detail = ''] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: cpu-profile-phases.ts <file.cpuprofile> [phase,phase…]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[] };
const parent = new Map<number, number>();
const byId = new Map<number, Node>();
for (const node of profile.nodes) {
  byId.set(node.id, node);
  for (const child of node.children ?? []) parent.set(child, node.id);
}
const label = ({ callFrame: { functionName, url, lineNumber } }: Node) =>
  `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}${url ? `:${lineNumber + 1}` : ''}`;
const stackOf = (sample: number) => {
  const stack: string[] = [];
  for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) stack.push(label(byId.get(id)!));
  return stack;
};

const phases = new Map<string, number>();
const functions = new Map<string, number>();
let started = false;
let counted = 0;
for (const sample of profile.samples) {
  const stack = stackOf(sample);
  // From the first request parsed on: what came before is start-up.
  started ||= stack.some((frame) => frame.startsWith('parserOnIncoming '));
  if (!started) continue;
  counted += 1;
  const phase = stack.flatMap((frame) => PHASES.filter(([, pattern]) => pattern.test(frame)).map(([name]) => name))[0] ?? 'other';
  phases.set(phase, (phases.get(phase) ?? 0) + 1);
  functions.set(`${phase}\t${stack[0]}`, (functions.get(`${phase}\t${stack[0]}`) ?? 0) + 1);
}
const busy = counted - (phases.get('idle') ?? 0);
const requests = Number(process.env.HEALTHCODE_PHASES_REQUESTS ?? 0);
process.stdout.write(`${counted} samples from the first request on, ${busy} busy\n`);
for (const [phase, n] of [...phases].filter(([name]) => name !== 'idle').sort((a, b) => b[1] - a[1])) {
  const perRequest = requests > 0 ? `  ${((n * 1000) / requests).toFixed(1).padStart(6)} µs a request` : '';
  process.stdout.write(`${phase.padEnd(18)} ${((100 * n) / busy).toFixed(1).padStart(5)}% of busy${perRequest}\n`);
}
for (const wanted of detail.split(',').filter(Boolean)) {
  process.stdout.write(`-- ${wanted}\n`);
  const top = [...functions].filter(([key]) => key.startsWith(`${wanted}\t`)).sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.HEALTHCODE_PHASES_TOP ?? 10));
  for (const [key, n] of top) process.stdout.write(`${((100 * n) / busy).toFixed(2).padStart(6)}%  ${key.split('\t')[1]}\n`);
}
