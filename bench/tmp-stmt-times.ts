import BetterSqlite3 from 'better-sqlite3';
import { DEFAULT_LIMITS } from '../src/config.js';
import { benchServices, syntheticResident } from './bench-support.js';

const commits: number[] = [];
const times = new Map<string, { n: number; ns: bigint }>();
const proto = (BetterSqlite3 as unknown as { prototype: { prepare: (sql: string) => unknown } }).prototype;
const prepare = proto.prepare;
proto.prepare = function (this: unknown, sql: string) {
  const st = prepare.call(this, sql) as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ['run', 'all', 'get']) {
    const f = st[m]!.bind(st);
    st[m] = (...a: unknown[]) => {
      const t = process.hrtime.bigint();
      try { return f(...a); } finally {
        const e = times.get(sql) ?? { n: 0, ns: 0n };
        const d = process.hrtime.bigint() - t; e.n++; e.ns += d; times.set(sql, e); if (sql === 'commit') commits.push(Number(d) / 1000);
      }
    };
  }
  return st;
};
const bench = await benchServices('sqlite', undefined, 0, undefined, { ...DEFAULT_LIMITS, signInCodesPerMinute: 1e7 });
const forms = [];
for (let i = 0; i < 3000; i++) {
  const p = syntheticResident(i);
  const { ticket } = await bench.services.signIn.requestSignInCode(p.phone!);
  const code = /\b(\d{6})\b/.exec((await bench.services.signIn.lastMessageTo(p.phone!)) ?? '')![1]!;
  forms.push({ ...p, code, ticket });
}
times.clear(); commits.length = 0;
for (const f of forms) await bench.services.registration.register(f);
for (const [sql, { n, ns }] of [...times].sort((a, b) => Number(b[1].ns - a[1].ns)).slice(0, 15)) console.log(Math.round(Number(ns) / n / 1000), 'us x', n, sql.replace(/\s+/g, ' ').slice(0, 300));
commits.sort((a, b) => a - b); console.log('commit p50', commits[commits.length >> 1], 'p90', commits[Math.floor(commits.length * 0.9)], 'p99', commits[Math.floor(commits.length * 0.99)], 'max', commits.at(-1), 'sum', commits.reduce((a, b) => a + b, 0));
await bench.dispose();
