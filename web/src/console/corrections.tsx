import { serverText } from '../shared/server-text.js';
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { DAY_MS } from '../../../src/domain/index.js';
import { bearer, client, ok, type Answer, type BodyOf } from '../shared/api.js';
import { ColourBadge } from '../shared/colour.js';
import { formatDateTime } from '../shared/format.js';
import { useLang, useT, type MessageKey } from '../shared/i18n.js';
import type { StaffSession } from '../shared/staff-session.js';
import { Card, ErrorNotice, Field, useAction } from '../shared/ui.js';
import { CaseSearch, GrantPicker, useMyGrants, type FoundResident } from './case-finder.js';

type Reason = Answer<'/api/v1/corrections/reasons'>[number];
type Correction = Answer<'/api/v1/corrections'>[number];

const STATUSES = ['pending', 'active', 'ended', 'rejected'] as const;

/** The colour a correction sets, from those its reason allows, and for how many days (at most 14). */
export function ColourAndDays({ allowed, colour, onColour, days, onDays }: { allowed: readonly string[]; colour: string | undefined; onColour: (c: string) => void; days: number; onDays: (d: number) => void }): JSX.Element {
  const t = useT();
  return (
    <>
      <Field label={t('corrections.colour')}>
        <select name="colour" value={colour} onChange={(e) => onColour(e.currentTarget.value)}>
          {allowed.map((c) => (
            <option value={c}>{t(`colour.${c}` as MessageKey)}</option>
          ))}
        </select>
      </Field>
      <Field label={t('corrections.days')}>
        <input name="days" type="number" min={1} max={14} value={days} onInput={(e) => onDays(Number(e.currentTarget.value))} />
      </Field>
    </>
  );
}

/**
 * Whose colour to correct: found by name, ID number or phone under one of the officer's grants (the
 * look-up is audited under its purpose), never by an id pasted from elsewhere.
 */
function FindPerson({ session, onPick }: { session: StaffSession; onPick: (p: FoundResident) => void }): JSX.Element {
  const t = useT();
  const { grants, grantId, setGrantId, load: loadGrants } = useMyGrants(session, 'read-personal');
  return (
    <div data-testid="correction-find">
      <GrantPicker grants={grants} grantId={grantId} onPick={setGrantId} />
      <ErrorNotice error={loadGrants.error} />
      {grants.length > 0 && <CaseSearch session={session} grantId={grantId} onTimeline={onPick} title={t('corrections.findWhom')} actionLabel={t('corrections.pick')} />}
    </div>
  );
}

/** Proposing a correction for the person found: a published reason, the colour it allows, words for the resident, an end. */
function ProposeForm({ session, person, reasons, onProposed, onChangePerson }: { session: StaffSession; person: FoundResident; reasons: Reason[]; onProposed: (p: FoundResident) => void; onChangePerson: () => void }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [reason, setReason] = useState(reasons[0]?.id ?? '');
  const allowed = reasons.find((r) => r.id === reason)?.colours ?? [];
  const [colour, setColour] = useState(allowed[0] ?? 'yellow');
  // The colour chosen, or the reason's first when the reason changed to one that does not allow it.
  const chosen = allowed.includes(colour) ? colour : allowed[0];
  const [note, setNote] = useState('');
  const [days, setDays] = useState(7);
  const propose = useAction(async () => {
    const expiresAt = new Date(Date.now() + days * DAY_MS).toISOString();
    await ok(client.POST('/api/v1/residents/{id}/corrections', { params: { path: { id: person.residentId } }, headers: bearer(session.token), body: { colour: chosen as BodyOf<'/api/v1/residents/{id}/corrections'>['colour'], reason, note, expiresAt } }));
    setNote('');
    onProposed(person);
  });
  return (
    <form
      data-testid="propose-correction"
      onSubmit={(e) => {
        e.preventDefault();
        void propose.run();
      }}
    >
      <div class="row" data-testid="correction-for">
        <p>
          {t('corrections.for')} <strong>{person.maskedName}</strong> {person.colour && <ColourBadge colour={person.colour} />}
          <span class="muted small"> {person.maskedIdNumber} · {serverText(person.regionName, lang)}</span>
        </p>
        <button type="button" class="link" onClick={onChangePerson}>
          {t('corrections.changePerson')}
        </button>
      </div>
      <Field label={t('corrections.reason')}>
        <select name="reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
          {reasons.map((r) => (
            <option value={r.id}>{serverText(r.description, lang)}</option>
          ))}
        </select>
      </Field>
      <div class="row">
        <ColourAndDays allowed={allowed} colour={chosen} onColour={setColour} days={days} onDays={setDays} />
      </div>
      <Field label={t('corrections.note')} hint={t('corrections.noteHint')}>
        <textarea name="note" rows={3} required minLength={5} maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
      <ErrorNotice error={propose.error} />
      <button type="submit" class="primary" disabled={propose.busy}>
        {t('corrections.propose')}
      </button>
    </form>
  );
}

