import type { Decision, FiredRule } from '../rules/decide.js';
import type { Source } from '../facts.js';

/**
 * Records about an ID number that came from an authority rather than from the person or their
 * relative: imported tests, cases, contacts found by tracing, rail, air and telecom records.
 */
export const AUTHORITY_SOURCES: readonly Source[] = ['authority', 'trace', 'rail', 'air', 'telecom'];

/** The id of the rule a withheld one is shown as. */
export const WITHHELD_RULE_ID = 'records-await-identity-check';

/** What a cause says when it would name the kind of record (an import of tests, a trace). */
export const WITHHELD_CAUSE = 'records held by the health authority';

const citesAuthority = (rule: FiredRule) => rule.evidence.some((e) => e.source !== null && (AUTHORITY_SOURCES as readonly string[]).includes(e.source));

/**
 * A household member vouched for only by the relative who added them may not be who the relative
 * says: records an authority holds about the number are not the relative's to read until the
 * identity is checked. The colour stays what the records make it (a person at risk is never shown
 * green), but a rule that read them is shown only as "records held by the authority about this ID
 * number": not which kind (a positive test, a case, a close contact, a journey), nor when, nor the
 * quarantine it sets or when it ends (greenOn would date the record). Saying "red because of an
 * imported positive test" would be the very disclosure; the colour alone is the least a gate must see.
 */
export function withholdAuthorityDetail(decision: Decision): Decision {
  if (!decision.rules.some(citesAuthority)) return decision;
  return {
    ...decision,
    rules: decision.rules.map((rule) => (citesAuthority(rule) ? withheldRule(rule) : rule)),
    greenOn: null,
    greenOnNote: decision.colour === 'green' ? decision.greenOnNote : 'needs-action',
  };
}

function withheldRule(rule: FiredRule): FiredRule {
  return {
    id: WITHHELD_RULE_ID,
    version: 0,
    colour: rule.colour,
    mark: rule.mark,
    status: 'active',
    quarantineDays: 0,
    checkIns: null,
    description: {
      'zh-CN': '卫生健康部门掌握与该证件号码有关的记录，决定了此颜色。核验本人身份后方可查看详情。',
      en: 'Records the health authority holds about this ID number set this colour. Their details are shown once the identity is checked.',
    },
    clears: { 'zh-CN': '核验身份后显示解除方式。', en: 'How it clears is shown once the identity is checked.' },
    howToClear: {
      'zh-CN': '请本人携带证件到卡口或服务点核验身份。',
      en: 'Bring the person and their identity document to a gate or a service point to have the identity checked.',
    },
    evidence: [{ fact: 'withheld', source: null, at: null, detail: {} }],
  };
}

/** A decision's cause as a relative may read it: an import or a trace is named only as the authority's records. */
export function withheldCause(cause: string): string {
  return cause.startsWith('import of') || cause.startsWith('trace ') ? WITHHELD_CAUSE : cause;
}
