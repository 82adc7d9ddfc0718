import jsonLogic from 'json-logic-js';

/**
 * The JsonLogic engine rules are evaluated with. json-logic-js is one object per process; this
 * module takes from it `log` (a rule could write residents' facts into the server log) and the
 * means to add operations, then freezes it, so no rule and no other module can extend it.
 * Publication allows only a listed set of operators besides (rule-validation.ts).
 */
jsonLogic.rm_operation('log');
jsonLogic.add_operation = () => {
  throw new Error('the rule engine takes no new operations');
};
jsonLogic.rm_operation = () => {
  throw new Error('the rule engine is sealed');
};
Object.freeze(jsonLogic);

export type RulesLogic = jsonLogic.RulesLogic;
export const applyLogic = (logic: unknown, data: unknown): unknown => jsonLogic.apply(logic as RulesLogic, data as Record<string, unknown>);
export const truthy = (value: unknown): boolean => jsonLogic.truthy(value);
