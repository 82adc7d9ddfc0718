import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, bearer, client, ok } from '../shared/api.js';
import { ID_TYPES } from '../shared/choices.js';
import { useT, type MessageKey } from '../shared/i18n.js';
import { PrintedCardNotice, printedCard, useFocusWhenShown, type PrintedCard } from '../shared/paper-card.js';
import type { StaffSession } from '../shared/staff-session.js';
import { Card, ConfirmedAction, ErrorNotice, Field, fieldError, plainFieldMessage, useAction } from '../shared/ui.js';

/** The fields this form shows: a server problem naming another is still shown, under the form. */
const SHOWN_FIELDS = ['idType', 'idNumber', 'idCountry'];

/** A service point prints (or revokes) the paper card of the person whose identity document staff hold. */
export function PaperCardsView({ session }: { session: StaffSession }): JSX.Element {
  const t = useT();
  const [idType, setIdType] = useState<string>('resident_id');
  const [idNumber, setIdNumber] = useState('');
  const [idCountry, setIdCountry] = useState('');
  const [printed, setPrinted] = useState<PrintedCard | null>(null);
  const [revoked, setRevoked] = useState<boolean | null>(null);
  // Checked here before anything is asked or sent: the server's schema words are not for people.
  const [missing, setMissing] = useState<{ field: 'idNumber' | 'idCountry'; key: MessageKey } | null>(null);
  const revokedRef = useFocusWhenShown<HTMLParagraphElement>(revoked);
  const passport = idType === 'passport';
  const body = () => ({ idType, idNumber: idNumber.trim(), ...(passport ? { idCountry: idCountry.trim() } : {}) });
  const complete = (): boolean => {
    const gap = idNumber.trim() === '' ? ({ field: 'idNumber', key: 'paperCard.numberMissing' } as const) : passport && idCountry.trim() === '' ? ({ field: 'idCountry', key: 'paperCard.countryMissing' } as const) : null;
    setMissing(gap);
    return gap === null;
  };
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
  const noteFor = (field: 'idType' | 'idNumber' | 'idCountry') => (missing?.field === field ? t(missing.key) : fieldError(error, field));
  const otherFields = error instanceof ApiError ? error.errors.filter((e) => !SHOWN_FIELDS.some((f) => e.field === f || e.field.startsWith(`${f}.`))) : [];
  return (
    <Card title={t('console.paperCards')}>
      <p class="muted">{t('paperCard.consoleIntro')}</p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (complete()) void print.run();
        }}
      >
        <Field label={t('field.idType')} error={noteFor('idType')}>
          <select name="idType" value={idType} onChange={(e) => setIdType(e.currentTarget.value)}>
            {ID_TYPES.map((type) => (
              <option value={type}>{t(`idType.${type}`)}</option>
            ))}
          </select>
        </Field>
        <Field label={t('field.idNumber')} error={noteFor('idNumber')}>
          <input name="idNumber" required autocomplete="off" value={idNumber} onInput={(e) => (setIdNumber(e.currentTarget.value), setMissing(null))} />
        </Field>
        {passport && (
          <Field label={t('field.idCountry')} hint={t('field.idCountryHint')} error={noteFor('idCountry')}>
            <input name="idCountry" required maxLength={3} autocomplete="off" value={idCountry} onInput={(e) => (setIdCountry(e.currentTarget.value.toUpperCase()), setMissing(null))} />
          </Field>
        )}
        {error instanceof ApiError && error.status === 404 ? (
          <div class="notice notice-error" role="alert" data-testid="card-holder-not-found">
            {t('paperCard.notFound')}
          </div>
        ) : (
          <ErrorNotice error={error} />
        )}
        {otherFields.length > 0 && (
          <ul class="notice notice-error" data-testid="other-field-problems">
            {otherFields.map((e) => (
              <li>
                {e.field}: {plainFieldMessage(e.message, t)}
              </li>
            ))}
          </ul>
        )}
        {printed && <PrintedCardNotice card={printed} />}
        {revoked !== null && (
          <p class="notice notice-ok" role="status" data-testid="card-revoked" tabIndex={-1} ref={revokedRef}>
            {t(revoked ? 'paperCard.revoked' : 'paperCard.noneToRevoke')}
          </p>
        )}
        <button class="primary wide" type="submit" data-testid="print-card" disabled={print.busy} aria-busy={print.busy}>
          {t(print.busy ? 'paperCard.printing' : 'paperCard.print')}
        </button>
      </form>
      <ConfirmedAction testId="revoke-card" label={t('paperCard.revoke')} question={t('paperCard.revokeConfirm')} yes={t('paperCard.revokeYes')} busy={revoke.busy} ready={complete} onConfirm={() => void revoke.run()} />
    </Card>
  );
}
