import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

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
