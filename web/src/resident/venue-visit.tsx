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
  const pending = useRef<{ code: string; id: string } | null>(null);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const onText = async (text: string) => {
    if (visit || pending.current?.code === text) return;
    if (!text.startsWith('JKP1:')) {
      setError(new Error(t('visit.notPlaceCode')));
      return;
    }
    pending.current = { code: text, id: newClientId() };
    try {
      setVisit(await ok(client.POST('/api/v1/residents/{id}/visits', { params: { path: { id: subjectId } }, headers: bearer(session.token), body: { placeCode: text, visitId: pending.current.id } })));
      setError(null);
    } catch (e) {
      setError(e);
      // A network failure keeps the visit id, so scanning again retries the same visit.
      if (!(e instanceof NetworkError)) pending.current = null;
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
