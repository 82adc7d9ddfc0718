import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { bearer, client, ok, type Answer } from '../shared/api.js';
import { ColourBadge } from '../shared/colour.js';
import { formatDate, localInputToIso } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import { RegionPicker } from '../shared/region-picker.js';
import { Card, ErrorNotice, Field, fieldError, useAction } from '../shared/ui.js';
import type { Session } from './session.js';
import { SYMPTOMS } from '../shared/choices.js';

interface StayInput {
  where: 'region' | 'country';
  region: string;
  country: string;
  arrival: string;
  departure: string;
}

const emptyStay = (): StayInput => ({ where: 'region', region: '', country: '', arrival: '', departure: '' });

type Symptom = (typeof SYMPTOMS)[number];

function SymptomChecks({ value, onChange }: { value: Symptom[]; onChange: (v: Symptom[]) => void }): JSX.Element {
  const t = useT();
  return (
    <fieldset class="checks">
      <legend>{t('declare.symptoms')}</legend>
      {SYMPTOMS.map((s) => (
        <label class="check">
          <input type="checkbox" name={`symptom-${s}`} checked={value.includes(s)} onChange={(e) => onChange(e.currentTarget.checked ? [...value, s] : value.filter((x) => x !== s))} />
          <span>{t(`symptom.${s}`)}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** The 14-day declaration: where I stayed, contact with cases, symptoms, temperature. */
export function DeclareScreen({ session, subjectId, onDone, welcome = false }: { session: Session; subjectId: string; onDone: () => void; welcome?: boolean }): JSX.Element {
  const t = useT();
  const [stays, setStays] = useState<StayInput[]>([]);
  const [contacts, setContacts] = useState<{ kind: 'confirmed' | 'suspected'; date: string }[]>([]);
  const [symptoms, setSymptoms] = useState<Symptom[]>([]);
  const [temperature, setTemperature] = useState('36.5');
  const submit = useAction(async () => {
    await ok(client.POST('/api/v1/residents/{id}/declarations', {
      params: { path: { id: subjectId } },
      headers: bearer(session.token),
      body: {
        stays: stays.map((s) => ({ ...(s.where === 'region' ? { region: s.region } : { country: s.country }), arrival: localInputToIso(s.arrival), departure: s.departure ? localInputToIso(s.departure) : null })),
        contacts,
        symptoms,
        temperature: temperature === '' ? null : Number(temperature),
      },
    }));
    onDone();
  });
  const setStay = (i: number, patch: Partial<StayInput>) => setStays(stays.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  return (
    <Card title={t('declare.title')}>
      {welcome && (
        <div class="notice notice-info" role="status" data-testid="welcome-declare">
          {t('declare.welcome')}
        </div>
      )}
      <p class="muted">{t('declare.intro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run();
        }}
      >
        <h3>{t('declare.stays')}</h3>
        {stays.length === 0 && <p class="muted">{t('declare.noStays')}</p>}
        {stays.map((s, i) => (
          <fieldset class="stay" data-stay={i}>
            <legend>{t('declare.stay', { n: i + 1 })}</legend>
            <div class="segmented">
              <button type="button" class={s.where === 'region' ? 'active' : ''} onClick={() => setStay(i, { where: 'region' })}>
                {t('declare.inChina')}
              </button>
              <button type="button" class={s.where === 'country' ? 'active' : ''} onClick={() => setStay(i, { where: 'country' })}>
                {t('declare.abroad')}
              </button>
            </div>
            {s.where === 'region' ? (
              <Field label={t('declare.place')} error={fieldError(submit.error, `stays[${i}].region`)}>
                <RegionPicker value={s.region} onChange={(region) => setStay(i, { region })} />
              </Field>
            ) : (
              <Field label={t('declare.country')} hint={t('field.idCountryHint')} error={fieldError(submit.error, `stays[${i}].country`)}>
                <input maxLength={3} value={s.country} onInput={(e) => setStay(i, { country: e.currentTarget.value.toUpperCase() })} />
              </Field>
            )}
            <Field label={t('declare.arrival')} error={fieldError(submit.error, `stays[${i}].arrival`)}>
              <input type="datetime-local" name={`stay-${i}-arrival`} required value={s.arrival} onInput={(e) => setStay(i, { arrival: e.currentTarget.value })} />
            </Field>
            <Field label={t('declare.departure')} hint={t('declare.departureHint')} error={fieldError(submit.error, `stays[${i}].departure`)}>
              <input type="datetime-local" name={`stay-${i}-departure`} value={s.departure} onInput={(e) => setStay(i, { departure: e.currentTarget.value })} />
            </Field>
            <button type="button" class="link danger" onClick={() => setStays(stays.filter((_, j) => j !== i))}>
              {t('common.remove')}
            </button>
          </fieldset>
        ))}
        <button type="button" class="secondary" onClick={() => setStays([...stays, emptyStay()])}>
          + {t('declare.addStay')}
        </button>

        <h3>{t('declare.contacts')}</h3>
        {contacts.map((c, i) => (
          <div class="row">
            <select value={c.kind} onChange={(e) => setContacts(contacts.map((x, j) => (j === i ? { ...x, kind: e.currentTarget.value as 'confirmed' | 'suspected' } : x)))}>
              <option value="confirmed">{t('contact.confirmed')}</option>
              <option value="suspected">{t('contact.suspected')}</option>
            </select>
            <input type="date" required value={c.date} onInput={(e) => setContacts(contacts.map((x, j) => (j === i ? { ...x, date: e.currentTarget.value } : x)))} />
            <button type="button" class="link danger" onClick={() => setContacts(contacts.filter((_, j) => j !== i))}>
              {t('common.remove')}
            </button>
          </div>
        ))}
        <button type="button" class="secondary" onClick={() => setContacts([...contacts, { kind: 'confirmed', date: '' }])}>
          + {t('declare.addContact')}
        </button>

        <SymptomChecks value={symptoms} onChange={setSymptoms} />
        <Field label={t('field.temperature')} error={fieldError(submit.error, 'temperature')}>
          <input name="temperature" type="number" step="0.1" min="34" max="43" value={temperature} onInput={(e) => setTemperature(e.currentTarget.value)} />
        </Field>
        <p class="muted small">{t('declare.truthful')}</p>
        <ErrorNotice error={submit.error} />
        <button class="primary wide" type="submit" disabled={submit.busy}>
          {t('declare.submit')}
        </button>
      </form>
    </Card>
  );
}

/** The daily check-in during a quarantine: each clean day brings the green-on date closer. */
export function CheckInScreen({ session, subjectId }: { session: Session; subjectId: string }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [symptoms, setSymptoms] = useState<Symptom[]>([]);
  const [temperature, setTemperature] = useState('36.5');
  const [result, setResult] = useState<Answer<'/api/v1/residents/{id}/check-ins', 'post'> | null>(null);
  const submit = useAction(async () => {
    setResult(await ok(client.POST('/api/v1/residents/{id}/check-ins', { params: { path: { id: subjectId } }, headers: bearer(session.token), body: { temperature: Number(temperature), symptoms } })));
  });
  return (
    <Card title={t('checkIn.title')}>
      <p class="muted">{t('checkIn.intro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run();
        }}
      >
        <Field label={t('field.temperature')} error={fieldError(submit.error, 'temperature')}>
          <input name="temperature" type="number" step="0.1" min="34" max="43" required value={temperature} onInput={(e) => setTemperature(e.currentTarget.value)} />
        </Field>
        <SymptomChecks value={symptoms} onChange={setSymptoms} />
        <ErrorNotice error={submit.error} />
        <button class="primary wide" type="submit" disabled={submit.busy}>
          {t('checkIn.submit')}
        </button>
      </form>
      {result && (
        <div class="notice notice-ok" role="status">
          <p>{t('checkIn.done', { date: formatDate(result.date, lang) })}</p>
          <ColourBadge colour={result.colour} />
          {result.greenOn && <p>{t('code.greenOn', { date: formatDate(result.greenOn, lang) })}</p>}
        </div>
      )}
    </Card>
  );
}
