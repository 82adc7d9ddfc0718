import { createReadStream, existsSync } from 'node:fs';
import { extname } from 'node:path';
import cliProgress from 'cli-progress';
import type { Config } from '../config.js';
import { IMPORT_KINDS, type ImportKind } from '../domain/decisions/authority-records.js';
import { createLogger } from '../logging.js';
import { parseImport } from '../services/decisions/import-parsing.js';
import { openServices } from './server.js';

/** `healthcode import KIND FILE`: authority data from .ndjson or .csv, with a progress bar and a report. */
export async function importCommand(args: string[], config: () => Config, fail: (message: string) => never): Promise<void> {
  const [kind, file] = args;
  if (!kind || !(IMPORT_KINDS as readonly string[]).includes(kind)) fail(`import: KIND must be one of ${IMPORT_KINDS.join(', ')}`);
  if (!file || !existsSync(file)) fail(`import: FILE '${file ?? ''}' does not exist`);
  const format = extname(file).toLowerCase() === '.csv' ? 'csv' : 'ndjson';
  const opened = await openServices(config(), createLogger('warn'));
  const bar = new cliProgress.SingleBar({ format: `${kind} {bar} {value} rows | {duration}s`, stream: process.stderr }, cliProgress.Presets.shades_classic);
  try {
    bar.start(0, 0);
    const report = await opened.services.authority.import(kind as ImportKind, parseImport(format, createReadStream(file)), { operator: 'healthcode import (operator command line)' }, (rows) => {
      bar.setTotal(rows);
      bar.update(rows);
    });
    bar.stop();
    process.stdout.write(`${report.rows} rows: ${report.accepted} imported, ${report.unchanged} already there, ${report.invalid.length} invalid, ${report.unmatched.length} unmatched; ${report.redecided} residents re-decided, ${report.colourChanges} changed colour, ${report.notified} phones texted\n`);
    for (const e of report.invalid) process.stdout.write(`  line ${e.line}: ${e.field}: ${e.message}\n`);
    for (const u of report.unmatched) process.stdout.write(`  line ${u.line}: no registered resident matches\n`);
  } finally {
    bar.stop();
    await opened.close();
  }
}
