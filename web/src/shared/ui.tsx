import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, NetworkError } from './api.js';
import { focusHeadingWhenShown } from './focus.js';
import { formatTime } from './format.js';
import { hasMessage, LangSwitch, useLang, useT, type MessageKey } from './i18n.js';
import { fieldMessageKey } from './field-messages.js';

/**
 * A new screen (the address after # changed, or `screen` did: signed in, signed out) moves the
 * focus to its heading once it is shown, so a screen reader says where it is and Tab goes on from
 * there, and names itself in the page title, so the tab and history do too.
 */
function useScreenHeading(app: string, screen: string | undefined): void {
  const [hash, setHash] = useState(location.hash);
  const shown = useRef<{ hash: string; screen: string | undefined } | null>(null);
  useEffect(() => {
    const onHash = () => setHash(location.hash);
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    const previous = shown.current;
    shown.current = { hash, screen };
    // Opened at the bare address, the page keeps the browser's own start; a language switch moves nothing.
    const moved = previous ? previous.hash !== hash || previous.screen !== screen : hash !== '';
    const name = (heading: HTMLElement | null) => (document.title = heading?.textContent ? `${heading.textContent} · ${app}` : app);
    let stop = () => undefined as void;
    const timer = setTimeout(() => {
      if (moved) stop = focusHeadingWhenShown(name);
      else name(document.querySelector<HTMLElement>('main h2'));
    });
    return () => (clearTimeout(timer), stop());
  }, [hash, screen, app]);
}

/** Skips the top bar (and the console's section list) to the screen itself: the first thing Tab reaches. */
function SkipLink(): JSX.Element {
  const t = useT();
  return (
    <a
      class="skip-link"
      href="#content"
      onClick={(e) => {
        // The address keeps its route: the hash carries the screen, so jump by focus, not by link.
        e.preventDefault();
        const target = document.querySelector<HTMLElement>('main h2') ?? document.getElementById('content');
        if (!target) return;
        target.tabIndex = -1;
        target.focus();
      }}
    >
      {t('common.skipToContent')}
    </a>
  );
}

export function Shell({ title, children, actions, screen, skipLink = false }: { title: string; children: ComponentChildren; actions?: ComponentChildren; screen?: string; skipLink?: boolean }): JSX.Element {
  useScreenHeading(title, screen);
  return (
    <div class="shell">
      {skipLink && <SkipLink />}
      <header class="topbar">
        <a class="brand" href="/" aria-label="healthcode">
          <svg width="28" height="28" viewBox="0 0 48 48" aria-hidden="true">
            <rect x="4" y="4" width="40" height="40" rx="10" fill="var(--accent)" />
            <path d="M24 13v22M13 24h22" stroke="#fff" stroke-width="6" stroke-linecap="round" />
          </svg>
        </a>
        <h1>{title}</h1>
        <div class="topbar-actions">
          {actions}
          <LangSwitch />
        </div>
      </header>
      <main class="content" id="content">
        {children}
      </main>
    </div>
  );
}

/** Problems whose detail speaks to the operator (event-loop delay, database codes): kept behind "Details". */
const FOR_OPERATORS = new Set(['overloaded', 'unavailable', 'not-ready', 'internal']);

