import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import QRCode from 'qrcode';
import { PRESENTATION_STEP_SECONDS, timeStep } from '../../../src/codes/index.js';
import { QR_INK, type Colour } from '../../../src/domain/index.js';
import { ColourBadge } from '../shared/colour.js';
import { formatDate, formatDateTime, formatTime } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import { presentation, storedPass, type StoredPass } from './offline-pass.js';

/**
 * The code shown with no network: the pass kept on this phone, signed anew by the phone every
 * 30-second step, with the time the server vouched for its colour (a checkpoint may want a recent one) and the
 * running clock the online code has. In elder mode (`elder` given) the family's help is shown too:
 * a call needs no data.
 */
export function OfflineCode({ subjectId, subjectLabel, elder, children }: { subjectId: string; subjectLabel: string | null; elder?: JSX.Element | undefined; children?: JSX.Element }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [pass, setPass] = useState<StoredPass | null | undefined>(undefined);
  const [now, setNow] = useState(Date.now());
  const [text, setText] = useState<string | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    void storedPass(subjectId).then((p) => setPass(p ?? null), () => setPass(null));
  }, [subjectId]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const step = timeStep(now);
  const live = pass ? Date.parse(pass.expiresAt) > now : false;
  useEffect(() => {
    if (pass && live) void presentation(pass, now).then(setText);
  }, [pass, step, live]);
  useEffect(() => {
    if (text && pass && canvas.current) void QRCode.toCanvas(canvas.current, text, { errorCorrectionLevel: 'M', margin: 2, width: 300, color: { dark: QR_INK[pass.colour as Colour] ?? QR_INK.gray, light: '#ffffff' } });
  }, [text]);

  if (pass === undefined) return <div class="card"><p class="muted">{t('common.loading')}</p></div>;
  if (!pass || !live) {
    return (
      <div class="card" data-testid="offline-code-missing">
        <p class="notice notice-error" role="alert">{t(pass ? 'offlinePass.expired' : 'offlinePass.none')}</p>
        {elder}
        {children}
      </div>
    );
  }
  const left = PRESENTATION_STEP_SECONDS - (Math.floor(now / 1000) % PRESENTATION_STEP_SECONDS);
  return (
    <div class={`code-card code-${pass.colour}${elder ? ' code-elder' : ''}`} data-testid="offline-code" data-colour={pass.colour}>
      <h2 class={subjectLabel ? 'acting-for' : undefined}>{subjectLabel ? `${t('offlinePass.title')} · ${subjectLabel}` : t('offlinePass.title')}</h2>
      <div class="code-head">
        <ColourBadge colour={pass.colour} size="large" />
        <div class="code-name">{pass.maskedName}</div>
      </div>
      <div class="qr-frame">
        <canvas ref={canvas} role="img" aria-label={t('offlinePass.qrLabel', { colour: t(`colour.${pass.colour}` as 'colour.green') })} data-token={text ?? ''} data-colour={pass.colour} />
      </div>
      <div class="code-clock" aria-live="off">
        <span class="live-time" data-testid="offline-live-time">
          <span class="live-date">{formatDate(new Date(now).toISOString(), lang)}</span> {formatTime(new Date(now).toISOString(), lang)}
        </span>
        <span data-testid="offline-as-of">{t('offlinePass.asOf', { time: formatDateTime(pass.decidedAt, lang) })}</span>
        <span class="countdown">{t('offlinePass.nextIn', { seconds: left })}</span>
      </div>
      <p class="facts-from">{t('offlinePass.until', { time: formatDateTime(pass.expiresAt, lang) })}</p>
      <p class="facts-from">{t('offlinePass.intro')}</p>
      {elder}
      {children}
    </div>
  );
}
