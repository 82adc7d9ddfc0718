import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, NetworkError } from './api.js';
import { hasMessage, LangSwitch, useLang, useT, type MessageKey } from './i18n.js';

/**
 * A new screen (the address after # changed) moves the focus to its heading, so a screen reader
 * says where it is, and names itself in the page title, so the tab and history do too.
 */
function useScreenHeading(app: string): void {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onHash = () => setHash(location.hash);
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    const timer = setTimeout(() => {
      const heading = document.querySelector<HTMLElement>('main h2');
      document.title = heading?.textContent ? `${heading.textContent} · ${app}` : app;
      if (!heading || !hash) return;
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    });
    return () => clearTimeout(timer);
  }, [hash, app]);
}

export function Shell({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }): JSX.Element {
  useScreenHeading(title);
  return (
    <div class="shell">
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
      <main class="content">{children}</main>
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
  const byReason = `problem.${error.type}.${error.reason}`;
  const key = error.errors.length > 0 && (error.type === 'invalid-field' || !hasMessage(`problem.${error.type}`)) ? 'problem.invalid-field' : error.reason && hasMessage(byReason) ? byReason : `problem.${error.type}`;
  const known = hasMessage(key);
  const detail = error.errors.length > 0 ? '' : error.detail;
  return (
    <div class="notice notice-error" role="alert" data-problem={error.type}>
      {known ? t(key as MessageKey) : error.title}
      {detail && ((lang === 'en' && !FOR_OPERATORS.has(error.type)) || !known ? <span> {detail}</span> : <details class="problem-detail"><summary>{t('problem.detail')}</summary>{detail}</details>)}
    </div>
  );
}

/**
 * The server's words for the commonest field problems, in the app's language: an ID number typed
 * wrong is what people meet most. Anything else is shown as the server says it.
 */
const FIELD_MESSAGES: [RegExp, MessageKey][] = [
  [/check character does not match|last character does not match/, 'fieldProblem.idCheck'],
  [/must be 17 digits followed by a digit or X/, 'fieldProblem.idShape'],
  [/birth date \(digits 7-14\)/, 'fieldProblem.idBirth'],
  [/is registered to another account/, 'fieldProblem.idTaken'],
  [/must be the 6 digits sent by SMS/, 'fieldProblem.code'],
  [/nothing is collected there any more/, 'fieldProblem.regionEnded'],
  [/is neither an ID number/, 'fieldProblem.searchNeither'],
  [/mixes digits and letters/, 'fieldProblem.searchMixed'],
  [/^enter a name, an ID number or a mobile number$/, 'fieldProblem.searchEmpty'],
];

export function plainFieldMessage(message: string, t: ReturnType<typeof useT>): string {
  const known = FIELD_MESSAGES.find(([pattern]) => pattern.test(message));
  return known ? t(known[1]) : message;
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
}: {
  label: string;
  question?: string;
  yes: string;
  onConfirm: () => void;
  busy?: boolean;
  triggerClass?: string;
}): JSX.Element {
  const t = useT();
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" class={triggerClass} onClick={() => setConfirming(true)}>
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
      <button type="button" class="danger" onClick={onConfirm} disabled={busy}>
        {yes}
      </button>
      <button type="button" class="link" onClick={() => setConfirming(false)}>
        {t('common.cancel')}
      </button>
    </div>
  );
}
