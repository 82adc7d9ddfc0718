import type { Colour, Mark } from '../colour.js';

/**
 * Rules are data: JSON a health authority publishes and anyone can read. The condition is JsonLogic
 * (jsonlogic.com), compiled once and evaluated over the published fact vocabulary (json-logic.ts),
 * as the json-logic-js reference evaluates it.
 */

export interface LocalizedText {
  'zh-CN': string;
  en: string;
}

export interface CheckInRequirement {
  /** Consecutive clean daily check-ins that end the quarantine once the condition no longer holds. */
  required: number;
  /** A check-in with symptoms or fever resets the count, or raises the colour to red. */
  onSymptoms: 'reset' | 'escalate';
}

export interface RuleOutcome {
  colour: Colour;
  /** Length of the quarantine, counted from the last exposure; the condition's window says the same. */
  quarantineDays: number;
  checkIns: CheckInRequirement | null;
  mark?: Mark;
}

export type JsonLogic = unknown;

export interface Rule {
  id: string;
  version: number;
  region: string;
  validFrom: string;
  validTo: string | null;
  outcome: RuleOutcome;
  description: LocalizedText;
  howToClear: LocalizedText;
  condition: JsonLogic;
}

/** An inherited rule a region's set replaces with its own rule of the same id, or withdraws. */
export interface Override {
  id: string;
  /** Why, in both languages: shown on the public rules page beside the rule it replaces. */
  reason: LocalizedText;
}

export interface RuleSet {
  region: string;
  version: number;
  /** As the stored document keeps it (rulesPublishedAt). */
  publishedAt: string;
  rules: Rule[];
  /** Inherited rules this set replaces or withdraws; every other inherited rule applies as it is. */
  overrides?: Override[];
}

/**
 * A rule set's publishedAt as its document keeps it: ISO 8601 in UTC. The document is stored and
 * served as JSON as it is, so this is its own format, not the API's wire.
 */
export function rulesPublishedAt(at: Date): string {
  return at.toISOString();
}

export const SEVERITY: Record<Colour, number> = { green: 0, gray: 1, yellow: 2, red: 3 };

export function moreSevere(a: Colour, b: Colour): Colour {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}
