import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const SRC = resolve('src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** The files `file` imports from within src/ (type-only imports too: they are arrows in the design). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/gm)].map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
}

/** Every cycle's first occurrence as a path of files, by depth-first search. */
function cycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((i) => files.includes(i))]));
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const next of graph.get(f) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next].map((p) => relative(SRC, p)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

const QUERY = /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto)\(|\bsql`|\.db\b/;

describe('the layers of src/', () => {
  it('has no import loop among the services', () => {
    assert.deepEqual(cycles(filesUnder(join(SRC, 'services'))), []);
  });

  it('has no import loop anywhere in src/', () => {
    assert.deepEqual(cycles(filesUnder(SRC)), []);
  });

  it('keeps every query in the store layer: no service writes SQL or reaches for the database handle', () => {
    const offending = filesUnder(join(SRC, 'services')).filter((f) => QUERY.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offending.map((f) => relative(SRC, f)), []);
  });

  it('lets routes reach data only through services', () => {
    const routes = filesUnder(join(SRC, 'http'));
    const touching = routes.filter((f) => QUERY.test(readFileSync(f, 'utf8')) || importsOf(f).some((i) => i.startsWith(join(SRC, 'store') + '/') && !i.endsWith('database.ts')));
    assert.deepEqual(touching.map((f) => relative(SRC, f)), []);
  });

  it('keeps the domain free of I/O: no import of the store, services, HTTP or node:fs', () => {
    const impure = filesUnder(join(SRC, 'domain')).filter((f) => {
      const text = readFileSync(f, 'utf8');
      return /from '(node:fs|node:net|pg|better-sqlite3|kysely|fastify)'/.test(text) || importsOf(f).some((i) => /\/(store|services|http|cli)\//.test(i));
    });
    assert.deepEqual(impure.map((f) => relative(SRC, f)), []);
  });

  it('takes advisory locks in one place', () => {
    const locking = filesUnder(SRC).filter((f) => readFileSync(f, 'utf8').includes('pg_advisory'));
    assert.deepEqual(locking.map((f) => relative(SRC, f)), ['store/database.ts']);
  });

  it('names a staff actor in the audit log one way', () => {
    const handBuilt = filesUnder(SRC).filter((f) => !f.endsWith('audit-service.ts') && /append\(`\$\{\w+\.name\} \(\$\{\w+\.role\}\)`/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(handBuilt.map((f) => relative(SRC, f)), []);
  });

  it('lets services write an instant as text only through the named formatters of formats of their own: the API\'s wire is the routes\' (wireTime)', () => {
    // File (under src/services) → the one function in it that may call toISOString, and why it keeps its own format.
    const formatters: Record<string, string> = {
      'residents/residents-service.ts': 'exportTime', // the personal export, healthcode-export/1
      'oversight/sunset-service.ts': 'reportTime', // the signed sunset report
      'tracing/tracing-service.ts': 'traceTime', // the trace record stored in traces.result
      'audit-service.ts': 'auditTime', // instants inside hash-chained audit details
      'service-errors.ts': 'messageTime', // instants in messages for people
      'demo-data.ts': 'inputTime', // demo inputs written as the API's clients write them
    };
    const outside = filesUnder(join(SRC, 'services')).flatMap((f) => {
      const name = formatters[relative(join(SRC, 'services'), f)];
      const text = readFileSync(f, 'utf8');
      if (name !== undefined) assert.match(text, new RegExp(`function ${name}\\(`), `${relative(SRC, f)} still holds ${name}`);
      const rest = name === undefined ? text : text.replace(new RegExp(`function ${name}\\([^)]*\\)[^{]*\\{[^}]*\\}`, 'g'), '');
      return rest.includes('.toISOString(') ? [relative(SRC, f)] : [];
    });
    assert.deepEqual(outside, []);
  });

  it('keeps every text message in one module', () => {
    const sending = filesUnder(SRC).filter((f) => !f.endsWith('sms-texts.ts') && /【健康码】/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(sending.map((f) => relative(SRC, f)), []);
  });

  it('gives the browser apps the API only through the contract generated from it: no web/ import of src/http, services or store', () => {
    const webFiles = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? webFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
    const reaching = webFiles(resolve('web/src')).filter((f) => [...readFileSync(f, 'utf8').matchAll(/from\s+'([^']+)'/g)].some((m) => /(^|\/)src\/(http|services|store)\//.test(resolve(dirname(f), m[1]!))));
    assert.deepEqual(reaching.map((f) => relative(resolve('web/src'), f)), []);
  });

  it('lets the browser apps into src/ through two doors only: src/codes/index.ts and src/domain/index.ts', () => {
    const doors = [resolve('src/codes/index.js'), resolve('src/domain/index.js')];
    const webFiles = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? webFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
    const files = [...webFiles(resolve('web/src')), ...readdirSync(resolve('web')).filter((n) => /\.tsx?$/.test(n)).map((n) => resolve('web', n))];
    const reaching = files.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)]
        .map((m) => resolve(dirname(f), m[1]!))
        .filter((target) => target.startsWith(SRC + '/') && !doors.includes(target))
        .map((target) => `${relative(resolve('web'), f)} -> ${relative(resolve('.'), target)}`),
    );
    assert.deepEqual(reaching, []);
  });
});

/** Whether a file holds code that runs, not only types: its JavaScript is empty once the types are erased. */
function hasLogic(file: string): boolean {
  const js = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, removeComments: true } }).outputText;
  return js.replace(/^export \{\};$/m, '').trim() !== '';
}

/** The names `foo.ts` that a `foo.test.ts` somewhere under test/ is named after. */
function namesWithTest(): Set<string> {
  const tests = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tests(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [e.name.replace(/\.test\.ts$/, '.ts')] : []));
  return new Set(tests(resolve('test')));
}

/**
 * Service and store files with logic but no test of the same name, as they stood when this list was made. It may only
 * shrink: a file added without a test fails below, and so does a listed file that has since gained its test (strike it).
 */
const WITHOUT_SAME_NAMED_TEST = [
  'services/oversight/appeals-service.ts',
  'services/audit-service.ts',
  'services/tracing/case-finder-service.ts',
  'services/residents/check-ins-service.ts',
  'services/context.ts',
  'services/oversight/corrections-service.ts',
  'services/ended-regions.ts',
  'services/federation/host-apps-service.ts',
  'services/residents/identity-reclaims-service.ts',
  'services/decisions/import-parsing.ts',
  'services/keys-service.ts',
  'services/federation/oauth-adapter.ts',
  'services/federation/operator-client.ts',
  'services/decisions/rules-service.ts',
  'services/service-errors.ts',
  'services/services.ts',
  'services/tracing/tracing-service.ts',
  'services/federation/travel-card-service.ts',
  'services/checkpoints/venues-service.ts',
  'store/oversight/appeals-store.ts',
  'store/audit-store.ts',
  'store/decisions/authority-records-store.ts',
  'store/change-feed.ts',
  'store/residents/check-ins-store.ts',
  'store/oversight/corrections-store.ts',
  'store/data-key-check-store.ts',
  'store/residents/identity-reclaims-store.ts',
  'store/migrations/0001-foundation.ts',
  'store/migrations/0002-rules-and-codes.ts',
  'store/migrations/0003-checkpoints-and-tracing.ts',
  'store/migrations/0004-scans-partitioned-by-day.ts',
  'store/migrations/0005-appeals.ts',
  'store/migrations/0006-scan-key-with-time.ts',
  'store/migrations/0007-decision-sequence.ts',
  'store/migrations/0008-hardening.ts',
  'store/migrations/0009-current-decision.ts',
  'store/migrations/0010-devices.ts',
  'store/migrations/0011-federation.ts',
  'store/migrations/0012-host-apps.ts',
  'store/migrations/0013-explained-decisions.ts',
  'store/migrations/0014-corrections.ts',
  'store/migrations/0015-sunset.ts',
  'store/migrations/0018-sunset-steps.ts',
  'store/migrations/0020-household-claims.ts',
  'store/migrations/0021-federation-trust.ts',
  'store/migrations/0024-devices-and-staff-regions.ts',
  'store/migrations/0026-sign-in-tickets.ts',
  'store/migrations/0027-colour-notices.ts',
  'store/migrations/index.ts',
  'store/decisions/colour-notices-store.ts',
  'store/federation/oauth-store.ts',
  'store/residents/outbox-store.ts',
  'store/decisions/redecision-queue-store.ts',
  'store/decisions/rule-sets-store.ts',
  'store/checkpoints/scans-store.ts',
  'store/residents/sign-in-store.ts',
  'store/signing-keys-store.ts',
  'store/oversight/stats-store.ts',
  'store/stores.ts',
  'store/oversight/sunset-store.ts',
  'store/tracing/traces-store.ts',
  'store/checkpoints/venues-store.ts',
];

describe('tests named after what they test', () => {
  const named = namesWithTest();
  const lacking = ['services', 'store'].flatMap((layer) => filesUnder(join(SRC, layer))).filter((f) => hasLogic(f) && !named.has(basename(f))).map((f) => relative(SRC, f));

  it('gives every service and store file with logic a test of the same name, but for those listed when the list was made', () => {
    assert.deepEqual(lacking.filter((f) => !WITHOUT_SAME_NAMED_TEST.includes(f)), []);
  });

  it('strikes from that list every file that now has its test, or is gone', () => {
    assert.deepEqual(WITHOUT_SAME_NAMED_TEST.filter((f) => !lacking.includes(f)), []);
  });
});
