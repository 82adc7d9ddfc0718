import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { bearer, client, loadSaved, ok, save, UNAUTHORIZED_EVENT } from './api.js';
import { useT } from './i18n.js';
import { Card, ErrorNotice, Field, useAction } from './ui.js';

export interface StaffSession {
  token: string;
  id: string;
  name: string;
  role: string;
  /** The region this person answers for; null: every region the operator serves (absent in sessions saved before it was kept). */
  region?: string | null;
}

/** Staff sign in with the credential `healthcode staff add` printed; it is kept on this device only. */
export function useStaffSession(app: string): [StaffSession | null, (s: StaffSession | null) => void] {
  const key = `healthcode.${app}.staff`;
  const [session, setSession] = useState<StaffSession | null>(() => loadSaved<StaffSession | null>(key, null));
  const update = (s: StaffSession | null) => {
    save(key, s);
    setSession(s);
  };
  useEffect(() => {
    const onRevoked = () => update(null);
    addEventListener(UNAUTHORIZED_EVENT, onRevoked);
    return () => removeEventListener(UNAUTHORIZED_EVENT, onRevoked);
  }, []);
  return [session, update];
}

export function StaffSignIn({ roles, onSignedIn }: { roles: string[]; onSignedIn: (s: StaffSession) => void }): JSX.Element {
  const t = useT();
  const [token, setToken] = useState('');
  const signIn = useAction(async () => {
    const me = await ok(client.GET('/api/v1/staff/me', { headers: bearer(token.trim()) }));
    if (!roles.includes(me.role)) throw new Error(t('staff.wrongRole', { role: me.role }));
    onSignedIn({ token: token.trim(), ...me });
  });
  return (
    <Card title={t('staff.signIn')}>
      <p class="muted">{t('staff.signInIntro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void signIn.run();
        }}
      >
        <Field label={t('staff.credential')}>
          <input name="credential" type="password" autocomplete="off" required value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        </Field>
        <ErrorNotice error={signIn.error} />
        <button class="primary wide" type="submit" disabled={signIn.busy}>
          {t('staff.signInSubmit')}
        </button>
      </form>
    </Card>
  );
}
