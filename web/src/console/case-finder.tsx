import { serverText } from '../shared/server-text.js';
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, bearer, client, ok, type Answer } from '../shared/api.js';
import { ColourBadge } from '../shared/colour.js';
import { formatDateTime, formatShort, isoToLocalInput, localInputToIso } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import type { StaffSession } from '../shared/staff-session.js';
import { Card, ErrorNotice, Field, fieldError, useAction } from '../shared/ui.js';

export type StaffGrant = Answer<'/api/v1/grants/mine'>[number];
export type FoundResident = Answer<'/api/v1/residents/search', 'post'>['results'][number];
export type CaseTimeline = Answer<'/api/v1/residents/{id}/timeline'>;

/** The grant the officer works under, picked from the live grants they hold: every search and trace is done and logged under it. */
export function GrantPicker({ grants, grantId, onPick }: { grants: StaffGrant[]; grantId: string; onPick: (id: string) => void }): JSX.Element {
  const t = useT();
  const lang = useLang();
  if (grants.length === 0) return <div class="notice notice-info" role="status" data-testid="no-grant">{t('trace.noGrant')}</div>;
  return (
    <Field label={t('trace.workingUnder')} hint={t('trace.workingUnderHint')}>
      <select name="grant" value={grantId} onChange={(e) => onPick(e.currentTarget.value)}>
        {grants.map((g) => (
          <option value={g.id}>
            {g.purpose} · {t(`trace.scope.${g.scope}`)}
            {g.forOneResident ? ` · ${t('trace.forOneResident')}` : ''} · {t('trace.until', { at: formatShort(g.expiresAt, lang) })}
          </option>
        ))}
      </select>
    </Field>
  );
}

/**
 * The live grants the officer holds and the one picked to work under: the one already picked stays,
 * otherwise the first of the scope the screen needs, otherwise the first held.
 */
export function useMyGrants(session: StaffSession, preferred: StaffGrant['scope']) {
  const [grants, setGrants] = useState<StaffGrant[]>([]);
  const [grantId, setGrantId] = useState('');
  const load = useAction(async () => {
    const mine = await ok(client.GET('/api/v1/grants/mine', { headers: bearer(session.token) }));
    setGrants(mine);
    setGrantId((picked) => (mine.some((g) => g.id === picked) ? picked : (mine.find((g) => g.scope === preferred) ?? mine[0])?.id ?? ''));
  });
  useEffect(() => void load.run(), [session.token]);
  return { grants, grantId, setGrantId, load };
}

/** One person found, masked, with what the officer can do about them. */
function FoundRow({ person, onTimeline, actionLabel }: { person: FoundResident; onTimeline: (p: FoundResident) => void; actionLabel: string }): JSX.Element {
  const t = useT();
  const lang = useLang();
  return (
    <li class="found" data-found={person.maskedIdNumber}>
      <div>
        <strong>{person.maskedName}</strong> {person.isCase && <span class="level level-high">{t('trace.isCase')}</span>} {person.colour && <ColourBadge colour={person.colour} />}
        <p class="muted">
          {person.maskedIdNumber} · {person.maskedPhone ?? t('trace.dependent')} · {serverText(person.regionName, lang)}
        </p>
      </div>
      <button type="button" class="secondary" onClick={() => onTimeline(person)}>
        {actionLabel}
      </button>
    </li>
  );
}

