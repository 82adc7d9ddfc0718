import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, bearer, client, ok } from '../shared/api.js';
import { ID_TYPES } from '../shared/choices.js';
import { formatDate } from '../shared/format.js';
import { useLang, useT, type MessageKey } from '../shared/i18n.js';
import { chineseScript } from '../shared/chinese-script.js';
import { PrintedCardNotice, printedCard, useFocusWhenShown, type PrintedCard } from '../shared/paper-card.js';
import type { StaffSession } from '../shared/staff-session.js';
import { Card, ConfirmedAction, ErrorNotice, Field, fieldError, plainFieldMessage, useAction } from '../shared/ui.js';

/** The fields this form shows: a server problem naming another is still shown, under the form. */
const SHOWN_FIELDS = ['idType', 'idNumber', 'idCountry'];

/** What finding a card answers: whose it is, and their latest card, live or revoked, or null. */
type FoundCard = { maskedName: string; card: { issuedAt: string; expiresAt: string; expired: boolean; revokedAt: string | null } | null };

/**
 * A service point finds, prints again, replaces or revokes the paper card of the person whose
 * identity document staff hold: a damaged printout is printed again as it was, a lost card replaced.
 */
export function PaperCardsView({ session }: { session: StaffSession }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [idType, setIdType] = useState<string>('resident_id');
  const [idNumber, setIdNumber] = useState('');
  const [idCountry, setIdCountry] = useState('');
  const [printed, setPrinted] = useState<PrintedCard | null>(null);
  const [revoked, setRevoked] = useState<boolean | null>(null);
  const [found, setFound] = useState<FoundCard | null>(null);
  // Checked here before anything is asked or sent: the server's schema words are not for people.
  const [missing, setMissing] = useState<{ field: 'idNumber' | 'idCountry'; key: MessageKey } | null>(null);
  const revokedRef = useFocusWhenShown<HTMLParagraphElement>(revoked);
  const foundRef = useFocusWhenShown<HTMLDivElement>(found);
  const passport = idType === 'passport';
  const body = () => ({ idType, idNumber: idNumber.trim(), ...(passport ? { idCountry: idCountry.trim() } : {}) });
  const complete = (): boolean => {
    const gap = idNumber.trim() === '' ? ({ field: 'idNumber', key: 'paperCard.numberMissing' } as const) : passport && idCountry.trim() === '' ? ({ field: 'idCountry', key: 'paperCard.countryMissing' } as const) : null;
    setMissing(gap);
    return gap === null;
  };
  const clear = () => (setRevoked(null), setPrinted(null), setFound(null));
  const print = useAction(async () => {
    clear();
    setPrinted(await printedCard(client.POST('/api/v1/paper-cards', { headers: bearer(session.token), body: { ...body(), ...chineseScript(lang) }, parseAs: 'blob' })));
  });
  const find = useAction(async () => {
    clear();
    setFound(await ok(client.POST('/api/v1/paper-cards/find', { headers: bearer(session.token), body: body() })));
  });
  const copy = useAction(async () => {
    setPrinted(null);
    setPrinted(await printedCard(client.POST('/api/v1/paper-cards/copy', { headers: bearer(session.token), body: { ...body(), ...chineseScript(lang) }, parseAs: 'blob' })));
  });
  const revoke = useAction(async () => {
    clear();
    setRevoked((await ok(client.POST('/api/v1/paper-cards/revoke', { headers: bearer(session.token), body: body() }))).revoked);
  });
  const error = print.error ?? find.error ?? copy.error ?? revoke.error;
  const foundCard = found?.card ?? null;
  const live = foundCard && foundCard.revokedAt === null && !foundCard.expired ? foundCard : null;
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
        {found && (
          <div class="notice" role="status" data-testid="card-found" tabIndex={-1} ref={foundRef}>
            <p>
              <strong>{t('paperCard.foundFor', { name: found.maskedName })}</strong>
            </p>
            <p data-testid="card-status">
              {foundCard === null
                ? t('paperCard.none')
                : foundCard.revokedAt !== null
                  ? t('paperCard.revokedOn', { date: formatDate(foundCard.revokedAt, lang) })
                  : t(foundCard.expired ? 'paperCard.expired' : 'paperCard.live', { issued: formatDate(foundCard.issuedAt, lang), until: formatDate(foundCard.expiresAt, lang) })}
            </p>
            {live && (
              <>
                <p class="muted small">{t('paperCard.copyHint')}</p>
                <button type="button" data-testid="copy-card" disabled={copy.busy} aria-busy={copy.busy} onClick={() => void copy.run()}>
                  {t(copy.busy ? 'paperCard.printing' : 'paperCard.copy')}
                </button>
              </>
            )}
          </div>
        )}
        {printed && <PrintedCardNotice card={printed} />}
        {revoked !== null && (
          <p class="notice notice-ok" role="status" data-testid="card-revoked" tabIndex={-1} ref={revokedRef}>
            {t(revoked ? 'paperCard.revoked' : 'paperCard.noneToRevoke')}
          </p>
        )}
        <button class="wide" type="button" data-testid="find-card" disabled={find.busy} aria-busy={find.busy} onClick={() => complete() && void find.run()}>
          {t(find.busy ? 'paperCard.finding' : 'paperCard.find')}
        </button>
        <button class="primary wide" type="submit" data-testid="print-card" disabled={print.busy} aria-busy={print.busy}>
          {t(print.busy ? 'paperCard.printing' : 'paperCard.print')}
        </button>
      </form>
      <ConfirmedAction testId="revoke-card" label={t('paperCard.revoke')} question={t('paperCard.revokeConfirm')} yes={t('paperCard.revokeYes')} busy={revoke.busy} ready={complete} onConfirm={() => void revoke.run()} />
    </Card>
  );
}
