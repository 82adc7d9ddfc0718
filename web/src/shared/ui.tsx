import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, NetworkError } from './api.js';
import { LangSwitch, useT } from './i18n.js';

export function Shell({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }): JSX.Element {
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

/** Shows what went wrong in words a person can act on, naming the field when the server did. */
export function ErrorNotice({ error }: { error: unknown }): JSX.Element | null {
  const t = useT();
  if (!error) return null;
  let text: string;
  if (error instanceof NetworkError) text = t('error.network');
  else if (error instanceof ApiError) text = error.errors.length > 0 ? error.errors.map((e) => `${e.field}: ${e.message}`).join('；') : `${error.title}${error.detail ? `: ${error.detail}` : ''}`;
  else text = error instanceof Error ? error.message : String(error);
  return (
    <div class="notice notice-error" role="alert">
      {text}
    </div>
  );
}

export function Field({ label, hint, children, error }: { label: string; hint?: string; children: ComponentChildren; error?: string | undefined }): JSX.Element {
  return (
    <label class={`field${error ? ' field-error' : ''}`}>
      <span class="field-label">{label}</span>
      {children}
      {hint && <span class="field-hint">{hint}</span>}
      {error && <span class="field-message">{error}</span>}
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
