import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { bearer, client, ok, type Answer, type BodyOf } from '../shared/api.js';

type QueuedAppeal = Answer<'/api/v1/appeals'>[number];
type Outcome = BodyOf<'/api/v1/appeals/{appealId}/answer'>['outcome'];
import { ColourBadge } from '../shared/colour.js';
import { formatDateTime } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import type { StaffSession } from '../shared/staff-session.js';
import { Card, ErrorNotice, useAction } from '../shared/ui.js';

function AnswerForm({ session, appeal, onAnswered }: { session: StaffSession; appeal: QueuedAppeal; onAnswered: () => void }): JSX.Element {
  const t = useT();
  const [outcome, setOutcome] = useState<Outcome>('upheld');
  const [response, setResponse] = useState('');
  const answer = useAction(async () => {
    await ok(client.POST('/api/v1/appeals/{appealId}/answer', { params: { path: { appealId: appeal.id } }, headers: bearer(session.token), body: { outcome, response } }));
    onAnswered();
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void answer.run();
      }}
    >
      <div class="segmented">
        {(['upheld', 'corrected'] as const).map((o) => (
          <button type="button" class={outcome === o ? 'active' : ''} onClick={() => setOutcome(o)}>
            {t(`appeal.status.${o}` as 'appeal.status.upheld')}
          </button>
        ))}
      </div>
      <textarea rows={3} required minLength={5} placeholder={t('appeals.responsePlaceholder')} value={response} onInput={(e) => setResponse(e.currentTarget.value)} />
      <ErrorNotice error={answer.error} />
      <button type="submit" class="primary" disabled={answer.busy}>
        {t('appeals.answer')}
      </button>
    </form>
  );
}

export function AppealsView({ session }: { session: StaffSession }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const [appeals, setAppeals] = useState<QueuedAppeal[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => ok(client.GET('/api/v1/appeals', { params: { query: { status } }, headers: bearer(session.token) })).then(setAppeals, setError);
  useEffect(() => void load(), [status]);
  return (
    <Card title={t('console.appeals')}>
      <div class="segmented">
        <button type="button" class={status === 'open' ? 'active' : ''} onClick={() => setStatus('open')}>
          {t('appeals.open')}
        </button>
        <button type="button" class={status === 'resolved' ? 'active' : ''} onClick={() => setStatus('resolved')}>
          {t('appeals.resolved')}
        </button>
      </div>
      <p class="muted small">{t('appeals.audited')}</p>
      <ErrorNotice error={error} />
      {appeals?.length === 0 && <p>{t('appeals.none')}</p>}
      <ul class="list">
        {appeals?.map((a) => (
          <li class="stacked" data-appeal={a.id}>
            <div>
              <strong>{a.maskedName}</strong> <ColourBadge colour={a.colour} /> <span class="muted">{formatDateTime(a.createdAt, lang)}</span>
            </div>
            {a.status === 'open' &&
              (a.escalatedAt ? (
                <p class="overdue" data-testid="appeal-overdue">
                  {t('appeals.overdue', { at: formatDateTime(a.escalatedAt, lang) })}
                </p>
              ) : (
                <p class="muted small">{t('appeals.due', { due: formatDateTime(a.dueAt, lang) })}</p>
              ))}
            <ul class="muted small">
              {a.rules.map((r) => (
                <li>{r.description[lang]}</li>
              ))}
            </ul>
            <blockquote>{a.message}</blockquote>
            {a.status === 'open' ? (
              <AnswerForm session={session} appeal={a} onAnswered={() => void load()} />
            ) : (
              <p>
                <strong>{t(`appeal.status.${a.status}` as 'appeal.status.upheld')}</strong> {a.response}
              </p>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}