/**
 * Corrections of single residents' colours: proposing one, approving or rejecting another
 * authority's proposal (never one's own), and ending one in force.
 */
export function CorrectionsView({ session }: { session: StaffSession }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [reasons, setReasons] = useState<Reason[]>([]);
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('pending');
  const [list, setList] = useState<Correction[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => ok(client.GET('/api/v1/corrections', { params: { query: { status } }, headers: bearer(session.token) })).then(setList, setError);
  useEffect(() => void ok(client.GET('/api/v1/corrections/reasons')).then(setReasons, setError), []);
  useEffect(() => void load(), [status]);
  const [person, setPerson] = useState<FoundResident | null>(null);
  // What the last action did, said in words: an approved item leaving the pending list is easy to miss.
  const [done, setDone] = useState<{ action: 'proposed' | 'approve' | 'reject' | 'end'; name: string } | null>(null);
  const act = useAction(async (c: Correction, action: 'approve' | 'reject' | 'end') => {
    setDone(null);
    const path = { params: { path: { correctionId: c.id } }, headers: bearer(session.token) };
    await ok(action === 'approve' ? client.POST('/api/v1/corrections/{correctionId}/approve', path) : action === 'reject' ? client.POST('/api/v1/corrections/{correctionId}/reject', path) : client.POST('/api/v1/corrections/{correctionId}/end', path));
    setDone({ action, name: c.maskedName });
    await load();
  });
  const reasonText = (id: string) => (() => { const found = reasons.find((r) => r.id === id); return found ? serverText(found.description, lang) : id; })();
  return (
    <>
      <Card title={t('corrections.title')}>
        <p class="muted">{t('corrections.intro')}</p>
        {done?.action === 'proposed' && (
          <p class="notice notice-ok" role="status" data-testid="correction-done">
            {t('corrections.done.proposed', { name: done.name })}
          </p>
        )}
        {!person && <FindPerson session={session} onPick={(p) => (setDone(null), setPerson(p))} />}
        {person && reasons.length > 0 && (
          <ProposeForm
            session={session}
            person={person}
            reasons={reasons}
            onChangePerson={() => setPerson(null)}
            onProposed={(p) => {
              setPerson(null);
              setDone({ action: 'proposed', name: p.maskedName });
              if (status === 'pending') void load();
              else setStatus('pending');
            }}
          />
        )}
      </Card>
      <Card title={t('corrections.list')}>
        <div class="segmented" role="group" aria-label={t('corrections.list')}>
          {STATUSES.map((s) => (
            <button type="button" class={status === s ? 'active' : ''} aria-pressed={status === s} onClick={() => setStatus(s)}>
              {t(`corrections.status.${s}` as MessageKey)}
            </button>
          ))}
        </div>
        <p class="muted small">{t('appeals.audited')}</p>
        <ErrorNotice error={error ?? act.error} />
        {done && done.action !== 'proposed' && (
          <p class="notice notice-ok" role="status" data-testid="correction-done">
            {t(`corrections.done.${done.action}`, { name: done.name })}
          </p>
        )}
        {list?.length === 0 && <p>{t('corrections.none')}</p>}
        <ul class="list">
          {list?.map((c) => (
            <li class="stacked" data-correction={c.id}>
              <div>
                <strong>{c.maskedName}</strong> <ColourBadge colour={c.colour} /> <span class="muted">{reasonText(c.reason)}</span>
              </div>
              <blockquote>{c.note}</blockquote>
              <p class="muted small">{t('corrections.when', { proposed: formatDateTime(c.proposedAt, lang), ends: formatDateTime(c.expiresAt, lang) })}</p>
              {c.status === 'pending' && (
                <div class="row">
                  {c.proposedBy === session.id ? (
                    <p class="muted small">{t('corrections.awaitingOther')}</p>
                  ) : (
                    <>
                      <button type="button" class="primary" disabled={act.busy} onClick={() => void act.run(c, 'approve')}>
                        {t('corrections.approve')}
                      </button>
                      <button type="button" class="secondary" disabled={act.busy} onClick={() => void act.run(c, 'reject')}>
                        {t('corrections.reject')}
                      </button>
                    </>
                  )}
                </div>
              )}
              {c.status === 'active' && (
                <button type="button" class="secondary" disabled={act.busy} onClick={() => void act.run(c, 'end')}>
                  {t('corrections.end')}
                </button>
              )}
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}
