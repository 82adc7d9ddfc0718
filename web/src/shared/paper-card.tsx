import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { formatDate } from './format.js';
import { useLang, useT } from './i18n.js';

/** A card just printed, as the screens offer it: the PDF to open or save, and what the server said of it. */
export interface PrintedCard {
  url: string;
  expiresAt: string | null;
  /** The holder's masked name, so the clerk sees whose card it is before handing it over. */
  maskedName: string | null;
  replacedEarlier: boolean;
}

/** Reads a print's answer: the PDF as a link the browser opens or saves, and what it says from the headers. */
export async function printedCard(call: Promise<{ data?: unknown; response: Response }>): Promise<PrintedCard> {
  const { data, response } = await call;
  const holder = response.headers.get('x-card-holder');
  return {
    url: URL.createObjectURL(data as Blob),
    expiresAt: response.headers.get('x-card-expires-at'),
    // Sent percent-encoded: a header carries no Chinese as it is.
    maskedName: holder === null ? null : decodeURIComponent(holder),
    replacedEarlier: response.headers.get('x-card-replaced-earlier') === 'true',
  };
}

/** A ref to put on a result message: it takes the focus as it appears, so a screen reader reads it next. */
export function useFocusWhenShown<T extends HTMLElement>(shown: unknown): { current: T | null } {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (shown !== null && shown !== undefined && shown !== false) ref.current?.focus();
  }, [shown]);
  return ref;
}

/** Says the card is ready, whose it is, until when, and whether the one before stopped working; links the PDF, named for saving. */
export function PrintedCardNotice({ card }: { card: PrintedCard }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const ref = useFocusWhenShown<HTMLDivElement>(card);
  return (
    <div class="notice notice-ok" role="status" data-testid="card-printed" tabIndex={-1} ref={ref}>
      <p>{t('paperCard.printed', { until: formatDate(card.expiresAt, lang) })}</p>
      {card.maskedName && <p data-testid="card-holder">{t('paperCard.printedFor', { name: card.maskedName })}</p>}
      <p data-testid="card-replaced">{t(card.replacedEarlier ? 'paperCard.replaced' : 'paperCard.noneReplaced')}</p>
      <a href={card.url} download="paper-card.pdf" class="button primary" data-testid="card-pdf">
        {t('paperCard.download')}
      </a>
    </div>
  );
}
