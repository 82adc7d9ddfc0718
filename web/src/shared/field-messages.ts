import type { MessageKey } from './messages.js';

/**
 * The server's words for the commonest field problems, in the app's language: an ID number typed
 * wrong is what people meet most. Anything else is shown as the server says it.
 */
const FIELD_MESSAGES: [RegExp, MessageKey][] = [
  [/check character does not match|last character does not match/, 'fieldProblem.idCheck'],
  [/must be 17 digits followed by a digit or X/, 'fieldProblem.idShape'],
  [/birth date \(digits 7-14\)/, 'fieldProblem.idBirth'],
  [/is registered to another account/, 'fieldProblem.idTaken'],
  [/must be the 6 digits sent by SMS/, 'fieldProblem.code'],
  [/must be H or M followed by 8 digits/, 'fieldProblem.homeReturnShape'],
  [/is an older booklet number: give the 8 digits of the current card/, 'fieldProblem.taiwanBooklet'],
  [/must be the 8 digits of the permit card/, 'fieldProblem.taiwanShape'],
  [/nothing is collected there any more/, 'fieldProblem.regionEnded'],
  [/must be a body temperature between/, 'temperature.range'],
  [/is neither an ID number/, 'fieldProblem.searchNeither'],
  [/mixes digits and letters/, 'fieldProblem.searchMixed'],
  [/^enter a name, an ID number or a mobile number$/, 'fieldProblem.searchEmpty'],
  [/^is in the future$/, 'fieldProblem.dateFuture'],
  [/^is more than 14 days ago/, 'fieldProblem.dateTooOld'],
  [/must NOT have fewer than 1 characters$/, 'fieldProblem.empty'],
  [/^a rule set adds at least one rule or overrides an inherited one$/, 'fieldProblem.ruleSetEmpty'],
];

/** The app's own words for a field problem the server worded, or undefined: then the server's are shown. */
export function fieldMessageKey(message: string): MessageKey | undefined {
  return FIELD_MESSAGES.find(([pattern]) => pattern.test(message))?.[1];
}
