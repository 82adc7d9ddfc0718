import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { bearer, client, ok, type Answer } from '../shared/api.js';
import { formatShort } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import type { StaffSession } from '../shared/staff-session.js';
import { Card, ErrorNotice, useAction } from '../shared/ui.js';

type Entry = Answer<'/api/v1/audit-log'>[number];

export function AuditView({ session }: { session: StaffSession }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [entries, setEntries] = useState<Entry[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [check, setCheck] = useState<Answer<'/api/v1/audit-log/verify'> | null>(null);
  useEffect(() => void ok(client.GET('/api/v1/audit-log', { params: { query: { limit: 200 } }, headers: bearer(session.token) })).then(setEntries, setError), []);
  const verify = useAction(async () => setCheck(await ok(client.GET('/api/v1/audit-log/verify', { headers: bearer(session.token) }))));
  // The credential travels in a header, so the file is fetched and handed to the browser as a blob.
  const download = useAction(async () => {
    // A refusal is an ApiError naming why (shown below the button), as every other call's is.
    const csv = await ok(client.GET('/api/v1/audit-log.csv', { headers: { ...bearer(session.token), accept: 'text/csv' }, parseAs: 'blob' }));
    const url = URL.createObjectURL(csv);
    const link = Object.assign(document.createElement('a'), { href: url, download: 'audit-log.csv' });
    link.click();
    URL.revokeObjectURL(url);
  });
  return (
    <Card title={t('console.audit')}>
      <p class="muted">{t('audit.intro')}</p>
      <button type="button" class="primary" onClick={() => void verify.run()} disabled={verify.busy}>
        {t('audit.verify')}
      </button>{' '}
      <button type="button" onClick={() => void download.run()} disabled={download.busy}>
        {t('audit.download')}
      </button>
      <ErrorNotice error={verify.error ?? download.error ?? error} />
      {check && (
        <div class={`notice ${check.problem ? 'notice-error' : 'notice-ok'}`} role="status" data-testid="audit-check">
          {check.problem ? t('audit.broken', { seq: check.firstBroken ?? '?', problem: check.problem }) : t('audit.intact', { n: check.entries })}
        </div>
      )}
      {/* Wide on a phone: a region the keyboard can scroll. */}
      <div class="table-scroll" role="region" aria-label={t('console.audit')} tabIndex={0}>
      <table class="table">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('audit.when')}</th>
            <th>{t('audit.who')}</th>
            <th>{t('audit.what')}</th>
            <th>{t('access.purpose')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr>
              <td class="num">{e.seq}</td>
              <td>{formatShort(e.at, lang)}</td>
              <td>{e.actor}</td>
              <td>{t(`action.${e.action}` as 'action.open-trace')}</td>
              <td>{e.purpose}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </Card>
  );
}
