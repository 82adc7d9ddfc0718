import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { bearer, client, ok, type Answer } from '../shared/api.js';
import { ColourBadge } from '../shared/colour.js';
import { formatDate, isoToLocalInput, localInputToIso } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import { RegionPicker } from '../shared/region-picker.js';
import { Card, ErrorNotice, Field, fieldError, useAction } from '../shared/ui.js';
import type { Session } from './session.js';
import { SYMPTOMS } from '../shared/choices.js';
import { readTemperature, type TemperatureProblem } from '../shared/temperature.js';
import { LOOKBACK_DAYS } from '../../../src/domain/index.js';

/** Stops a submit whose temperature cannot be sent; the field says why. */
export class TemperatureNotSent extends Error {}

/**
 * The body temperature, empty until the person types what they measured (never a number filled in
 * for them). Where the form allows it, a tick says it was not measured, sent as no temperature.
 */
export function TemperatureField({
  value,
  onChange,
  problem,
  serverError,
  notMeasured,
  onNotMeasured,
}: {
  value: string;
  onChange: (v: string) => void;
  problem: TemperatureProblem | null;
  serverError: unknown;
  notMeasured?: boolean;
  onNotMeasured?: (v: boolean) => void;
}): JSX.Element {
  const t = useT();
  return (
    <>
      <Field label={t('field.temperature')} error={problem ? t(problem) : fieldError(serverError, 'temperature')}>
        <input name="temperature" type="text" inputMode="decimal" autocomplete="off" maxLength={5} disabled={notMeasured} value={notMeasured ? '' : value} onInput={(e) => onChange(e.currentTarget.value)} />
      </Field>
      {onNotMeasured && (
        <label class="check">
          <input type="checkbox" name="temperatureNotMeasured" checked={notMeasured} onChange={(e) => onNotMeasured(e.currentTarget.checked)} />
          <span>{t('temperature.notMeasured')}</span>
        </label>
      )}
    </>
  );
}

/** Moves the focus to the temperature field, whose message then says what is missing. */
export const focusTemperature = () => setTimeout(() => document.querySelector<HTMLInputElement>('input[name=temperature]')?.focus());
/** After the server refused a field, the keyboard goes to the first field it named (rendered by then), as it does for the temperature. */
const focusFirstRefused = () => setTimeout(() => document.querySelector<HTMLElement>('form .field-error input, form .field-error select')?.focus());
/** A declared contact's day, as a date input holds it: today in Beijing, `daysAgo` days back. */
const beijingDay = (daysAgo: number) => isoToLocalInput(Date.now() - daysAgo * 86_400_000).slice(0, 10);

interface StayInput {
  where: 'region' | 'country';
  region: string;
  country: string;
  arrival: string;
  departure: string;
}

const emptyStay = (): StayInput => ({ where: 'region', region: '', country: '', arrival: '', departure: '' });

export type Symptom = (typeof SYMPTOMS)[number];

export function SymptomChecks({ value, onChange }: { value: Symptom[]; onChange: (v: Symptom[]) => void }): JSX.Element {
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
export function DeclareScreen({ session, subjectId, subjectLabel = null, onDone, welcome = false }: { session: Session; subjectId: string; subjectLabel?: string | null; onDone: () => void; welcome?: boolean }): JSX.Element {
  const t = useT();
  const [stays, setStays] = useState<StayInput[]>([]);
  const [contacts, setContacts] = useState<{ kind: 'confirmed' | 'suspected'; date: string }[]>([]);
  const [symptoms, setSymptoms] = useState<Symptom[]>([]);
  const [temperature, setTemperature] = useState('');
  const [notMeasured, setNotMeasured] = useState(false);
  const [temperatureProblem, setTemperatureProblem] = useState<TemperatureProblem | null>(null);
  const submit = useAction(async () => {
    const reading = readTemperature(temperature, { notMeasuredAllowed: true, notMeasured });
    setTemperatureProblem(reading.ok ? null : reading.problem);
    if (!reading.ok) {
      focusTemperature();
      throw new TemperatureNotSent();
    }
    await ok(client.POST('/api/v1/residents/{id}/declarations', {
      params: { path: { id: subjectId } },
      headers: bearer(session.token),
      body: {
        stays: stays.map((s) => ({ ...(s.where === 'region' ? { region: s.region } : { country: s.country }), arrival: localInputToIso(s.arrival), departure: s.departure ? localInputToIso(s.departure) : null })),
        contacts,
        symptoms,
        temperature: reading.value,
      },
    })).catch((error: unknown) => {
      focusFirstRefused();
      throw error;
    });
    onDone();
  });
  const setStay = (i: number, patch: Partial<StayInput>) => setStays(stays.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  // For a household member: their name in the title, a band in its own colour, and the submit naming them.
  const card = (
    <Card title={subjectLabel ? t('declare.titleFor', { name: subjectLabel }) : t('declare.title')}>
      {subjectLabel && (
        <p class="member-band" data-testid="declare-for-member">
          {t('declare.forMember', { name: subjectLabel })}
        </p>
      )}
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
          <fieldset class="contact" data-contact={i}>
            <legend>{t('declare.contactN', { n: i + 1 })}</legend>
            <Field label={t('declare.contactKind')} error={fieldError(submit.error, `contacts[${i}].kind`)}>
              <select name={`contact-${i}-kind`} value={c.kind} onChange={(e) => setContacts(contacts.map((x, j) => (j === i ? { ...x, kind: e.currentTarget.value as 'confirmed' | 'suspected' } : x)))}>
                <option value="confirmed">{t('contact.confirmed')}</option>
                <option value="suspected">{t('contact.suspected')}</option>
              </select>
            </Field>
            {/* A calendar day: people remember the day they met someone, rarely the hour. Only the days the declaration asks about can be picked. */}
            <Field label={t('declare.contactDate')} error={fieldError(submit.error, `contacts[${i}].date`)}>
              <input type="date" name={`contact-${i}-date`} required min={beijingDay(LOOKBACK_DAYS)} max={beijingDay(0)} value={c.date} onInput={(e) => setContacts(contacts.map((x, j) => (j === i ? { ...x, date: e.currentTarget.value } : x)))} />
            </Field>
            <button type="button" class="link danger" aria-label={t('declare.removeContact', { n: i + 1 })} onClick={() => setContacts(contacts.filter((_, j) => j !== i))}>
              {t('common.remove')}
            </button>
          </fieldset>
        ))}
        <button type="button" class="secondary" onClick={() => setContacts([...contacts, { kind: 'confirmed', date: '' }])}>
          + {t('declare.addContact')}
        </button>

        <SymptomChecks value={symptoms} onChange={setSymptoms} />
        <TemperatureField value={temperature} onChange={setTemperature} problem={temperatureProblem} serverError={submit.error} notMeasured={notMeasured} onNotMeasured={setNotMeasured} />
        <p class="muted small">{t('declare.truthful')}</p>
        {!(submit.error instanceof TemperatureNotSent) && <ErrorNotice error={submit.error} />}
        <button class="primary wide" type="submit" disabled={submit.busy}>
          {subjectLabel ? t('declare.submitFor', { name: subjectLabel }) : t('declare.submit')}
        </button>
      </form>
    </Card>
  );
  return subjectLabel ? <div class="for-member">{card}</div> : card;
}
