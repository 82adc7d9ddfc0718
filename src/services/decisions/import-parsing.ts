import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse as parseCsvText } from 'csv-parse/sync';

/** One row of an import file: its line number, and the record or why it could not be read. */
export type ParsedRow = { line: number; record: Record<string, unknown> } | { line: number; error: string };

export const IMPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Newline-delimited JSON: one object a line; blank lines are skipped. */
export async function* parseNdjson(input: Readable): AsyncGenerator<ParsedRow> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(text);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) yield { line, error: 'is not a JSON object' };
      else yield { line, record: value as Record<string, unknown> };
    } catch {
      yield { line, error: 'is not valid JSON' };
    }
  }
}

/**
 * CSV with a header row naming the fields. Each line is read by itself, so one broken line (a stray
 * quote) is reported by its number and the rest of the file still imports. Authority records have
 * no field that spans lines.
 */
export async function* parseCsv(input: Readable): AsyncGenerator<ParsedRow> {
  let header: string[] | undefined;
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line += 1;
    const raw = line === 1 ? text.replace(/^\uFEFF/, '') : text;
    if (raw.trim() === '') continue;
    let cells: string[];
    try {
      cells = (parseCsvText(raw, { relax_column_count: true, trim: true }) as string[][])[0] ?? [];
    } catch (error) {
      const reason = (error as Error).message.replace(/^CSV_[A-Z_]+:\s*/, '').replace(/ at line \d+$/, '');
      if (header === undefined) {
        yield { line, error: `the header row is not valid CSV (${reason}); nothing can be imported` };
        return;
      }
      yield { line, error: `is not a valid CSV row: ${reason}` };
      continue;
    }
    if (header === undefined) {
      header = cells;
      continue;
    }
    const record: Record<string, unknown> = {};
    header.forEach((name, i) => {
      if (i < cells.length) record[name] = cells[i];
    });
    yield { line, record };
  }
}

export function parseImport(format: ImportFormat, input: Readable): AsyncGenerator<ParsedRow> {
  return format === 'csv' ? parseCsv(input) : parseNdjson(input);
}
