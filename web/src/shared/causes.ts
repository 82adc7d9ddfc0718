import type { MessageKey } from './messages.js';

/** The app's translate function (i18n.tsx), named here so the words can be tested without the UI. */
type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/**
 * Why a colour was decided again, in words: the server records causes as short stable phrases
 * ("declaration", "risk area 420100 high", "trace <id>"); unknown ones show as they are.
 */
export function causeText(cause: string, t: Translate): string {
  const risk = /^risk area (\S+) (high|medium|low)$/.exec(cause);
  if (risk) return t('cause.riskArea', { area: risk[1]!, level: t(`risk.${risk[2]}` as 'risk.high') });
  const imported = /^import of (\S+)$/.exec(cause);
  if (imported) return t('cause.import', { kind: t(`imports.kind.${imported[1]}` as 'imports.kind.cases') });
  if (cause.startsWith('trace ')) return t('cause.trace');
  // "check-in on 2026-12-07": the history line already shows when, so the day is not said twice.
  if (/^check-in on \d{4}-\d{2}-\d{2}$/.test(cause)) return t('cause.checkIn');
  // "facts from <operator id>": the id is no word for a person; the why screen names the operator.
  if (cause.startsWith('facts from ')) return t('cause.factsFrom');
  const known: Record<string, Parameters<Translate>[0]> = {
    declaration: 'cause.declaration',
    'code shown': 'cause.codeShown',
    'check-in requested': 'cause.checkIn',
    'quarantine period over': 'cause.quarantineOver',
    'checked at a checkpoint by ID number': 'cause.idCheck',
    'checked at a checkpoint by paper card': 'cause.paperCardCheck',
    'appeal filed': 'cause.appealFiled',
    'appeal answered': 'cause.appealAnswered',
    'place-code visit': 'cause.placeVisit',
    'correction approved': 'cause.correctionApproved',
    'correction ended': 'cause.correctionEnded',
    'time passed': 'cause.timePassed',
  };
  return known[cause] ? t(known[cause]) : cause;
}

/** Where a fact came from. */
export function sourceText(source: string, t: Translate): string {
  const known: Record<string, Parameters<Translate>[0]> = {
    declaration: 'source.declaration',
    authority: 'source.authority',
    rail: 'source.rail',
    air: 'source.air',
    telecom: 'source.telecom',
    trace: 'source.trace',
    registration: 'source.registration',
  };
  return known[source] ? t(known[source]) : source;
}
