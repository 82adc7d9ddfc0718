import { serverText } from '../shared/server-text.js';
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { bearer, client, ok, type Answer, type BodyOf } from '../shared/api.js';

type QueuedAppeal = Answer<'/api/v1/appeals'>[number];
import { ColourBadge } from '../shared/colour.js';
import { formatDateTime } from '../shared/format.js';
import { DAY_MS } from '../../../src/domain/index.js';
import { useLang, useT, type MessageKey } from '../shared/i18n.js';
import type { StaffSession } from '../shared/staff-session.js';
import { Card, ErrorNotice, Field, fieldError, useAction } from '../shared/ui.js';
import { ColourAndDays } from './corrections.js';

type Reason = Answer<'/api/v1/corrections/reasons'>[number];
type Colour = BodyOf<'/api/v1/appeals/{appealId}/correction'>['colour'];

type Mode = 'upheld' | 'propose' | 'fix';

/**
 * Answering an appeal leads to what the answer claims: the decision stands; or the appeal is right
 * and a correction goes to a second officer (pre-filled with the resident, the colour appealed and
 * the colour asked); or the record it rests on is fixed where it lives, and only then "corrected".
 */
function AnswerForm({ session, appeal, onAnswered }: { session: StaffSession; appeal: QueuedAppeal; onAnswered: () => void }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [mode, setMode] = useState<Mode>('upheld');
  const [response, setResponse] = useState('');
  const [reasons, setReasons] = useState<Reason[]>([]);
  useEffect(() => void ok(client.GET('/api/v1/corrections/reasons')).then(setReasons, () => undefined), []);
  // The reason that allows the colour the resident asked for (a record error setting green, usually).
  const asked = appeal.colourAsked ?? 'green';
  const [reason, setReason] = useState('');
  const fitting = reasons.find((r) => r.colours.includes(asked) && r.colours.every((c) => c !== appeal.colour)) ?? reasons.find((r) => r.colours.includes(asked)) ?? reasons[0];
  const chosenReason = reasons.find((r) => r.id === reason) ?? fitting;
  const allowed = chosenReason?.colours ?? [];
  const [colour, setColour] = useState('');
  const chosenColour = allowed.includes(colour) ? colour : allowed.includes(asked) ? asked : allowed[0];
  const [note, setNote] = useState('');
  const [days, setDays] = useState(7);
  const answer = useAction(async () => {
    if (mode === 'propose') {
      const expiresAt = new Date(Date.now() + days * DAY_MS).toISOString();
      const path = { appealId: appeal.id };
      await ok(client.POST('/api/v1/appeals/{appealId}/correction', { params: { path }, headers: bearer(session.token), body: { colour: chosenColour as Colour, reason: chosenReason?.id ?? '', note, expiresAt, response } }));
    } else {
      await ok(client.POST('/api/v1/appeals/{appealId}/answer', { params: { path: { appealId: appeal.id } }, headers: bearer(session.token), body: { outcome: mode === 'fix' ? 'corrected' : 'upheld', response } }));
    }
    onAnswered();
  });
  const modes: [Mode, MessageKey][] = [
    ['upheld', 'appeals.outcome.upheld'],
    ['propose', 'appeals.outcome.propose'],
    ['fix', 'appeals.outcome.fix'],
  ];
  return (
    <form
      data-testid="answer-appeal"
      onSubmit={(e) => {
        e.preventDefault();
        void answer.run();
      }}
    >
      <div class="segmented" role="group" aria-label={t('appeals.answer')}>
        {modes.map(([m, label]) => (
          <button type="button" class={mode === m ? 'active' : ''} aria-pressed={mode === m} onClick={() => setMode(m)} data-mode={m}>
            {t(label)}
          </button>
        ))}
      </div>
      {mode === 'propose' && (
        <>
          <p class="muted small">{t('appeals.proposeIntro', { name: appeal.maskedName ?? '' })}</p>
          <div class="row">
            <Field label={t('corrections.reason')}>
              <select name="reason" value={chosenReason?.id ?? ''} onChange={(e) => setReason(e.currentTarget.value)}>
                {reasons.map((r) => (
                  <option value={r.id}>{serverText(r.description, lang)}</option>
                ))}
              </select>
            </Field>
            <ColourAndDays allowed={allowed} colour={chosenColour} onColour={setColour} days={days} onDays={setDays} />
          </div>
          <Field label={t('corrections.note')} hint={t('corrections.noteHint')} error={fieldError(answer.error, 'note')}>
            <textarea name="note" rows={2} required minLength={5} maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </Field>
        </>
      )}
      {mode === 'fix' && (
        <p class="muted small">
          {t('appeals.fixIntro')} <a href="#/imports">{t('console.imports')}</a> · <a href="#/traces">{t('console.traces')}</a> · <a href="#/risk-areas">{t('console.riskAreas')}</a>
        </p>
      )}
      <Field label={t('appeals.responsePlaceholder')} error={fieldError(answer.error, 'response')}>
        <textarea name="response" rows={3} required minLength={5} value={response} onInput={(e) => setResponse(e.currentTarget.value)} />
      </Field>
      <ErrorNotice error={answer.error} />
      <button type="submit" class="primary" disabled={answer.busy}>
        {t(mode === 'propose' ? 'appeals.proposeSubmit' : mode === 'fix' ? 'appeals.fixSubmit' : 'appeals.answer')}
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
                <li>{serverText(r.description, lang)}</li>
              ))}
            </ul>
            <blockquote>{a.message}</blockquote>
            {a.colourAsked && <p class="muted small">{t('appeals.asked', { colour: t(`colour.${a.colourAsked}` as MessageKey) })}</p>}
            {a.status === 'open' ? (
              <AnswerForm session={session} appeal={a} onAnswered={() => void load()} />
            ) : (
              <p>
                <strong>{t(`appeal.status.${a.status}` as 'appeal.status.upheld')}</strong> {a.response}
                {a.correction && (
                  <span class="muted small" data-testid="appeal-correction">
                    {' '}
                    · {t('appeals.correctionState', { colour: t(`colour.${a.correction.colour}` as MessageKey), status: t(`corrections.status.${a.correction.status}` as MessageKey) })} <a href="#/corrections">{t('console.corrections')}</a>
                  </span>
                )}
              </p>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}
