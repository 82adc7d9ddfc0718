import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';

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

/** CSV with a header row naming the fields. */
export async function* parseCsv(input: Readable): AsyncGenerator<ParsedRow> {
  const parser = input.pipe(parse({ columns: true, info: true, skip_empty_lines: true, trim: true, relax_column_count: true, bom: true }));
  try {
    for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { line: item.info.lines, record: item.record };
    }
  } catch (error) {
    yield { line: -1, error: `the CSV cannot be read further: ${(error as Error).message}` };
  }
}

export function parseImport(format: ImportFormat, input: Readable): AsyncGenerator<ParsedRow> {
  return format === 'csv' ? parseCsv(input) : parseNdjson(input);
}
