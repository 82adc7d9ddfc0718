import countries from 'i18n-iso-countries';

/** ISO 3166-1 countries, from the maintained `i18n-iso-countries` dataset. */

/** Normalises an alpha-2 or alpha-3 code to alpha-2, or undefined if it names no country. */
export function toAlpha2(code: string): string | undefined {
  const upper = code.toUpperCase();
  if (/^[A-Z]{2}$/.test(upper)) return countries.isValid(upper) ? upper : undefined;
  if (/^[A-Z]{3}$/.test(upper)) return countries.alpha3ToAlpha2(upper) || undefined;
  return undefined;
}

export function isAlpha3(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && Boolean(countries.alpha3ToAlpha2(code));
}

export function isNumericCountry(code: string): boolean {
  return /^\d{3}$/.test(code) && Boolean(countries.numericToAlpha2(code));
}
