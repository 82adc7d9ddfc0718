/** A rule set typed as JSON that does not parse: where, as an editor counts it. */
export class JsonDraftError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
  }
}

/** Line and column (from 1) of a character offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}

/** JSON.parse, with a failure placed by line and column instead of V8's character position. */
export function parseJsonDraft(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : /Unexpected end of JSON input/.test(message) ? text.length : 0;
    const { line, column } = lineAndColumn(text, offset);
    throw new JsonDraftError(line, column, message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, ''));
  }
}

/**
 * A draft as the editor shows it: indented JSON of what an authority writes. Answers carry `zh-Hant`
 * beside each text, converted from `zh-CN` as they are sent, and the effective rules carry `clears`,
 * made from the outcome; neither is authored, so a set drafted from served rules (an inherited rule
 * replaced by an own copy) leaves them out (publishing would refuse them as unknown fields).
 */
export function draftText(value: unknown): string {
  return JSON.stringify(
    value,
    function (this: unknown, key: string, v: unknown) {
      const generated = key === 'zh-Hant' || (key === 'clears' && typeof this === 'object' && this !== null && 'outcome' in this);
      return generated ? undefined : v;
    },
    2,
  );
}
