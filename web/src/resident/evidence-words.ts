import type { paths } from '../shared/api-schema.js';
import { formatDate, formatDateTime } from '../shared/format.js';
import type { Lang, MessageKey } from '../shared/messages.js';

/** The app's translate function (i18n.tsx), named here so the words can be tested without the UI. */
type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A rule the code view says fired (the API's own type, without api.ts, which needs a browser). */
type FiredRule = paths['/api/v1/residents/{id}/code']['get']['responses'][200]['content']['application/json']['rules'][number];

type Evidence = FiredRule['evidence'][number];

interface Detail {
  regionName?: string | null;
  region?: string | null;
  country?: string | null;
  hours?: number;
  riskLevel?: string;
  kind?: string;
  status?: string;
  result?: string;
  date?: string;
  symptoms?: string[];
  temperature?: number | null;
  present?: boolean;
  fever?: boolean;
  phoneVerified?: boolean;
  identityVerified?: boolean;
  doses?: number;
  fullCourse?: boolean;
  streak?: number;
  note?: string;
  value?: unknown;
}

/** Symptoms and a temperature, in words: "a fever of 38.2 °C, dry cough". */
function complaints(d: Detail, t: Translate): string {
  const parts = (d.symptoms ?? []).map((s) => t(`symptom.${s}` as MessageKey));
  if (d.temperature !== null && d.temperature !== undefined && (d.fever || parts.length === 0)) parts.unshift(t('fact.temperature', { temperature: d.temperature }));
  return parts.join(t('list.separator'));
}

/**
 * One piece of evidence in plain words, in the app's language: what the fact says about the
 * resident. Its source and time are shown beside it; the names rules read are in the details.
 */
export function evidenceText(e: Evidence, t: Translate, lang: Lang, places: Map<string, string>): string {
  const d = e.detail as Detail;
  switch (e.fact) {
    case 'stay':
      return t('fact.stay', { place: (d.region ? places.get(d.region) : undefined) ?? d.regionName ?? d.country ?? d.region ?? '', hours: Math.round(d.hours ?? 0), level: t(`fact.level.${d.riskLevel ?? 'none'}` as MessageKey) });
    case 'contact':
      return t(`fact.contact.${d.kind}` as MessageKey);
    case 'case':
      return t(`fact.case.${d.status}` as MessageKey);
    case 'test':
      return t(`fact.test.${d.result}` as MessageKey);
    case 'check-in': {
      const said = complaints(d, t);
      return said ? t('fact.checkInUnwell', { date: d.date ? formatDate(d.date, lang) : '', said }) : t('fact.checkIn', { date: d.date ? formatDate(d.date, lang) : '' });
    }
    case 'declaration': {
      if (!d.present) return t('fact.noDeclaration');
      const said = complaints(d, t);
      return said && (d.fever || (d.symptoms ?? []).length > 0) ? t('fact.declaredUnwell', { said }) : t('fact.declaredWell');
    }
    case 'identity':
      if (d.identityVerified === false) return d.phoneVerified === false ? t('fact.phoneNotVerified') : t('fact.identityNotVerified');
      return t('fact.identityVerified');
    case 'vaccination':
      return d.fullCourse ? t('fact.vaccinatedFull', { doses: d.doses ?? 0 }) : t('fact.vaccinatedPartly', { doses: d.doses ?? 0 });
    case 'check-in-streak':
      return t('fact.streak', { streak: d.streak ?? 0 });
    case 'correction':
      return t('fact.correction', { note: d.note ?? '' });
    case 'withheld':
      return t('fact.withheld');
    // Decisions made before facts were cited in words name the fact as the rule read it.
    case 'resident.phoneVerified':
      return t('fact.phoneNotVerified');
    default:
      return `${e.fact}: ${JSON.stringify(d.value)}`;
  }
}

/** The fact as the rule read it, for the details view: names and values of the published vocabulary. */
export function evidenceRaw(e: Evidence): string {
  const { facts, ...rest } = e.detail as { facts?: Record<string, unknown> };
  const read = facts ?? rest;
  return `${e.fact} · ${Object.entries(read)
    .map(([name, value]) => `${name}: ${JSON.stringify(value)}`)
    .join(', ')}`;
}

/**
 * When a piece of evidence happened, as the resident would say it. A contact the resident declared
 * was given as a calendar day (the server keeps it as that day's midnight): its date alone, not a
 * time of day nobody gave. Everything else carries the instant it was recorded at.
 */
export function evidenceWhen(e: Evidence, lang: Lang): string {
  if (e.at === null || e.at === undefined) return '';
  return e.fact === 'contact' && e.source === 'declaration' ? formatDate(e.at, lang) : formatDateTime(e.at, lang);
}
