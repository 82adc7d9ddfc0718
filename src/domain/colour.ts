/** The colours a code can show, and the one mark. Severity: red > yellow > gray > green. */
export const COLOURS = ['green', 'yellow', 'red', 'gray'] as const;
export type Colour = (typeof COLOURS)[number];
/** Gold: green and fully vaccinated. */
export const MARKS = ['gold'] as const;
export type Mark = (typeof MARKS)[number];
