/** A calendar date as written in identity numbers (YYYYMMDD); undefined unless it exists and lies between 1900 and `today`. */
export function parseBirthDate(yyyymmdd: string, today: Date): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(yyyymmdd);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!real || year < 1900 || date.getTime() > today.getTime()) return undefined;
  return date;
}
