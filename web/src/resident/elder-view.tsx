import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { loadSaved, save } from '../shared/api.js';
import { useT } from '../shared/i18n.js';
import { Field } from '../shared/ui.js';
import { ELDER_KEY, parseFamilyPhone, readElderMode, type ElderMode } from './elder-mode.js';

/** Elder mode as this device remembers it; on, the whole page's text grows (the `elder` class on <html>). */
export function useElderMode(): [ElderMode, (next: ElderMode) => void] {
  const [mode, setMode] = useState<ElderMode>(() => readElderMode(loadSaved<unknown>(ELDER_KEY, null)));
  useEffect(() => {
    document.documentElement.classList.toggle('elder', mode.on);
  }, [mode.on]);
  const change = (next: ElderMode) => {
    save(ELDER_KEY, next);
    setMode(next);
  };
  return [mode, change];
}

/** The switch in the top bar, on every screen of the resident app, the sign-in screen too. */
export function ElderSwitch({ mode, onChange }: { mode: ElderMode; onChange: (next: ElderMode) => void }): JSX.Element {
  const t = useT();
  return (
    <button type="button" class={`chip elder-switch${mode.on ? ' active' : ''}`} aria-pressed={mode.on} data-testid="elder-switch" onClick={() => onChange({ ...mode, on: !mode.on })}>
      {t('elder.mode')}
    </button>
  );
}

/** The one button to the family: a call to the number set here, or, until there is one, the field to set it. */
export function FamilyHelp({ mode, onChange }: { mode: ElderMode; onChange: (next: ElderMode) => void }): JSX.Element {
  const t = useT();
  const [editing, setEditing] = useState(false);
  const [typed, setTyped] = useState(mode.familyPhone ?? '');
  const [error, setError] = useState<string | undefined>(undefined);
  if (mode.familyPhone && !editing) {
    return (
      <div class="family-help">
        <a class="button primary wide family-call" href={`tel:${mode.familyPhone}`} data-testid="call-family">
          <span aria-hidden="true">☎ </span>
          {t('elder.callFamily')} <span class="family-phone">{mode.familyPhone}</span>
        </a>
        <button type="button" class="link" onClick={() => setEditing(true)}>
          {t('elder.changeFamilyPhone')}
        </button>
      </div>
    );
  }
  return (
    <form
      class="family-help family-phone-form"
      onSubmit={(e) => {
        e.preventDefault();
        const parsed = parseFamilyPhone(typed);
        if ('error' in parsed) return setError(t(parsed.error));
        setError(undefined);
        setEditing(false);
        onChange({ ...mode, familyPhone: parsed.phone });
      }}
    >
      <Field label={t('elder.familyPhone')} hint={t('elder.familyPhoneHint')} error={error}>
        <input type="tel" name="familyPhone" autocomplete="tel" inputMode="tel" value={typed} aria-invalid={error ? true : undefined} onInput={(e) => setTyped(e.currentTarget.value)} data-testid="family-phone" />
      </Field>
      <button type="submit" class="primary wide" data-testid="save-family-phone">
        {t('elder.saveFamilyPhone')}
      </button>
    </form>
  );
}
