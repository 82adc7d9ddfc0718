/**
 * Names in Latin script as a passport's machine-readable zone writes them (ICAO Doc 9303 Part 3):
 * capitals A to Z only, national characters transliterated (Ü as UE, ß as SS, Ø as OE…), apostrophes
 * and full stops dropped, spaces, hyphens and commas separating the parts. A guard holding a passport
 * reads the same letters in its MRZ and, on most passports, in the printed name above it.
 */

/** The ICAO 9303 transliterations that are not simply the letter without its accent. */
const ICAO: Record<string, string> = {
  Ä: 'AE',
  Å: 'AA',
  Æ: 'AE',
  Ö: 'OE',
  Ø: 'OE',
  Ü: 'UE',
  ß: 'SS',
  ẞ: 'SS',
  Þ: 'TH',
  Ð: 'D',
  Đ: 'D',
  Ħ: 'H',
  Ĳ: 'IJ',
  Ŀ: 'L',
  Ł: 'L',
  Ŋ: 'N',
  Œ: 'OE',
  Ŧ: 'T',
  ı: 'I',
};

/** Letters of any script but Latin, or marks of text direction: such a name is not written as an MRZ writes it. */
const LATIN_NAME = /^(?=.*\p{L})[\p{Script=Latin}\p{M}\s'’.,-]+$/u;

export function isLatinName(name: string): boolean {
  return LATIN_NAME.test(name.trim());
}

/** One name part in MRZ letters: "Müller" -> "MUELLER", "O'Brien" -> "OBRIEN". */
export function mrzLetters(part: string): string {
  let out = '';
  for (const ch of part.normalize('NFC')) {
    const upper = ch.toUpperCase();
    const mapped = ICAO[ch] ?? ICAO[upper] ?? upper.normalize('NFD').replace(/\p{M}/gu, '');
    out += mapped.replace(/[^A-Z]/g, '');
  }
  return out;
}

/** The parts of a Latin name in MRZ letters, in the order written: "Anna-Lena Müller" -> ["ANNA", "LENA", "MUELLER"]. */
export function mrzNameParts(name: string): string[] {
  return name
    .trim()
    .split(/[\s,-]+/u)
    .map(mrzLetters)
    .filter((part) => part.length > 0);
}
