import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, bearer, client, ok } from '../shared/api.js';
import { ID_TYPES } from '../shared/choices.js';
import { useT } from '../shared/i18n.js';
import { PrintedCardNotice, printedCard, type PrintedCard } from '../shared/paper-card.js';
import type { StaffSession } from '../shared/staff-session.js';
import { Card, ConfirmedAction, ErrorNotice, Field, fieldError, useAction } from '../shared/ui.js';

/** A service point prints (or revokes) the paper card of the person whose identity document staff hold. */
export function PaperCardsView({ session }: { session: StaffSession }): JSX.Element {
  const t = useT();
  const [idType, setIdType] = useState<string>('resident_id');
  const [idNumber, setIdNumber] = useState('');
  const [printed, setPrinted] = useState<PrintedCard | null>(null);
  const [revoked, setRevoked] = useState<boolean | null>(null);
  const body = () => ({ idType, idNumber: idNumber.trim() });
  const print = useAction(async () => {
    setRevoked(null);
    setPrinted(null);
    setPrinted(await printedCard(client.POST('/api/v1/paper-cards', { headers: bearer(session.token), body: body(), parseAs: 'blob' })));
  });
  const revoke = useAction(async () => {
    setPrinted(null);
    setRevoked((await ok(client.POST('/api/v1/paper-cards/revoke', { headers: bearer(session.token), body: body() }))).revoked);
  });
  const error = print.error ?? revoke.error;
  return (
    <Card title={t('console.paperCards')}>
      <p class="muted">{t('paperCard.consoleIntro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void print.run();
        }}
      >
        <Field label={t('field.idType')}>
          <select name="idType" value={idType} onChange={(e) => setIdType(e.currentTarget.value)}>
            {ID_TYPES.map((type) => (
              <option value={type}>{t(`idType.${type}`)}</option>
            ))}
          </select>
        </Field>
        <Field label={t('field.idNumber')} error={fieldError(error, 'idNumber')}>
          <input name="idNumber" required autocomplete="off" value={idNumber} onInput={(e) => setIdNumber(e.currentTarget.value)} />
        </Field>
        {error instanceof ApiError && error.status === 404 ? (
          <div class="notice notice-error" role="alert" data-testid="card-holder-not-found">
            {t('paperCard.notFound')}
          </div>
        ) : (
          <ErrorNotice error={error} />
        )}
        {printed && <PrintedCardNotice card={printed} />}
        {revoked !== null && (
          <p class="notice notice-ok" role="status" data-testid="card-revoked">
            {t(revoked ? 'paperCard.revoked' : 'paperCard.noneToRevoke')}
          </p>
        )}
        <button class="primary wide" type="submit" data-testid="print-card" disabled={print.busy}>
          {t('paperCard.print')}
        </button>
      </form>
      <ConfirmedAction label={t('paperCard.revoke')} question={t('paperCard.revokeConfirm')} yes={t('paperCard.revokeYes')} busy={revoke.busy} onConfirm={() => void revoke.run()} />
    </Card>
  );
}
