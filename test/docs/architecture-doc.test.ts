import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

/**
 * docs/architecture.md tells a newcomer where each area lives in each layer. A table that names a
 * folder since moved, or misses one added, sends them to the wrong place: this fails then.
 */

/** The table of areas: its layer columns (the header cells naming a folder) and a row per area. */
interface AreaTable {
  layers: string[];
  rows: { area: string; folders: (string | null)[] }[];
}

/** What a document says about the folders, read from its markdown. */
interface FolderDoc {
  table: AreaTable;
  /** Folders inside a layer that the document says are not areas. */
  notAreas: string[];
  /** Every repository path the document names in backticks. */
  paths: string[];
}

const cells = (line: string): string[] => line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
const folderIn = (cell: string): string | undefined => /^`([^`]+)\/?`$/.exec(cell)?.[1]?.replace(/\/$/, '');

/** The markdown tables of a section, each as its lines (header first, the |---| line left out). */
function tablesOf(section: string): string[][] {
  const tables: string[][] = [];
  let current: string[] | undefined;
  for (const line of section.split('\n')) {
    if (!line.trim().startsWith('|')) {
      current = undefined;
      continue;
    }
    if (/^\|[\s|:-]+\|$/.test(line.trim())) continue;
    if (!current) tables.push((current = []));
    current.push(line);
  }
  return tables;
}

function readFolderDoc(markdown: string): FolderDoc {
  const start = markdown.indexOf('\n## Areas\n');
  assert.ok(start >= 0, 'the document has a "## Areas" section');
  const end = markdown.indexOf('\n## ', start + 1);
  const [areas, others] = tablesOf(markdown.slice(start, end < 0 ? undefined : end));
  assert.ok(areas && others, 'the Areas section has the table of areas and the table of folders that are not areas');
  const header = cells(areas[0]!);
  const layerColumns = header.flatMap((c, i) => (folderIn(c) ? [i] : []));
  const table: AreaTable = {
    layers: layerColumns.map((i) => folderIn(header[i]!)!),
    rows: areas.slice(1).map((line) => {
      const row = cells(line);
      return { area: row[0]!, folders: layerColumns.map((i) => (row[i] === '—' ? null : (folderIn(row[i] ?? '') ?? `not a folder: ${row[i]}`))) };
    }),
  };
  const notAreas = others.slice(1).map((line) => folderIn(cells(line)[0]!) ?? `not a folder: ${cells(line)[0]}`);
  const paths = [...markdown.matchAll(/`((?:src|test|web|docs|bench|scripts)\/[^`<>…*\s]*)`/g)].map((m) => m[1]!);
  return { table, notAreas, paths };
}

/** The file system as the checks see it, so that they can be shown failing on a made-up tree. */
interface Tree {
  exists(path: string): boolean;
  subfolders(path: string): string[];
}

