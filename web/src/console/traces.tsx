import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { bearer, client, ok, type Answer } from '../shared/api.js';
import { ColourTransitions } from '../shared/colour.js';
import { formatDateTime, formatShort } from '../shared/format.js';
import { useLang, useT, type Lang } from '../shared/i18n.js';
import type { StaffSession } from '../shared/staff-session.js';
import { Card, ErrorNotice, useAction } from '../shared/ui.js';
import { CaseSearch, GrantPicker, loadTimeline, TimelineCard, useMyGrants, type CaseTimeline, type FoundResident } from './case-finder.js';
import { GrantForm } from './grant-form.js';

type Trace = Answer<'/api/v1/traces', 'post'>;
type Evidence = Trace['contacts'][number]['evidence'][number];
type TracePreview = Answer<'/api/v1/traces/{traceId}/preview'>;
type TraceOutcome = Answer<'/api/v1/traces/{traceId}/confirm', 'post'>;

function evidenceLine(e: Evidence, t: ReturnType<typeof useT>, lang: Lang): string {
  if (e.kind === 'same-carrier') return t('trace.evidence.carrier', { ref: e.carrierRef ?? '', date: e.date ?? '' });
  return t('trace.evidence.venue', { venue: e.venue ?? '', caseAt: formatShort(e.caseAt, lang), contactAt: formatShort(e.contactAt, lang), apart: e.minutesApart ?? 0 });
}

/** What confirming will do, computed by the server, asked before it is done; then what it did. */
function ConfirmTrace({ session, grantId, trace, onConfirmed }: { session: StaffSession; grantId: string; trace: Trace; onConfirmed: () => void }): JSX.Element | null {
  const t = useT();
  const [preview, setPreview] = useState<TracePreview | null>(null);
  const [outcome, setOutcome] = useState<TraceOutcome | null>(null);
  const ask = useAction(async () => setPreview(await ok(client.GET('/api/v1/traces/{traceId}/preview', { params: { path: { traceId: trace.id }, query: { grantId } }, headers: bearer(session.token) }))));
  const confirm = useAction(async () => {
    setOutcome(await ok(client.POST('/api/v1/traces/{traceId}/confirm', { params: { path: { traceId: trace.id } }, body: { grantId }, headers: bearer(session.token) })));
    setPreview(null);
    onConfirmed();
  });
  if (outcome) {
    return (
      <div class="notice notice-ok" role="status" data-testid="trace-outcome">
        <p>
          <strong>{t('trace.confirmed', { contacts: outcome.contacts, changes: outcome.colourChanges })}</strong>
        </p>
        {outcome.transitions.length > 0 && <ColourTransitions transitions={outcome.transitions} />}
        <p data-testid="trace-notified">{t('trace.notified', { n: outcome.notified })}</p>
      </div>
    );
  }
  if (trace.status !== 'open') return null;
  if (preview) {
    return (
      <div class="confirm notice notice-info" role="group" aria-label={t('trace.confirm')} data-testid="trace-preview">
        <p>
          <strong>{preview.wouldChange === 0 ? t('trace.previewNone', { contacts: preview.contacts }) : t('trace.preview', { contacts: preview.contacts, changes: preview.wouldChange })}</strong>
        </p>
        <ColourTransitions transitions={preview.transitions} />
        <ErrorNotice error={confirm.error} />
        <div class="row">
          <button type="button" class="danger" onClick={() => void confirm.run()} disabled={confirm.busy}>
            {t('trace.confirmYes', { contacts: preview.contacts })}
          </button>
          <button type="button" class="link" onClick={() => setPreview(null)}>
            {t('common.cancel')}
          </button>
        </div>
      </div>
    );
  }
  return (
    <>
      <ErrorNotice error={ask.error} />
      <button type="button" class="danger" onClick={() => void ask.run()} disabled={ask.busy || trace.contacts.length === 0}>
        {t('trace.confirm')}
      </button>
    </>
  );
}

