import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { bearer, client, ok, type Answer } from '../shared/api.js';

type ReclaimView = Answer<'/api/v1/identity-reclaims'>[number];
import { formatDateTime } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import type { StaffSession } from '../shared/staff-session.js';
import { Card, ErrorNotice, Field, fieldError, useAction } from '../shared/ui.js';

const METHODS = ['authority-record', 'in-person'] as const;
type Method = (typeof METHODS)[number];

/**
 * One officer's check of a reclaim: where, which document, a reference, a note. The first proposes;
 * a second, who may not be the first, records their own check and approves (or rejects).
 */
function CheckForm({ session, reclaim, onDecided }: { session: StaffSession; reclaim: ReclaimView; onDecided: () => void }): JSX.Element {
  const t = useT();
  const [method, setMethod] = useState<Method>('authority-record');
  const [document, setDocument] = useState('');
  const [reference, setReference] = useState('');
  const [note, setNote] = useState('');
  const step = reclaim.status === 'proposed' ? 'approve' : 'propose';
  const decide = useAction(async () => {
    const check = { params: { path: { reclaimId: reclaim.id } }, headers: bearer(session.token), body: { evidence: { method, document, reference }, note } };
    await ok(step === 'approve' ? client.POST('/api/v1/identity-reclaims/{reclaimId}/approve', check) : client.POST('/api/v1/identity-reclaims/{reclaimId}/propose', check));
    onDecided();
  });
  const reject = useAction(async () => {
    await ok(client.POST('/api/v1/identity-reclaims/{reclaimId}/reject', { params: { path: { reclaimId: reclaim.id } }, headers: bearer(session.token), body: { note } }));
    onDecided();
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void decide.run();
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
      <Field label={t('reclaims.document')} error={fieldError(decide.error, 'evidence.document')}>
        <input name="document" required maxLength={100} placeholder={t('reclaims.documentPlaceholder')} value={document} onInput={(e) => setDocument(e.currentTarget.value)} />
      </Field>
      <Field label={t('reclaims.reference')} error={fieldError(decide.error, 'evidence.reference')}>
        <input name="reference" required maxLength={100} placeholder={t('reclaims.referencePlaceholder')} value={reference} onInput={(e) => setReference(e.currentTarget.value)} />
      </Field>
      <textarea name="note" rows={2} required minLength={5} aria-label={t('reclaims.note')} placeholder={t('reclaims.notePlaceholder')} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      <ErrorNotice error={decide.error ?? reject.error} />
      <button type="submit" class="primary" disabled={decide.busy || reject.busy}>
        {t(step === 'approve' ? 'reclaims.approve' : 'reclaims.propose')}
      </button>{' '}
      <button type="button" onClick={() => void reject.run()} disabled={decide.busy || reject.busy || note.trim().length < 5}>
        {t('reclaims.reject')}
      </button>
    </form>
  );
}

/** Identity documents claimed by someone other than the account holding them, for two authorities to check. */
export function ReclaimsView({ session }: { session: StaffSession }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [reclaims, setReclaims] = useState<ReclaimView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => ok(client.GET('/api/v1/identity-reclaims', { headers: bearer(session.token) })).then(setReclaims, setError);
  useEffect(() => void load(), []);
  return (
    <Card title={t('console.reclaims')}>
      <p class="muted">{t('reclaims.intro')}</p>
      <ErrorNotice error={error} />
      {reclaims?.length === 0 && <p>{t('reclaims.none')}</p>}
      <ul class="list">
        {reclaims?.map((r) => (
          <li key={r.id} class="stacked" data-reclaim={r.id} data-status={r.status}>
            <div>
              <strong>{r.maskedName}</strong> <span>{t(`idType.${r.idType}` as 'idType.passport')}</span> <code>{r.maskedIdNumber}</code>{' '}
              {r.forHouseholdMember && <span class="muted">{t('reclaims.household')}</span>} <span class="muted">{formatDateTime(r.createdAt, lang)}</span>
            </div>
            {r.proposalEvidence && r.proposedBy !== session.id && (
              <p class="small">
                {t('reclaims.proposed', { document: r.proposalEvidence.document, method: t(`reclaims.method.${r.proposalEvidence.method}` as 'reclaims.method.in-person'), reference: r.proposalEvidence.reference })}
              </p>
            )}
            {r.status === 'proposed' && r.proposedBy === session.id ? <p class="muted small">{t('reclaims.awaitingOther')}</p> : <CheckForm session={session} reclaim={r} onDecided={() => void load()} />}
          </li>
        ))}
      </ul>
    </Card>
  );
}
