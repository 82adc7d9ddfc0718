import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { bearer, client, NetworkError, ok, type Answer } from '../shared/api.js';
import { newClientId } from '../shared/client-id.js';
import { Camera } from '../shared/camera.js';
import { ColourBadge } from '../shared/colour.js';
import { formatDateTime, formatTime } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import { Card, ErrorNotice } from '../shared/ui.js';
import type { Session } from './session.js';

type Visit = Answer<'/api/v1/residents/{id}/visits', 'post'>;

/** A check-in that failed is tried again no sooner than this. */
const RETRY_AFTER_MS = 3000;

/**
 * Checking in at a venue: the resident scans the venue's printed place code; the visit is recorded
 * (a retry with the same visit id is the same visit) and the screen shows staff the venue, the time
 * with a running clock, and the colour.
 */
export function VenueVisitScreen({ session, subjectId }: { session: Session; subjectId: string }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [visit, setVisit] = useState<Visit | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [now, setNow] = useState(Date.now());
  // The code being checked in with, its visit id, and when it may be tried again after a failure (null: in flight or done).
  const pending = useRef<{ code: string; id: string; retryAt: number | null } | null>(null);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const onText = async (text: string) => {
    const before = pending.current;
    if (visit || (before?.code === text && (before.retryAt === null || Date.now() < before.retryAt))) return;
    if (!text.startsWith('JKP1:')) {
      setError(new Error(t('visit.notPlaceCode')));
      return;
    }
    // The camera reads the code again and again: a failed check-in is tried again after a pause,
    // with the same visit id after a network failure (the server may have kept it: then it says so).
    const current = { code: text, id: before?.code === text ? before.id : newClientId(), retryAt: null };
    pending.current = current;
    try {
      setVisit(await ok(client.POST('/api/v1/residents/{id}/visits', { params: { path: { id: subjectId } }, headers: bearer(session.token), body: { placeCode: text, visitId: current.id } })));
      setError(null);
    } catch (e) {
      setError(e);
      pending.current = { ...current, id: e instanceof NetworkError ? current.id : newClientId(), retryAt: Date.now() + RETRY_AFTER_MS };
    }
  };

  if (visit)
    return (
      <div class={`code-card code-${visit.colour}`} data-testid="visit-card" data-colour={visit.colour}>
        <p class="visit-venue">{visit.venue}</p>
        <ColourBadge colour={visit.colour} size="large" />
        <div class="code-name">{visit.maskedName}</div>
        <p>{t('visit.checkedIn', { time: formatDateTime(visit.at, lang) })}</p>
        <p class="live-time big">{formatTime(new Date(now).toISOString(), lang)}</p>
        <p class={visit.admitted ? 'notice notice-ok' : 'notice notice-error'}>{visit.admitted ? t('visit.admitted') : t('reason.colour-not-admitted')}</p>
        {visit.status === 'duplicate' && (
          <p class="notice" data-testid="visit-duplicate">
            {t('visit.duplicate')}
          </p>
        )}
        <button type="button" class="secondary wide" onClick={() => ((pending.current = null), setVisit(null))}>
          {t('visit.another')}
        </button>
      </div>
    );
  return (
    <Card title={t('visit.title')}>
      <p class="muted">{t('visit.intro')}</p>
      <Camera onText={(text) => void onText(text)} paused={false} hint={t('visit.aim')} />
      <ErrorNotice error={error} />
    </Card>
  );
}
