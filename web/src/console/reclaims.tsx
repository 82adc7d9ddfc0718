import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Reclaim as ReclaimView } from '../../../src/http/api-types.js';
import { api } from '../shared/api.js';
import { formatDateTime } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import type { StaffSession } from '../shared/staff-session.js';
import { Card, ErrorNotice, useAction } from '../shared/ui.js';

const METHODS = ['authority-record', 'in-person'] as const;

function DecideForm({ session, reclaim, onDecided }: { session: StaffSession; reclaim: ReclaimView; onDecided: () => void }): JSX.Element {
  const t = useT();
  const [method, setMethod] = useState<(typeof METHODS)[number]>('authority-record');
  const [note, setNote] = useState('');
  const approve = useAction(async () => {
    await api('POST', `/api/v1/identity-reclaims/${reclaim.id}/approve`, { token: session.token, body: { method, note } });
    onDecided();
  });
  const reject = useAction(async () => {
    await api('POST', `/api/v1/identity-reclaims/${reclaim.id}/reject`, { token: session.token, body: { note } });
    onDecided();
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void approve.run();
      }}
    >
      <fieldset class="segmented">
        <legend class="small muted">{t('reclaims.method')}</legend>
        {METHODS.map((m) => (
          <button type="button" aria-pressed={method === m} class={method === m ? 'active' : ''} onClick={() => setMethod(m)}>
            {t(`reclaims.method.${m}` as 'reclaims.method.in-person')}
          </button>
        ))}
      </fieldset>
      <textarea name="note" rows={2} required minLength={5} aria-label={t('reclaims.note')} placeholder={t('reclaims.notePlaceholder')} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      <ErrorNotice error={approve.error ?? reject.error} />
      <button type="submit" class="primary" disabled={approve.busy || reject.busy}>
        {t('reclaims.approve')}
      </button>{' '}
      <button type="button" onClick={() => void reject.run()} disabled={approve.busy || reject.busy || note.trim().length < 5}>
        {t('reclaims.reject')}
      </button>
    </form>
  );
}

/** Identity documents claimed by someone other than the account holding them, for the authority to check. */
export function ReclaimsView({ session }: { session: StaffSession }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [reclaims, setReclaims] = useState<ReclaimView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => api<ReclaimView[]>('GET', '/api/v1/identity-reclaims', { token: session.token }).then(setReclaims, setError);
  useEffect(() => void load(), []);
  return (
    <Card title={t('console.reclaims')}>
      <p class="muted">{t('reclaims.intro')}</p>
      <ErrorNotice error={error} />
      {reclaims?.length === 0 && <p>{t('reclaims.none')}</p>}
      <ul class="list">
        {reclaims?.map((r) => (
          <li class="stacked" data-reclaim={r.id}>
            <div>
              <strong>{r.maskedName}</strong> <span>{t(`idType.${r.idType}` as 'idType.passport')}</span> <code>{r.maskedIdNumber}</code>{' '}
              {r.forHouseholdMember && <span class="muted">{t('reclaims.household')}</span>} <span class="muted">{formatDateTime(r.createdAt, lang)}</span>
            </div>
            <DecideForm session={session} reclaim={r} onDecided={() => void load()} />
          </li>
        ))}
      </ul>
    </Card>
  );
}
