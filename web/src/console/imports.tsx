import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { NetworkError, problemError, type Answer } from '../shared/api.js';
import { useT } from '../shared/i18n.js';
import type { StaffSession } from '../shared/staff-session.js';
import { Card, ErrorNotice, Field } from '../shared/ui.js';

const KINDS = ['cases', 'tests', 'contacts', 'vaccinations', 'travel-records', 'risk-areas'] as const;

type Report = Answer<'/api/v1/imports/{kind}', 'post'>;

/** Uploads with XMLHttpRequest, the one browser API that reports upload progress. */
function upload(url: string, token: string, file: File, onProgress: (fraction: number) => void): Promise<Report> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', file.name.toLowerCase().endsWith('.csv') ? 'text/csv' : 'application/x-ndjson');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    // Not through the typed client (fetch reports no upload progress), but typed by the same schema
    // and refused with the same ApiError.
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText) as Report);
      else reject(problemError(xhr.status, xhr.statusText, xhr.responseText, xhr.getResponseHeader('retry-after')));
    };
    xhr.onerror = () => reject(new NetworkError('network error'));
    xhr.send(file);
  });
}

export function ImportsView({ session }: { session: StaffSession }): JSX.Element {
  const t = useT();
  const [kind, setKind] = useState<string>('cases');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);
  const start = async () => {
    if (!file) return;
    setError(null);
    setReport(null);
    setProgress(0);
    try {
      setReport(await upload(`/api/v1/imports/${kind}`, session.token, file, setProgress));
    } catch (e) {
      setError(e);
    } finally {
      setProgress(null);
    }
  };
  return (
    <Card title={t('imports.title')}>
      <p class="muted">{t('imports.intro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <Field label={t('imports.kind')}>
          <select name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            {KINDS.map((k) => (
              <option value={k}>{t(`imports.kind.${k}`)}</option>
            ))}
          </select>
        </Field>
        <Field label={t('imports.file')} hint={t('imports.fileHint')}>
          <input name="file" type="file" accept=".csv,.ndjson,.jsonl,text/csv,application/x-ndjson" required onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        </Field>
        <button class="primary" type="submit" disabled={!file || progress !== null}>
          {t('imports.start')}
        </button>
      </form>
      {progress !== null && (
        <div class="progress" role="progressbar" aria-valuenow={Math.round(progress * 100)} aria-valuemin={0} aria-valuemax={100}>
          <div class="progress-bar" style={{ width: `${Math.round(progress * 100)}%` }} />
          <span>{progress < 1 ? t('imports.uploading', { percent: Math.round(progress * 100) }) : t('imports.processing')}</span>
        </div>
      )}
      <ErrorNotice error={error} />
      {report && (
        <div class="report" data-testid="import-report">
          <p>{t('imports.summary', { rows: report.rows, accepted: report.accepted, unchanged: report.unchanged, invalid: report.invalid.length, unmatched: report.unmatched.length })}</p>
          <p>{t('imports.redecided', { redecided: report.redecided, changes: report.colourChanges, notified: report.notified })}</p>
          {report.invalid.length > 0 && (
            <ul class="problems">
              {report.invalid.slice(0, 100).map((p) => (
                <li>{t('imports.lineProblem', { line: p.line, field: p.field, message: p.message })}</li>
              ))}
            </ul>
          )}
          {report.unmatched.length > 0 && <p class="muted">{t('imports.unmatchedLines', { lines: report.unmatched.slice(0, 50).map((u) => u.line).join(', ') })}</p>}
        </div>
      )}
    </Card>
  );
}
