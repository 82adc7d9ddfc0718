import { applyLogic, truthy } from './json-logic.js';
import type { EvaluationData, EvaluationSources, Source } from '../facts.js';
import { regionName } from '../regions.js';
import { LIST_FACTS } from './fact-vocabulary.js';

/** A fact a fired rule read, with where it came from and when. */
export interface Evidence {
  fact: string;
  source: Source | null;
  at: string | null;
  detail: Record<string, unknown>;
}

/** The facts as rules see them at one instant, with the raw facts behind them. */
export type Snapshot = { data: EvaluationData; sources: EvaluationSources };

/** The facts a condition read: list items its predicates accepted, and scalar facts it named. */
export function evidenceFor(condition: unknown, snapshot: Snapshot): Evidence[] {
  const out: Evidence[] = [];
  const seen = new Set<string>();
  const add = (key: string, evidence: Evidence) => {
    if (!seen.has(key)) {
      seen.add(key);
      out.push(evidence);
    }
  };
  /** Facts read by name, with their values: cited together, one piece of evidence per thing they describe. */
  const read = new Map<string, unknown>();
  const walk = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const [op, rawArgs] = Object.entries(node)[0] ?? [];
    if (op === undefined) return;
    const args = Array.isArray(rawArgs) ? rawArgs : [rawArgs];
    if (op === 'var') {
      const name = args[0];
      if (typeof name === 'string' && !(name in LIST_FACTS)) read.set(name, name.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], snapshot.data));
      return;
    }
    if (op === 'or') {
      // Only the alternatives that hold are the reason: a rule that fired on a check-in does not cite
      // a declaration without symptoms. When none holds (a rule awaiting check-ins), all are cited.
      const held = args.filter((a) => truthy(applyLogic(a, snapshot.data)));
      return (held.length > 0 ? held : args).forEach(walk);
    }
    if (['some', 'all', 'none', 'filter'].includes(op)) {
      const list = listName(args[0]);
      if (list) {
        const items = snapshot.data[list] as unknown[];
        items.forEach((item, i) => {
          if (truthy(applyLogic(args[1], item))) add(`${list}:${i}`, describeItem(list, i, snapshot));
        });
        return;
      }
    }
    args.forEach(walk);
  };
  walk(condition);
  return [...scalarEvidence(read, snapshot), ...out];
}

/**
 * Evidence is kept with the decision it explains (stored, shown, exported as it was written): its
 * instants are ISO 8601 text in UTC, as every decision on record holds them; none stays null.
 */
export function evidenceTime(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  let text = isoTexts.get(ms);
  if (text === undefined) {
    if (isoTexts.size >= 8192) isoTexts.clear();
    isoTexts.set(ms, (text = new Date(ms).toISOString()));
  }
  return text;
}

/** Instants already written as text: a re-decision cites the same ones (the day's check-ins, a listed area's stays) for thousands of residents. */
const isoTexts = new Map<number, string>();

/**
 * Facts a rule reads by name (declaration.fever, resident.identityVerified, ...), cited as what they
 * describe, with its time: the latest declaration, the identity, the vaccinations, the check-ins.
 * `detail.facts` keeps the names and values as the rule read them.
 */
function scalarEvidence(read: Map<string, unknown>, snapshot: Snapshot): Evidence[] {
  const { data, sources } = snapshot;
  const groups = new Map<string, Record<string, unknown>>();
  for (const [name, value] of read) {
    const group = name === 'checkInStreak' ? 'check-in-streak' : name.slice(0, name.indexOf('.'));
    groups.set(group, { ...groups.get(group), [name]: value });
  }
  const out: Evidence[] = [];
  for (const [group, facts] of groups) {
    switch (group) {
      case 'declaration':
        out.push({ fact: 'declaration', source: 'declaration', at: evidenceTime(sources.declaration?.at ?? sources.registeredAt), detail: { present: data.declaration.present, symptoms: data.declaration.symptoms, temperature: data.declaration.temperature, fever: data.declaration.fever, facts } });
        break;
      case 'resident':
        out.push({ fact: 'identity', source: 'registration', at: evidenceTime(sources.identityAt), detail: { phoneVerified: data.resident.phoneVerified, identityVerified: data.resident.identityVerified, facts } });
        break;
      case 'vaccination':
        out.push({ fact: 'vaccination', source: sources.lastDose?.source ?? 'authority', at: evidenceTime(sources.lastDose?.at ?? sources.registeredAt), detail: { doses: data.vaccination.doses, fullCourse: data.vaccination.fullCourse, facts } });
        break;
      default:
        out.push({ fact: 'check-in-streak', source: 'check-in', at: evidenceTime(sources.lastCheckIn?.at ?? sources.registeredAt), detail: { streak: data.checkInStreak, facts } });
    }
  }
  return out;
}

type ListSource = 'stays' | 'contacts' | 'cases' | 'tests' | 'checkIns';

function listName(node: unknown): ListSource | undefined {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const [op, args] = Object.entries(node)[0] ?? [];
  const name = op === 'var' ? (Array.isArray(args) ? args[0] : args) : undefined;
  return typeof name === 'string' && ['stays', 'contacts', 'cases', 'tests', 'checkIns'].includes(name) ? (name as ListSource) : undefined;
}

function describeItem(list: ListSource, i: number, snapshot: Snapshot): Evidence {
  switch (list) {
    case 'stays': {
      const s = snapshot.sources.stays[i]!;
      const item = snapshot.data.stays[i]!;
      return {
        fact: 'stay',
        source: s.source,
        at: evidenceTime(s.arrival),
        detail: { region: s.region, regionName: s.region ? (regionName(s.region) ?? null) : null, country: s.country, arrival: evidenceTime(s.arrival), departure: evidenceTime(s.departure), hours: item.hours, riskLevel: item.riskLevel },
      };
    }
    case 'contacts': {
      const c = snapshot.sources.contacts[i]!;
      return { fact: 'contact', source: c.source, at: evidenceTime(c.at), detail: { kind: c.kind } };
    }
    case 'cases': {
      const c = snapshot.sources.cases[i]!;
      return { fact: 'case', source: c.source, at: evidenceTime(c.at), detail: { status: c.status } };
    }
    case 'tests': {
      const t = snapshot.sources.tests[i]!;
      return { fact: 'test', source: t.source, at: evidenceTime(t.at), detail: { result: t.result } };
    }
    case 'checkIns':
      return checkInEvidence(i, snapshot);
  }
}

/** A daily check-in as evidence: its day, reading and symptoms. */
export function checkInEvidence(i: number, snapshot: Snapshot): Evidence {
  const c = snapshot.sources.checkIns[i]!;
  return { fact: 'check-in', source: 'check-in', at: evidenceTime(c.at), detail: { date: c.date, symptoms: c.symptoms, temperature: c.temperature } };
}
