/** ISO 7064 MOD 11-2, as GB 11643-1999 uses it: the check character for 17 digits ('X' stands for 10). */
export function mod11_2CheckCharacter(seventeenDigits: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    // Weight of position i (counted from the left, check digit at the right) is 2^(17-i) mod 11.
    const weight = 2 ** (17 - i) % 11;
    sum += Number(seventeenDigits[i]) * weight;
  }
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

/** ICAO 9303 check digit (weights 7, 3, 1; A-Z count 10-35; '<' counts 0), as machine-readable documents use. */
export function icaoCheckDigit(text: string): string {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    let value: number;
    if (ch >= '0' && ch <= '9') value = ch.charCodeAt(0) - 48;
    else if (ch >= 'A' && ch <= 'Z') value = ch.charCodeAt(0) - 55;
    else value = 0;
    sum += value * weights[i % 3]!;
  }
  return String(sum % 10);
}
