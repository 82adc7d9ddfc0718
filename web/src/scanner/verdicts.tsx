import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { TravelCardClaims } from '../../../src/codes/index.js';
import { ColourIcon } from '../shared/colour.js';
import { returnFocusFrom } from '../shared/focus.js';
import { formatDateTime, formatTime } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import { stepKey, type Advice, type GuardStep } from './refusals.js';

/** What the guard sees: colour, validity and masked name, or why the code was refused and what to do. Nothing else. */
export interface Result {
  colour: string | null;
  maskedName: string | null;
  validUntil: string | null;
  admitted: boolean;
  reason: string;
  method: 'qr' | 'id-number' | 'paper-card';
  /** A code from another operator: who issued it (a visitor's home). */
  origin?: { operatorName: string; region: string };
  /** Not admitted: what happened and the guard's next steps. */
  advice?: Advice;
  /** The same code was scanned here before, at this time (a second scan, or a code passed back). */
  seenAt?: string;
  /** An offline code: when its colour was decided, and whether only this scanner checked it (offline) or the server. */
  asOf?: { time: string; offline: boolean };
}

/** The steps a verdict can act on at once, as buttons beside their words. */
export interface StepActions {
  'check-by-id'?: () => void;
  'update-list'?: () => void;
}

/** What to do next, in order; the steps the scanner can do itself are buttons too. */
export function NextSteps({ advice, actions }: { advice: Advice; actions: StepActions }): JSX.Element {
  const t = useT();
  const button = (step: GuardStep) => {
    const act = step === 'check-by-id' || step === 'update-list' ? actions[step] : undefined;
    if (!act) return null;
    return (
      <button
        type="button"
        class="result-step-action"
        data-step={step}
        onClick={(e) => {
          // The verdict closes on a tap anywhere; this tap does something else.
          e.stopPropagation();
          act();
        }}
      >
        {t(step === 'check-by-id' ? 'step.checkById' : 'step.updateNow')}
      </button>
    );
  };
  return (
    <div class="result-steps" data-testid="next-steps">
      <p class="result-steps-title">{t('step.title')}</p>
      <ol>
        {advice.steps.map((step) => (
          <li data-step={step}>
            {t(stepKey(step))} {button(step)}
          </li>
        ))}
      </ol>
    </div>
  );
}

export function ResultOverlay({ result, onClose, actions = {} }: { result: Result; onClose: () => void; actions?: StepActions }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const colour = result.colour ?? 'rejected';
  // A paper card read offline was not checked, not refused: it looks unsettled and says to scan again.
  const unchecked = result.reason === 'card-needs-network';
  const close = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  // The verdict takes the focus, so Enter, Space or Escape close it as a tap does; closed, it gives it back.
  useEffect(() => {
    const overlay = dialog.current;
    close.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    addEventListener('keydown', onKey);
    return () => (removeEventListener('keydown', onKey), returnFocusFrom(overlay));
  }, []);
  return (
    <div
      ref={dialog}
      class={`result result-${unchecked ? 'unchecked' : result.admitted ? colour : result.colour ? colour : 'rejected'}`}
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="verdict"
      aria-describedby="verdict-reason"
      aria-live="assertive"
      data-testid="scan-result"
      data-colour={result.colour ?? ''}
      data-admitted={String(result.admitted)}
      data-reason={result.reason}
      onClick={onClose}
    >
      <div class="result-body">
        {result.colour ? <ColourIcon colour={result.colour} size={120} /> : unchecked ? null : <div class="result-refused-icon">✕</div>}
        <div class="result-verdict" id="verdict">
          {unchecked ? t('scanner.cardRetry') : result.admitted ? t('scanner.admit') : t('scanner.refuse')}
        </div>
        {result.colour && <div class="result-colour">{t(`colour.${result.colour}` as 'colour.green')}</div>}
        {result.maskedName && <div class="result-name">{result.maskedName}</div>}
        {result.asOf && (
          <div class="result-as-of" data-testid="scan-as-of" data-offline={String(result.asOf.offline)}>
            {t(result.asOf.offline ? 'scanner.asOfOffline' : 'scanner.asOfOnline', { time: formatDateTime(result.asOf.time, lang) })}
          </div>
        )}
        {result.validUntil && <div class="result-valid">{t('scanner.validUntil', { time: formatDateTime(result.validUntil, lang) })}</div>}
        {result.origin && (
          <div class="result-origin" data-testid="scan-origin">
            {t('scanner.issuedBy', { operator: result.origin.operatorName, region: result.origin.region })}
          </div>
        )}
        {result.seenAt && (
          <div class="result-seen" data-testid="seen-before">
            {t('scanner.seenBefore', { time: formatTime(result.seenAt, lang) })}
          </div>
        )}
        {result.advice && (
          <div class="result-reason" id="verdict-reason">
            {t(result.advice.words)}
          </div>
        )}
        {result.advice && <NextSteps advice={result.advice} actions={actions} />}
        <button type="button" ref={close} class="result-hint" onClick={onClose}>
          {t('scanner.tapToContinue')}
        </button>
      </div>
    </div>
  );
}

/** A travel card read at the gate: cities stayed 4 hours or more in 14 days, risk cities starred. Informational: it admits nobody. */
export function TravelCardOverlay({ card, onClose, advice }: { card: TravelCardClaims | { refused: string }; onClose: () => void; advice: Advice | null }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const close = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const overlay = dialog.current;
    close.current?.focus();
    return () => returnFocusFrom(overlay);
  }, []);
  const valid = !('refused' in card);
  const risky = valid && card.stays.some((s) => s.r);
  return (
    <div ref={dialog} class={`result result-travel ${valid ? (risky ? 'result-travel-risk' : '') : 'result-rejected'}`} role="alertdialog" aria-modal="true" aria-labelledby="travel-title" data-testid="travel-card-result" onClick={onClose}>
      <div class="result-body">
        <div class="result-verdict" id="travel-title">
          {t('scanner.travelCard')}
        </div>
        {advice && <div class="result-reason">{t(advice.words)}</div>}
        {advice && <NextSteps advice={advice} actions={{}} />}
        {valid && <div class="result-name">{card.n}</div>}
        {valid && (
          <ul class="travel-stays">
            {card.stays.length === 0 && <li>{t('travel.none')}</li>}
            {card.stays.map((s) => (
              <li data-risk={String(s.r)}>
                {s.r ? '* ' : ''}
                {(lang === 'en' ? s.en : s.cn) ?? s.c ?? s.k} · {t(`travel.source.${s.s}` as 'travel.source.telecom')} · {formatDateTime(new Date(s.a * 1000).toISOString(), lang)}
              </li>
            ))}
          </ul>
        )}
        {risky && <div class="result-reason">{t('travel.riskNote')}</div>}
        {valid && <div class="result-valid">{t('scanner.validUntil', { time: formatDateTime(new Date(card.exp * 1000).toISOString(), lang) })}</div>}
        <button type="button" ref={close} class="result-hint" onClick={onClose}>
          {t('scanner.tapToContinue')}
        </button>
      </div>
    </div>
  );
}
