/**
 * The domain vocabulary the browser apps share with the server: colours, the rule set's shape and
 * what a rule's clearing says, the facts a rule may test, venue types, body-temperature bounds, how
 * far back a declaration reaches, a day in ms. The one door web/ uses into src/domain, beside
 * src/codes/index.ts for the codes (test/architecture.test.ts holds it); the server's own modules
 * import the files themselves.
 */
export { MAX_TEMPERATURE_C, MIN_TEMPERATURE_C } from './body-temperature.js';
export { LOOKBACK_DAYS } from './declaration-window.js';
export { DAY_MS } from './clock.js';
export { COLOURS, QR_INK, type Colour } from './colour.js';
export { PAIRING_PREFIX, VENUE_TYPES } from './checkpoints/venue.js';
export { HOLDER_REFUSALS, type HolderRefusal } from './checkpoints/holder-refusals.js';
export { CARD_REFUSALS, PAPER_CARD_PREFIX, type CardRefusal } from './residents/paper-card.js';
export { entryVerdict, type EntryPolicy } from './checkpoints/entry-policy.js';
export { clearingOf, clearingText, withClears } from './rules/clearing.js';
export { LIST_FACTS, SCALAR_FACTS, type FactType } from './rules/fact-vocabulary.js';
export type { Override, Rule } from './rules/rule-set.js';
export { sumShown, type ShownCount } from './small-counts.js';
