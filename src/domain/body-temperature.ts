/**
 * The body temperatures a declaration or a check-in accepts, in °C: wider than any fever, narrower
 * than a typo in Fahrenheit. Apart from the declaration so the apps check the same range in the browser.
 */
export const MIN_TEMPERATURE_C = 34;
export const MAX_TEMPERATURE_C = 43;
