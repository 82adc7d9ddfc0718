import type { JSX } from 'preact';
import { formatDate } from './format.js';
import { useLang, useT } from './i18n.js';

/** A card just printed, as the screens offer it: the PDF to open or save, and what the server said of it. */
export interface PrintedCard {
  url: string;
  expiresAt: string | null;
  replacedEarlier: boolean;
}

/** Reads a print's answer: the PDF as a link the browser opens or saves, and its expiry from the headers. */
export async function printedCard(call: Promise<{ data?: unknown; response: Response }>): Promise<PrintedCard> {
  const { data, response } = await call;
  return {
    url: URL.createObjectURL(data as Blob),
    expiresAt: response.headers.get('x-card-expires-at'),
    replacedEarlier: response.headers.get('x-card-replaced-earlier') === 'true',
  };
}

/** Says the card is ready, until when, and whether the one before stopped working; links the PDF, named for saving. */
export function PrintedCardNotice({ card }: { card: PrintedCard }): JSX.Element {
  const t = useT();
  const lang = useLang();
  return (
    <div class="notice notice-ok" role="status" data-testid="card-printed">
      <p>{t('paperCard.printed', { until: formatDate(card.expiresAt, lang) })}</p>
      {card.replacedEarlier && <p>{t('paperCard.replaced')}</p>}
      <a href={card.url} download="paper-card.pdf" class="button primary" data-testid="card-pdf">
        {t('paperCard.download')}
      </a>
    </div>
  );
}
