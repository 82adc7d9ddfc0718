import type { paths } from './api-schema.js';

// From the schema itself rather than api.ts's Answer, so that the server's tests (no DOM) can import these words too.
type AuditEntry = paths['/api/v1/audit-log']['get']['responses'][200]['content']['application/json'][number];
import type { Lang, MessageKey } from './messages.js';

// Types from messages.ts rather than i18n.tsx, so that the server's tests can import these words too.
type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

type Described = AuditEntry['described'];

/**
 * An access-log entry in the reader's words: the server describes it (who, why, what was seen, by
 * codes and display names), and these turn that into sentences. Never the entry's raw actor,
 * action key or stored purpose, which are ids and English.
 */

/** Who acted: an officer with their role and the region they answer for, an operator or gate by name, the resident, the system. */
export function whoText(who: Described['who'], t: Translate, lang: Lang, reader: 'resident' | 'console'): string {
  switch (who.kind) {
    case 'staff': {
      const role = who.role ? t(`role.${who.role}` as MessageKey) : '';
      const place = lang === 'en' ? (who.regionNameEn ?? who.regionName) : who.regionName;
      return place ? t('who.staff', { name: who.name ?? '', role, place }) : t('who.staffAll', { name: who.name ?? '', role });
    }
    case 'operator':
      return who.name ? t('who.operator', { name: who.name }) : t('who.operatorUnknown');
    case 'gate':
      return who.name ? t('who.gate', { venue: who.name }) : t('who.gateUnknown');
    case 'resident':
      return t(reader === 'resident' ? 'who.you' : 'who.resident');
    default:
      return t('who.system');
  }
}

/** What was done, with the app or operator it concerns named. */
export function actionText(entry: Pick<AuditEntry, 'action' | 'described'>, t: Translate): string {
  return t(`action.${entry.action}` as MessageKey, { about: entry.described.about ?? t('about.unknown') });
}

/** Why: a purpose the server gives, as a sentence in the reader's language; an officer's own words as typed, labelled so. */
export function whyText(why: Described['why'], t: Translate): { label: string; text: string; typed: boolean } {
  return why.kind === 'fixed' ? { label: t('access.purpose'), text: t(`purpose.${why.code}` as MessageKey), typed: false } : { label: t('access.typedPurpose'), text: why.text, typed: true };
}

/** The colon after a label, as each language writes it. */
export const colon = (lang: Lang) => (lang === 'en' ? ': ' : '：');

/** What they saw, as a list in the reader's language; "nothing" when nothing about the resident was read. */
export function sawText(described: Described, t: Translate, lang: Lang, reader: 'resident' | 'console'): string {
  if (described.refused) return t('access.refused');
  if (described.saw.length === 0) return t(reader === 'resident' ? 'access.sawNothing' : 'audit.sawNothing');
  return described.saw.map((f) => t(`seen.${f}` as MessageKey)).join(lang === 'en' ? ', ' : '、');
}
