import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { DAY_MS } from '../../../src/domain/clock.js';
import { bearer, client, ok, type Answer, type BodyOf } from '../shared/api.js';
import { ColourBadge } from '../shared/colour.js';
import { formatDateTime } from '../shared/format.js';
import { useLang, useT, type MessageKey } from '../shared/i18n.js';
import type { StaffSession } from '../shared/staff-session.js';
import { Card, ErrorNotice, Field, useAction } from '../shared/ui.js';

type Reason = Answer<'/api/v1/corrections/reasons'>[number];
type Correction = Answer<'/api/v1/corrections'>[number];

const STATUSES = ['pending', 'active', 'ended', 'rejected'] as const;

/** Proposing a correction: a published reason, the colour it allows, words for the resident, an end. */
function ProposeForm({ session, reasons, onProposed }: { session: StaffSession; reasons: Reason[]; onProposed: () => void }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [residentId, setResidentId] = useState(() => new URLSearchParams(location.hash.split('?')[1] ?? '').get('resident') ?? '');
  const [reason, setReason] = useState(reasons[0]?.id ?? '');
  const allowed = reasons.find((r) => r.id === reason)?.colours ?? [];
  const [colour, setColour] = useState(allowed[0] ?? 'yellow');
  // The colour chosen, or the reason's first when the reason changed to one that does not allow it.
  const chosen = allowed.includes(colour) ? colour : allowed[0];
  const [note, setNote] = useState('');
  const [days, setDays] = useState(7);
  const propose = useAction(async () => {
    const expiresAt = new Date(Date.now() + days * DAY_MS).toISOString();
    await ok(client.POST('/api/v1/residents/{id}/corrections', { params: { path: { id: residentId.trim() } }, headers: bearer(session.token), body: { colour: chosen as BodyOf<'/api/v1/residents/{id}/corrections'>['colour'], reason, note, expiresAt } }));
    setNote('');
    onProposed();
  });
  return (
    <form
      data-testid="propose-correction"
      onSubmit={(e) => {
        e.preventDefault();
        void propose.run();
      }}
    >
      <Field label={t('corrections.resident')} hint={t('corrections.residentHint')}>
        <input name="residentId" required value={residentId} onInput={(e) => setResidentId(e.currentTarget.value)} />
      </Field>
      <Field label={t('corrections.reason')}>
        <select name="reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
          {reasons.map((r) => (
            <option value={r.id}>{r.description[lang]}</option>
          ))}
        </select>
      </Field>
      <div class="row">
        <Field label={t('corrections.colour')}>
          <select name="colour" value={chosen} onChange={(e) => setColour(e.currentTarget.value)}>
            {allowed.map((c) => (
              <option value={c}>{t(`colour.${c}` as MessageKey)}</option>
            ))}
          </select>
        </Field>
        <Field label={t('corrections.days')}>
          <input name="days" type="number" min={1} max={14} value={days} onInput={(e) => setDays(Number(e.currentTarget.value))} />
        </Field>
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
  const act = useAction(async (id: string, action: 'approve' | 'reject' | 'end') => {
    const path = { params: { path: { correctionId: id } }, headers: bearer(session.token) };
    await ok(action === 'approve' ? client.POST('/api/v1/corrections/{correctionId}/approve', path) : action === 'reject' ? client.POST('/api/v1/corrections/{correctionId}/reject', path) : client.POST('/api/v1/corrections/{correctionId}/end', path));
    await load();
  });
  const reasonText = (id: string) => reasons.find((r) => r.id === id)?.description[lang] ?? id;
  return (
    <>
      <Card title={t('corrections.title')}>
        <p class="muted">{t('corrections.intro')}</p>
        {reasons.length > 0 && <ProposeForm session={session} reasons={reasons} onProposed={() => (status === 'pending' ? void load() : setStatus('pending'))} />}
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
                      <button type="button" class="primary" disabled={act.busy} onClick={() => void act.run(c.id, 'approve')}>
                        {t('corrections.approve')}
                      </button>
                      <button type="button" class="secondary" disabled={act.busy} onClick={() => void act.run(c.id, 'reject')}>
                        {t('corrections.reject')}
                      </button>
                    </>
                  )}
                </div>
              )}
              {c.status === 'active' && (
                <button type="button" class="secondary" disabled={act.busy} onClick={() => void act.run(c.id, 'end')}>
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