/** Shows what went wrong in words a person can act on, naming the field when the server did. */
export function ErrorNotice({ error }: { error: unknown }): JSX.Element | null {
  const t = useT();
  const lang = useLang();
  if (!error) return null;
  if (error instanceof NetworkError) return <div class="notice notice-error" role="alert">{t('error.network')}</div>;
  if (!(error instanceof ApiError)) return <div class="notice notice-error" role="alert">{error instanceof Error ? error.message : String(error)}</div>;
  // In the app's own words, by the problem's type; field problems are shown once, at their fields.
  // A problem of another type that names a field (identity-taken: a reclaim was opened) says more
  // than "see the fields", and says it here.
  // A code's last try gone is said apart from a wrong code with tries left.
  const lastTry = error.reason === 'wrong-code' && error.code.attemptsLeft === 0;
  const byReason = `problem.${error.type}.${error.reason}${lastTry ? '-last' : ''}`;
  // A refusal or a not-found names its field as well as its reason: the reason's words say more.
  const saysReason = error.reason !== '' && hasMessage(byReason) && (error.errors.length === 0 || error.type !== 'invalid-field');
  const key = error.errors.length > 0 && (error.type === 'invalid-field' || !hasMessage(`problem.${error.type}`)) ? 'problem.invalid-field' : saysReason ? byReason : `problem.${error.type}`;
  const known = hasMessage(key);
  // A problem the app says in its own words by its reason needs no server text after it.
  const detail = error.errors.length > 0 || saysReason ? '' : error.detail;
  const { attemptsLeft, newCodeAt } = error.code;
  const next = newCodeAt !== undefined && newCodeAt > Date.now() ? t('signIn.newCodeAt', { time: formatTime(new Date(newCodeAt).toISOString(), lang) }) : t('signIn.newCodeNow');
  // A limit reached says when to try again, as the server's Retry-After says: a time of day.
  const tryAgain = error.type === 'too-many-requests' && error.retryAt !== undefined ? t('problem.tryAgainAt', { time: formatTime(new Date(error.retryAt).toISOString(), lang) }) : '';
  return (
    <div class="notice notice-error" role="alert" data-problem={error.type} data-reason={error.reason || undefined}>
      {known ? t(key as MessageKey, { attemptsLeft: attemptsLeft ?? '', next, tryAgain }) : error.title}
      {key === 'problem.too-many-requests' && tryAgain && <span data-testid="try-again-at"> {tryAgain}</span>}
      {detail && ((lang === 'en' && !FOR_OPERATORS.has(error.type)) || !known ? <span> {detail}</span> : <details class="problem-detail"><summary>{t('problem.detail')}</summary>{detail}</details>)}
    </div>
  );
}

export function plainFieldMessage(message: string, t: ReturnType<typeof useT>): string {
  const key = fieldMessageKey(message);
  return key ? t(key) : message;
}

export function Field({ label, hint, children, error }: { label: string; hint?: string; children: ComponentChildren; error?: string | undefined }): JSX.Element {
  const t = useT();
  return (
    <label class={`field${error ? ' field-error' : ''}`}>
      <span class="field-label">{label}</span>
      {children}
      {hint && <span class="field-hint">{hint}</span>}
      {error && <span class="field-message">{plainFieldMessage(error, t)}</span>}
    </label>
  );
}

/** The message for one field out of an API error, to show next to that field. */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.errors.find((e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`))?.message;
}

/** Runs an async action with a busy flag and its error kept for display. */
export function useAction<A extends unknown[]>(action: (...args: A) => Promise<void>): { run: (...args: A) => Promise<void>; busy: boolean; error: unknown; setError: (e: unknown) => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      await action(...args);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, setError };
}

export function Card({ title, children, id }: { title?: string; children: ComponentChildren; id?: string }): JSX.Element {
  return (
    <section class="card" id={id}>
      {title && <h2>{title}</h2>}
      {children}
    </section>
  );
}

/**
 * An action that cannot be undone, behind one confirmation: the button first, then the question
 * with "yes" and "cancel".
 */
export function ConfirmedAction({
  label,
  question,
  yes,
  onConfirm,
  busy = false,
  triggerClass = 'danger-outline',
  ready = () => true,
  testId,
}: {
  label: string;
  question?: string;
  yes: string;
  onConfirm: () => void;
  busy?: boolean;
  triggerClass?: string;
  /** Checks what the action needs before asking (false: it said why, and nothing is asked). */
  ready?: () => boolean;
  /** Marks the trigger, and the "yes" as `<testId>-yes`, for tests. */
  testId?: string;
}): JSX.Element {
  const t = useT();
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" class={triggerClass} data-testid={testId} onClick={() => ready() && setConfirming(true)}>
        {label}
      </button>
    );
  }
  return (
    <div class="confirm" role="group" aria-label={label}>
      {question && (
        <p>
          <strong>{question}</strong>
        </p>
      )}
      <button type="button" class="danger" data-testid={testId && `${testId}-yes`} onClick={onConfirm} disabled={busy} aria-busy={busy}>
        {yes}
      </button>
      <button type="button" class="link" onClick={() => setConfirming(false)}>
        {t('common.cancel')}
      </button>
    </div>
  );
}
