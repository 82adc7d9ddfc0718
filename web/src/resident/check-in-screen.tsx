import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { bearer, client, ok, type Answer } from '../shared/api.js';
import { ColourBadge } from '../shared/colour.js';
import { formatClock, formatDate } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import { Card, ErrorNotice, useAction } from '../shared/ui.js';
import { readTemperature, type TemperatureProblem } from '../shared/temperature.js';
import { focusTemperature, SymptomChecks, TemperatureField, TemperatureNotSent, type Symptom } from './health-forms.js';
import type { Session } from './session.js';

type DayOfCheckIns = Answer<'/api/v1/residents/{id}/check-ins/today'>;
type Reading = DayOfCheckIns['readings'][number];

/** The last reading's values, as the form to check in again starts from them. */
const lastValues = (day: DayOfCheckIns) => {
  const last = day.readings.at(-1);
  return { temperature: last?.temperature != null ? last.temperature.toFixed(1) : '', symptoms: (last?.symptoms ?? []) as Symptom[] };
};

/**
 * The daily check-in during a quarantine: each clean day brings the green-on date closer. Opened
 * again the same day it shows today's check-in, not an empty form; checking in again adds a reading
 * (the server keeps the earlier ones, so a fever reported this morning is not taken back).
 */
export function CheckInScreen({ session, subjectId }: { session: Session; subjectId: string }): JSX.Element {
  const t = useT();
  const [day, setDay] = useState<DayOfCheckIns | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [result, setResult] = useState<Answer<'/api/v1/residents/{id}/check-ins', 'post'> | null>(null);
  const [editing, setEditing] = useState(false);

  useEffect(() => {
    setDay(null);
    setResult(null);
    setEditing(false);
    ok(client.GET('/api/v1/residents/{id}/check-ins/today', { params: { path: { id: subjectId } }, headers: bearer(session.token) })).then(setDay, setLoadError);
  }, [subjectId, session.token]);

  // One card whatever it holds: its heading, where the focus went on arrival, stays the same element.
  const checkedIn = day !== null && day.readings.length > 0;
  return (
    <Card title={t('checkIn.title')}>
      {!day ? (
        loadError ? <ErrorNotice error={loadError} /> : <p class="muted">{t('common.loading')}</p>
      ) : !checkedIn || editing ? (
        <CheckInForm
        session={session}
        subjectId={subjectId}
        start={lastValues(day)}
        again={checkedIn}
        onDone={(answer) => {
          setResult(answer);
          setDay(answer.today);
          setEditing(false);
          }}
        />
      ) : (
        <TodaysCheckIn day={day} result={result} onAgain={() => setEditing(true)} />
      )}
    </Card>
  );
}

/** What today's check-in recorded: each reading with its time, the code now, and the way to check in again. */
function TodaysCheckIn({ day, result, onAgain }: { day: DayOfCheckIns; result: Answer<'/api/v1/residents/{id}/check-ins', 'post'> | null; onAgain: () => void }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const unwell = day.readings.some((r) => r.symptoms.length > 0 || (r.temperature ?? 0) >= 37.3);
  return (
    <>
      <div class="notice notice-ok" role="status" data-testid="check-in-result">
        <p>
          <strong>{t('checkIn.done', { date: formatDate(day.date, lang) })}</strong>
        </p>
        <p data-testid="checked-in-at">{t('checkIn.at', { time: formatClock(day.readings[0]!.at, lang) })}</p>
        <ul class="check-in-readings" data-testid="check-in-readings">
          {day.readings.map((r) => (
            <ReadingLine reading={r} />
          ))}
        </ul>
        {result && (
          <>
            <p>
              {t('checkIn.recorded')} <ColourBadge colour={result.colour} />
            </p>
            {result.greenOn && <p data-testid="check-in-green-on">{t('code.greenOn', { date: formatDate(result.greenOn, lang) })}</p>}
          </>
        )}
      </div>
      {unwell && (
        <p class="muted" data-testid="check-in-kept">
          {t('checkIn.kept')}
        </p>
      )}
      <button type="button" class="secondary wide" data-testid="check-in-again" onClick={onAgain}>
        {t('checkIn.again')}
      </button>
      <a class="button secondary wide" href="#/code">
        {t('checkIn.showCode')}
      </a>
    </>
  );
}

function ReadingLine({ reading }: { reading: Reading }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const said = reading.symptoms.length > 0 ? reading.symptoms.map((s) => t(`symptom.${s}` as 'symptom.fever')).join(t('list.separator')) : t('checkIn.noSymptoms');
  return <li>{t('checkIn.reading', { time: formatClock(reading.at, lang), temperature: reading.temperature?.toFixed(1) ?? '—', said })}</li>;
}

/** The form: empty the first time today, the last reading's values filled in when checking in again. */
function CheckInForm({ session, subjectId, start, again, onDone }: { session: Session; subjectId: string; start: ReturnType<typeof lastValues>; again: boolean; onDone: (answer: Answer<'/api/v1/residents/{id}/check-ins', 'post'>) => void }): JSX.Element {
  const t = useT();
  const [symptoms, setSymptoms] = useState<Symptom[]>(start.symptoms);
  const [temperature, setTemperature] = useState(start.temperature);
  const [temperatureProblem, setTemperatureProblem] = useState<TemperatureProblem | null>(null);
  const submit = useAction(async () => {
    // A check-in is a measurement: there is no "not measured" here.
    const reading = readTemperature(temperature, { notMeasuredAllowed: false });
    setTemperatureProblem(reading.ok ? null : reading.problem);
    if (!reading.ok) {
      focusTemperature();
      throw new TemperatureNotSent();
    }
    onDone(await ok(client.POST('/api/v1/residents/{id}/check-ins', { params: { path: { id: subjectId } }, headers: bearer(session.token), body: { temperature: reading.value!, symptoms } })));
  });
  return (
    <>
      <p class="muted">{again ? t('checkIn.againIntro') : t('checkIn.intro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run();
        }}
      >
        <TemperatureField value={temperature} onChange={setTemperature} problem={temperatureProblem} serverError={submit.error} />
        <SymptomChecks value={symptoms} onChange={setSymptoms} />
        {!(submit.error instanceof TemperatureNotSent) && <ErrorNotice error={submit.error} />}
        <button class="primary wide" type="submit" disabled={submit.busy}>
          {again ? t('checkIn.submitAgain') : t('checkIn.submit')}
        </button>
      </form>
    </>
  );
}
