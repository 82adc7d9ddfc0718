import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import QRCode from 'qrcode';
import { QR_INK, type Colour } from '../../../src/domain/index.js';
import { bearer, client, NetworkError, ok, type Answer } from '../shared/api.js';
import { OfflineCode } from './offline-code.js';
import { refreshPass } from './offline-pass.js';
import { ColourBadge } from '../shared/colour.js';
import { formatDate, formatTime } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import { ErrorNotice } from '../shared/ui.js';
import { serverText } from '../shared/server-text.js';
import type { Session } from './session.js';

/** A resident's code as the server answers it: colour, reasons, signed token. */
export type CodeView = Answer<'/api/v1/residents/{id}/code'>;

/** Refresh this long before the code expires, so a guard never scans a stale one. */
const REFRESH_BEFORE_MS = 30_000;

/**
 * The code, its colour and the clock, with the ways on from there; in elder mode (`elder` given: the
 * family's help) the code, colour and clock with that one button, then why, until when, and the
 * check-in. With a number to call (`elderCallFirst`) the button comes right under the colour: below
 * the clock it lay under the fold of a 390×844 phone with the larger text. The field to set a number
 * stays below the clock, where it does not push the QR out of view.
 */
export function CodeScreen({ session, subjectId, subjectLabel, onWhy, elder, elderCallFirst = false }: { session: Session; subjectId: string; subjectLabel: string | null; onWhy: (code: CodeView) => void; elder?: JSX.Element | undefined; elderCallFirst?: boolean }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [code, setCode] = useState<CodeView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [now, setNow] = useState(Date.now());
  const canvas = useRef<HTMLCanvasElement>(null);

  // One request per subject at a time: the refresh below asks every second near expiry, and a busy
  // server's answer (with the retries it allows) can take longer than that. An answer for a subject
  // no longer shown (the resident switched to a family member) is dropped.
  const loading = useRef<string | null>(null);
  const shown = useRef(subjectId);
  shown.current = subjectId;
  const load = async () => {
    if (loading.current === subjectId) return;
    loading.current = subjectId;
    try {
      const next = await ok(client.GET('/api/v1/residents/{id}/code', { params: { path: { id: subjectId } }, headers: bearer(session.token) }));
      if (shown.current === subjectId) {
        setCode(next);
        setError(null);
      }
      // Online now: the pass for the next time there is no network is kept current beside the code.
      void refreshPass(session.token, subjectId, next.colour).catch(() => undefined);
    } catch (e) {
      if (shown.current === subjectId) setError(e);
    } finally {
      if (loading.current === subjectId) loading.current = null;
    }
  };

  // A session reopened after the last one ended (the remembered device) loads the code again: the
  // refusal of the ended one is not left on screen as "sign in again".
  useEffect(() => {
    setCode(null);
    void load();
  }, [subjectId, session.token]);

  // A colour changed while the app lay in the background (a correction approved, a trace confirmed)
  // shows as soon as the person looks again, not only when the code shown nears its expiry.
  useEffect(() => {
    const onLookedAt = () => document.visibilityState === 'visible' && void load();
    const onOnline = () => void load();
    document.addEventListener('visibilitychange', onLookedAt);
    addEventListener('focus', onLookedAt);
    addEventListener('online', onOnline);
    return () => (document.removeEventListener('visibilitychange', onLookedAt), removeEventListener('focus', onLookedAt), removeEventListener('online', onOnline));
  }, [subjectId, session.token]);

  // Entering the code screen starts at its top: the scroll of the screen before (the sign-in form,
  // long at 200% zoom in elder mode) otherwise lands the page below the QR. Again once the code is
  // drawn, as the "Loading" card before it was too short to scroll.
  const hasCode = code !== null;
  useEffect(() => {
    scrollTo(0, 0);
  }, [hasCode]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    if (code && Date.parse(code.expiresAt) - now < REFRESH_BEFORE_MS) void load();
  }, [now, code]);

  useEffect(() => {
    // Drawn in the colour's own ink, as the 2020 codes were: told apart at arm's length.
    if (code && canvas.current) void QRCode.toCanvas(canvas.current, code.token, { errorCorrectionLevel: 'M', margin: 2, width: 300, color: { dark: QR_INK[code.colour as Colour] ?? QR_INK.gray, light: '#ffffff' } });
  }, [code?.token, code?.colour]);

  // No network and no live code: the phone shows its offline code instead.
  if (error instanceof NetworkError && (!code || Date.parse(code.expiresAt) <= now)) {
    return (
      <OfflineCode subjectId={subjectId} subjectLabel={subjectLabel} elder={elder}>
        <button class="secondary wide" data-testid="code-retry" onClick={() => void load()}>{t('common.tryAgain')}</button>
      </OfflineCode>
    );
  }
  if (!code) {
    if (!error) return <div class="card"><p class="muted">{t('common.loading')}</p></div>;
    // One tap to ask again: the app has already retried by itself where the server said it could.
    return (
      <div class="card">
        <ErrorNotice error={error} />
        <button class="primary" data-testid="code-retry" onClick={() => (setError(null), void load())}>{t('common.tryAgain')}</button>
      </div>
    );
  }
  const left = Math.max(0, Math.round((Date.parse(code.expiresAt) - now) / 1000));
  return (
    <div class={`code-card code-${code.colour}${elder ? ' code-elder' : ''}`} data-testid="code-card" data-colour={code.colour}>
      {/* The screen's heading, where the focus goes when it is shown (after signing in, from the tab bar). */}
      {subjectLabel ? <h2 class="acting-for">{t('code.actingFor', { name: subjectLabel })}</h2> : <h2 class="sr-only">{t('code.title')}</h2>}
      <div class="code-head">
        <ColourBadge colour={code.colour} size="large" />
        <div class="code-name">{code.maskedName}</div>
      </div>
      {elder && elderCallFirst && elder}
      <div class="qr-frame">
        <canvas ref={canvas} role="img" aria-label={t('code.qrLabel', { colour: t(`colour.${code.colour}` as 'colour.green') })} data-token={code.token} data-colour={code.colour} />
      </div>
      <div class="code-clock" aria-live="off">
        <span class="live-time">
          <span class="live-date">{formatDate(new Date(now).toISOString(), lang)}</span> {formatTime(new Date(now).toISOString(), lang)}
        </span>
        <span class="countdown" data-testid="countdown">
          {t('code.refreshIn', { time: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` })}
        </span>
      </div>
      {elder ? (
        <>
          {!elderCallFirst && elder}
          <ElderCodeMore code={code} />
        </>
      ) : (
        <CodeScreenMore code={code} onWhy={onWhy} />
      )}
      <ErrorNotice error={error} />
    </div>
  );
}

/**
 * Elder mode's few words below the family's button, large: why the code has its colour (the first
 * reason, the server's own sentence), when it turns green, and the one way on that a quarantine
 * needs every day, the check-in.
 */
function ElderCodeMore({ code }: { code: CodeView }): JSX.Element | null {
  const t = useT();
  const lang = useLang();
  if (code.colour === 'green') return null;
  const reason = code.rules[0];
  return (
    <div class="elder-more">
      {reason && (
        <p class="elder-reason" data-testid="elder-reason">
          {serverText(reason.description, lang)}
        </p>
      )}
      <p class="green-on" data-testid="green-on">
        {code.greenOn ? t('code.greenOn', { date: formatDate(code.greenOn, lang) }) : code.greenOnNote === 'needs-action' ? t('code.needsAction') : t('code.noGreenOn')}
      </p>
      {(code.colour === 'yellow' || code.colour === 'red') && (
        <a class="button primary wide elder-check-in" href="#/check-in" data-testid="elder-check-in">
          {t('checkIn.title')}
        </a>
      )}
    </div>
  );
}

/** What the full screen shows below the clock: where the facts came from, when it turns green, the ways on. */
function CodeScreenMore({ code, onWhy }: { code: CodeView; onWhy: (code: CodeView) => void }): JSX.Element {
  const t = useT();
  const lang = useLang();
  return (
    <>
      {code.factsFrom && (
        <p class="facts-from" data-testid="facts-from">
          {t('code.factsFrom', { operator: code.factsFrom.operatorName, time: formatDate(code.factsFrom.asOf, lang) })}
        </p>
      )}
      {code.colour !== 'green' && (
        <p class="green-on" data-testid="green-on">
          {code.greenOn ? t('code.greenOn', { date: formatDate(code.greenOn, lang) }) : code.greenOnNote === 'needs-action' ? t('code.needsAction') : t('code.noGreenOn')}
        </p>
      )}
      {code.rules.some((r) => r.id === 'gray-no-recent-declaration') && (
        <a class="button primary wide" href="#/declare" data-testid="declare-now">
          {t('code.declareNow')}
        </a>
      )}
      <button type="button" class="primary wide" onClick={() => onWhy(code)}>
        {t('code.why')}
      </button>
      <a class="button secondary wide" href="#/visit">
        {t('visit.scan')}
      </a>
      <a class="button secondary wide" href="#/travel" data-testid="travel-card-link">
        {t('travel.title')}
      </a>
    </>
  );
}