function TraceResult({ session, grantId, trace, onConfirmed }: { session: StaffSession; grantId: string; trace: Trace; onConfirmed: () => void }): JSX.Element {
  const t = useT();
  const lang = useLang();
  return (
    <Card title={t('trace.result', { from: formatDateTime(trace.from, lang), to: formatDateTime(trace.to, lang) })} id="trace-result">
      <p class="muted">
        {t('trace.purpose')}: {trace.purpose} · {t(`trace.status.${trace.status}` as 'trace.status.open')}
      </p>
      <h3>{t('trace.timeline')}</h3>
      {trace.caseVisits.length === 0 && <p>{t('trace.noVisits')}</p>}
      <ol class="timeline">
        {trace.caseVisits.map((v) => (
          <li>
            <time>{formatDateTime(v.at, lang)}</time> <span>{v.venue}</span>
          </li>
        ))}
      </ol>
      <h3>{t('trace.contacts', { n: trace.contacts.length })}</h3>
      <table class="table" data-testid="trace-contacts">
        <thead>
          <tr>
            <th>{t('field.name')}</th>
            <th>{t('trace.level')}</th>
            <th>{t('trace.first')}</th>
            <th>{t('trace.evidence')}</th>
          </tr>
        </thead>
        <tbody>
          {trace.contacts.map((c) => (
            <tr>
              <td>{c.maskedName}</td>
              <td>
                <span class={`level level-${c.level === 'close' ? 'high' : 'medium'}`}>{t(`trace.level.${c.level}`)}</span>
              </td>
              <td>{formatShort(c.firstContactAt, lang)}</td>
              <td>
                <ul class="evidence">
                  {c.evidence.map((e) => (
                    <li>{evidenceLine(e, t, lang)}</li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {/* Kept after the confirmation: it shows what the confirmation did. */}
      {session.role === 'authority' && <ConfirmTrace key={trace.id} session={session} grantId={grantId} trace={trace} onConfirmed={onConfirmed} />}
      {session.role !== 'authority' && trace.status === 'open' && <p class="muted">{t('trace.confirmByAuthority')}</p>}
    </Card>
  );
}

/**
 * Tracing without copying ids: pick the grant to work under, find the case by what is known of
 * them, open their timeline, trace, review the contacts, confirm with the count asked first.
 */
export function TracesView({ session }: { session: StaffSession }): JSX.Element {
  const t = useT();
  const { grants, grantId, setGrantId, load: loadGrants } = useMyGrants(session, 'trace');
  const [person, setPerson] = useState<FoundResident | null>(null);
  const [timeline, setTimeline] = useState<CaseTimeline | null>(null);
  const [trace, setTrace] = useState<Trace | null>(null);
  const openTimeline = useAction(async (p: FoundResident) => {
    setPerson(p);
    setTrace(null);
    setTimeline(await loadTimeline(session, p.residentId, grantId));
  });
  const open = useAction(async (window: { from: string; to: string }) => {
    setTrace(await ok(client.POST('/api/v1/traces', { headers: bearer(session.token), body: { caseResidentId: timeline!.resident.residentId, ...window, grantId } })));
  });
  const show = useAction(async (traceId: string) => setTrace(await ok(client.GET('/api/v1/traces/{traceId}', { params: { path: { traceId }, query: { grantId } }, headers: bearer(session.token) }))));
  // A new result scrolls into view: the officer's eyes follow what the click did.
  useEffect(() => document.getElementById('trace-result')?.scrollIntoView({ block: 'start' }), [trace?.id]);
  useEffect(() => document.getElementById('case-timeline')?.scrollIntoView({ block: 'start' }), [timeline]);
  return (
    <>
      <Card title={t('trace.grantInUse')}>
        <GrantPicker grants={grants} grantId={grantId} onPick={setGrantId} />
        <ErrorNotice error={loadGrants.error} />
      </Card>
      <CaseSearch session={session} grantId={grantId} onTimeline={(p) => void openTimeline.run(p)} />
      <ErrorNotice error={openTimeline.error} />
      {timeline && <TimelineCard session={session} grantId={grantId} timeline={timeline} onTrace={(w) => void open.run(w)} onShowTrace={(id) => void show.run(id)} busy={open.busy} error={open.error ?? show.error} />}
      {trace && <TraceResult session={session} grantId={grantId} trace={trace} onConfirmed={() => setTrace({ ...trace, status: 'confirmed' })} />}
      {session.role === 'authority' && <GrantForm session={session} person={person} onGiven={() => void loadGrants.run()} />}
    </>
  );
}
