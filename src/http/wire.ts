/**
 * How the API writes an instant: ISO 8601 in UTC with milliseconds ("2026-11-10T04:00:00.000Z").
 * Services hand routes epoch ms (or a Date); routes turn them into the API's strings here and
 * nowhere else, so every response writes time one way. A missing instant stays null.
 */
export function wireTime(instant: number | Date): string;
export function wireTime(instant: number | Date | null): string | null;
export function wireTime(instant: number | Date | null): string | null {
  if (instant === null) return null;
  // toISOString refuses an invalid Date with a RangeError: never "Invalid Date" on the wire.
  return (typeof instant === 'number' ? new Date(instant) : instant).toISOString();
}