const repository: Tree = {
  exists: (path) => existsSync(path),
  subfolders: (path) => (existsSync(path) ? readdirSync(path, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : []),
};

/** Area folders in the tree that the table does not list (nor calls "not an area"). */
function foldersMissingFromTable(doc: FolderDoc, tree: Tree): string[] {
  const listed = new Set([...doc.table.rows.flatMap((r) => r.folders), ...doc.notAreas]);
  return doc.table.layers.flatMap((layer) => tree.subfolders(layer).map((name) => `${layer}/${name}`)).filter((f) => !listed.has(f));
}

/** Cells that name no folder of their layer for their row's area. */
function cellsNamingNoFolder(doc: FolderDoc, tree: Tree): string[] {
  return doc.table.rows.flatMap((row) =>
    row.folders.flatMap((folder, i) => {
      if (folder === null) return [];
      const layer = doc.table.layers[i]!;
      if (folder !== `${layer}/${row.area}`) return [`${row.area} × ${layer}: ${folder} (expected ${layer}/${row.area})`];
      return tree.exists(folder) ? [] : [`${row.area} × ${layer}: ${folder} does not exist`];
    }),
  );
}

function namedPathsMissing(doc: FolderDoc, tree: Tree): string[] {
  const cells = new Set(doc.table.rows.flatMap((r) => r.folders));
  return [...new Set([...doc.table.layers, ...doc.notAreas, ...doc.paths])].filter((p) => !cells.has(p.replace(/\/$/, '')) && !tree.exists(p.replace(/\/$/, '')));
}

const SAMPLE = `# x

## Areas

| area | what | \`src/services\` | \`src/domain\` |
|---|---|---|---|
| residents | signs in | \`src/services/residents/\` | — |
| tracing | traces | \`src/services/tracing/\` | \`src/domain/tracing/\` |

| folder | what it holds |
|---|---|
| \`src/domain/rules/\` | the rule language |

## Where to look

- sign-in — \`src/services/residents/sign-in-service.ts\`; a screen in \`web/src/<app>/\`
`;

function tree(folders: Record<string, string[]>, files: string[] = []): Tree {
  const all = new Set([...Object.keys(folders), ...Object.entries(folders).flatMap(([p, subs]) => subs.map((s) => `${p}/${s}`)), ...files]);
  return { exists: (p) => all.has(p), subfolders: (p) => folders[p] ?? [] };
}

describe('the architecture document', () => {
  const doc = readFolderDoc(readFileSync('docs/architecture.md', 'utf8'));

  it('reads the table of areas: layer columns, a row per area, "—" where an area has no folder', () => {
    const sample = readFolderDoc(SAMPLE);
    assert.deepEqual(sample.table, {
      layers: ['src/services', 'src/domain'],
      rows: [
        { area: 'residents', folders: ['src/services/residents', null] },
        { area: 'tracing', folders: ['src/services/tracing', 'src/domain/tracing'] },
      ],
    });
    assert.deepEqual(sample.notAreas, ['src/domain/rules']);
    assert.ok(sample.paths.includes('src/services/residents/sign-in-service.ts'));
    assert.ok(!sample.paths.some((p) => p.includes('<')), 'a path with a placeholder is no path');
  });

  it('finds an area folder the table leaves out, and a cell naming a folder that is gone or of another area', () => {
    const sample = readFolderDoc(SAMPLE);
    const moved = tree({ 'src/services': ['residents', 'oversight'], 'src/domain': ['rules'] }, ['src/services/residents/sign-in-service.ts']);
    assert.deepEqual(foldersMissingFromTable(sample, moved), ['src/services/oversight']);
    assert.deepEqual(cellsNamingNoFolder(sample, moved), [
      'tracing × src/services: src/services/tracing does not exist',
      'tracing × src/domain: src/domain/tracing does not exist',
    ]);
    const misplaced = readFolderDoc(SAMPLE.replace('| tracing | traces | `src/services/tracing/`', '| tracing | traces | `src/services/residents/`'));
    assert.match(cellsNamingNoFolder(misplaced, moved)[0]!, /tracing × src\/services: src\/services\/residents \(expected src\/services\/tracing\)/);
  });

  it('has a row for each area and a column for each layer split by area', () => {
    assert.deepEqual(doc.table.rows.map((r) => r.area), ['residents', 'decisions', 'checkpoints', 'tracing', 'oversight', 'federation']);
    assert.deepEqual(doc.table.layers, ['src/http/routes', 'src/services', 'src/store', 'src/domain']);
  });

  it('lists every area folder that exists under each layer', () => {
    assert.deepEqual(foldersMissingFromTable(doc, repository), []);
  });

  it('names in each cell a folder that exists, of its layer and its row\'s area', () => {
    assert.deepEqual(cellsNamingNoFolder(doc, repository), []);
  });

  it('names only paths that exist, beside the cells: layers, folders that are not areas, where to look', () => {
    assert.deepEqual(namedPathsMissing(doc, repository), []);
  });
});
