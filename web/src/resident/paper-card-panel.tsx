import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { bearer, client, ok, type Answer } from '../shared/api.js';
import { formatDate } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import { chineseScript } from '../shared/chinese-script.js';
import { PrintedCardNotice, printedCard, useFocusWhenShown, type PrintedCard } from '../shared/paper-card.js';
import { ConfirmedAction, ErrorNotice, useAction } from '../shared/ui.js';
import type { Session } from './session.js';

type CardStatus = Answer<'/api/v1/residents/{id}/paper-card'>;

/** A household member's paper card: whether one is live, print a (new) one, open the live one again, revoke it. */
export function PaperCardPanel({ session, residentId, name }: { session: Session; residentId: string; name: string }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const path = { params: { path: { id: residentId } }, headers: bearer(session.token) };
  const [status, setStatus] = useState<CardStatus | undefined>(undefined);
  const [printed, setPrinted] = useState<PrintedCard | null>(null);
  const [revoked, setRevoked] = useState<boolean | null>(null);
  const revokedRef = useFocusWhenShown<HTMLParagraphElement>(revoked);
  const load = () => ok(client.GET('/api/v1/residents/{id}/paper-card', path)).then(setStatus, () => undefined);
  useEffect(() => void load(), [residentId]);
  const print = useAction(async () => {
    setRevoked(null);
    setPrinted(null);
    setPrinted(await printedCard(client.POST('/api/v1/residents/{id}/paper-card', { ...path, params: { ...path.params, query: chineseScript(lang) }, parseAs: 'blob' })));
    await load();
  });
  // The live card as it was: the card already in the holder's hand keeps working.
  const again = useAction(async () => {
    setRevoked(null);
    setPrinted(null);
    setPrinted(await printedCard(client.GET('/api/v1/residents/{id}/paper-card/pdf', { ...path, params: { ...path.params, query: chineseScript(lang) }, parseAs: 'blob' })));
  });
  const revoke = useAction(async () => {
    setPrinted(null);
    setRevoked((await ok(client.DELETE('/api/v1/residents/{id}/paper-card', path))).revoked);
    await load();
  });
  const live = status && status.revokedAt === null ? status : null;
  const printLabel = t(print.busy ? 'paperCard.printing' : live ? 'paperCard.printAgain' : 'paperCard.print');
  return (
    <section class="paper-card" aria-label={`${t('paperCard.title')} · ${name}`} data-testid="paper-card-panel">
      <h3>
        {t('paperCard.title')} · {name}
      </h3>
      <p class="muted small">{t('paperCard.intro')}</p>
      {status === null && <p data-testid="card-status">{t('paperCard.none')}</p>}
      {status && (
        <p data-testid="card-status">
          {status.revokedAt !== null
            ? t('paperCard.revokedOn', { date: formatDate(status.revokedAt, lang) })
            : t(status.expired ? 'paperCard.expired' : 'paperCard.live', { issued: formatDate(status.issuedAt, lang), until: formatDate(status.expiresAt, lang) })}
        </p>
      )}
      {printed && <PrintedCardNotice card={printed} />}
      {revoked !== null && (
        <p class="notice notice-ok" role="status" data-testid="card-revoked" tabIndex={-1} ref={revokedRef}>
          {t(revoked ? 'paperCard.revoked' : 'paperCard.noneToRevoke')}
        </p>
      )}
      <ErrorNotice error={print.error ?? again.error ?? revoke.error} />
      {live && !live.expired && (
        <button type="button" class="wide" data-testid="card-again" disabled={again.busy} onClick={() => void again.run()}>
          {t('paperCard.downloadAgain')}
        </button>
      )}
      {live ? (
        // Printing again cancels the card in the holder's hand: asked first, as revoking is.
        <ConfirmedAction key={live.issuedAt} label={printLabel} question={t('paperCard.printAgainConfirm')} yes={printLabel} busy={print.busy} triggerClass="primary wide" testId="print-card" onConfirm={() => void print.run()} />
      ) : (
        <button type="button" class="primary wide" data-testid="print-card" disabled={print.busy} aria-busy={print.busy} onClick={() => void print.run()}>
          {printLabel}
        </button>
      )}
      {live && <ConfirmedAction testId="revoke-card" label={t('paperCard.revoke')} question={t('paperCard.revokeConfirm')} yes={t('paperCard.revokeYes')} busy={revoke.busy} onConfirm={() => void revoke.run()} />}
    </section>
  );
}
