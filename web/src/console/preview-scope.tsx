import type { JSX } from 'preact';
import { useT } from '../shared/i18n.js';
import { PlaceName } from '../shared/region-picker.js';

/** Whose residents a preview counted, and that small counts are not shown exactly: said beside every preview's counts. */
export function PreviewScope({ counted, countedName, smallCount }: { counted: string; countedName: string | null; smallCount: number }): JSX.Element {
  const t = useT();
  return (
    <>
      <p class="small" data-testid="preview-scope">
        {counted === 'CN' ? (
          t('preview.countedAll')
        ) : (
          <>
            {t('preview.countedIn')} <PlaceName code={counted} name={countedName} />
          </>
        )}
      </p>
      <p class="small">{t('preview.smallCounts', { k: smallCount })}</p>
    </>
  );
}
