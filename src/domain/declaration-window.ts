/**
 * How far back a declaration reaches, in days: the incubation window the 2020 forms asked about.
 * Apart from the declaration so the resident app bounds its date pickers by the same number.
 */
export const LOOKBACK_DAYS = 14;