/** One box for a name, an ID number or a mobile number; what is found is shown masked, to act on by clicking. */
export function CaseSearch({ session, grantId, onTimeline, actionLabel, title }: { session: StaffSession; grantId: string; onTimeline: (p: FoundResident) => void; actionLabel?: string; title?: string }): JSX.Element {
  const t = useT();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<FoundResident[] | null>(null);
  const search = useAction(async () => {
    setFound(null);
    const result = await ok(client.POST('/api/v1/residents/search', { headers: bearer(session.token), body: { grantId, query } }));
    setFound(result.results);
  });
  // A query the server could not read is shown at the box; finding no one, above the results.
  const queryError = search.error instanceof ApiError && search.error.type !== 'not-found' ? fieldError(search.error, 'query') : undefined;
  return (
    <Card title={title ?? t('trace.find')}>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void search.run();
        }}
      >
        <Field label={t('trace.query')} hint={t('trace.queryHint')} error={queryError}>
          <input name="query" required maxLength={64} autoComplete="off" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </Field>
        {!queryError && <ErrorNotice error={search.error} />}
        <button type="submit" class="primary" disabled={search.busy || grantId === ''}>
          {t('trace.findSubmit')}
        </button>
      </form>
      {found && (
        <ul class="found-list" aria-label={t('trace.foundList', { n: found.length })}>
          {found.map((p) => (
            <FoundRow person={p} onTimeline={onTimeline} actionLabel={actionLabel ?? t('trace.openTimeline')} />
          ))}
        </ul>
      )}
    </Card>
  );
}

/**
 * Where the case went over the last 14 days and the traces already opened for it; from here a
 * trace is opened over a window (the last 14 days unless changed) or an earlier one shown.
 */
export function TimelineCard({
  session,
  grantId,
  timeline,
  onTrace,
  onShowTrace,
  busy,
  error,
}: {
  session: StaffSession;
  grantId: string;
  timeline: CaseTimeline;
  onTrace: (window: { from: string; to: string }) => void;
  onShowTrace: (traceId: string) => void;
  busy: boolean;
  error: unknown;
}): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [window, setWindow] = useState({ from: isoToLocalInput(Date.parse(timeline.from)), to: isoToLocalInput(Date.now() + 60_000) });
  const person = timeline.resident;
  return (
    <Card title={t('trace.timelineOf', { name: person.maskedName })} id="case-timeline">
      <p class="muted">
        {person.maskedIdNumber} · {serverText(person.regionName, lang)} · {t('trace.timelineWindow', { from: formatDateTime(timeline.from, lang), to: formatDateTime(timeline.to, lang) })}
      </p>
      {timeline.visits.length === 0 && <p>{t('trace.noVisits')}</p>}
      <ol class="timeline">
        {timeline.visits.map((v) => (
          <li>
            <time>{formatDateTime(v.at, lang)}</time> <span>{v.venue}</span>
          </li>
        ))}
      </ol>
      {timeline.traces.length > 0 && (
        <>
          <h3>{t('trace.earlier')}</h3>
          <ul class="found-list">
            {timeline.traces.map((tr) => (
              <li class="found">
                <span>
                  {formatShort(tr.from, lang)} – {formatShort(tr.to, lang)} · {t(`trace.status.${tr.status}` as 'trace.status.open')}
                </span>
                <button type="button" class="secondary" onClick={() => onShowTrace(tr.id)}>
                  {t('trace.showTrace')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <form
        id="open-trace"
        onSubmit={(e) => {
          e.preventDefault();
          onTrace({ from: localInputToIso(window.from), to: localInputToIso(window.to) });
        }}
      >
        <div class="row">
          <Field label={t('risk.from')} error={fieldError(error, 'from')}>
            <input type="datetime-local" name="from" required value={window.from} onInput={(e) => setWindow({ ...window, from: e.currentTarget.value })} />
          </Field>
          <Field label={t('risk.to')} error={fieldError(error, 'to')}>
            <input type="datetime-local" name="to" required value={window.to} onInput={(e) => setWindow({ ...window, to: e.currentTarget.value })} />
          </Field>
        </div>
        <ErrorNotice error={error} />
        <button class="primary" type="submit" disabled={busy || grantId === '' || session.token === ''}>
          {t('trace.openSubmit')}
        </button>
      </form>
    </Card>
  );
}

/** The case's timeline, read under the grant (the read is logged). */
export async function loadTimeline(session: StaffSession, residentId: string, grantId: string): Promise<CaseTimeline> {
  return ok(client.GET('/api/v1/residents/{id}/timeline', { params: { path: { id: residentId }, query: { grantId } }, headers: bearer(session.token) }));
}
