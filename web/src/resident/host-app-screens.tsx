import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { HOST_SCOPE_FIELDS, isHostScope } from '../../../src/domain/host-scopes.js';
import { ApiError, bearer, client, ok, type Answer } from '../shared/api.js';
import { formatDateTime } from '../shared/format.js';
import { useLang, useT, type MessageKey } from '../shared/i18n.js';
import { Card, ConfirmedAction, ErrorNotice, useAction } from '../shared/ui.js';
import type { Session } from './session.js';

type ConsentRequest = Answer<'/oauth/interaction/{uid}/request'>;

const scopeText = (scope: string) => `hostScope.${scope}` as MessageKey;
const fieldText = (field: string) => `hostField.${field}` as MessageKey;

/** The consent screen: which app asks to do what, in plain words; allowing or refusing sends the browser back to the app. */
export function ConsentScreen({ session, uid }: { session: Session; uid: string }): JSX.Element {
  const t = useT();
  const [request, setRequest] = useState<ConsentRequest | null>(null);
  const load = useAction(async () => setRequest(await ok(client.GET('/oauth/interaction/{uid}/request', { params: { path: { uid } }, headers: bearer(session.token) }))));
  useEffect(() => void load.run(), [uid]);
  const decide = useAction(async (decision: 'approve' | 'deny') => {
    const { redirectTo } = await ok(
      // Under the consent API's path, so the interaction cookie of the browser that started the authorization comes along.
      decision === 'approve' ? client.POST('/oauth/interaction/{uid}/approve', { params: { path: { uid } }, headers: bearer(session.token) }) : client.POST('/oauth/interaction/{uid}/deny', { params: { path: { uid } }, headers: bearer(session.token) }),
    );
    location.assign(redirectTo);
  });
  const refused = load.error ?? decide.error;
  if (refused instanceof ApiError && refused.reason === 'other-browser') {
    // Someone else's authorization, sent here to be approved: say plainly not to go on, and why.
    return (
      <Card title={t('consent.otherBrowser.title')}>
        <div class="notice notice-error" role="alert" data-testid="consent-other-browser">
          <p>{t('consent.otherBrowser.body')}</p>
          <p>{t('consent.otherBrowser.next')}</p>
        </div>
      </Card>
    );
  }
  if (!request) return <Card title={t('consent.title')}>{load.error ? <ErrorNotice error={load.error} /> : <p class="muted">{t('common.loading')}</p>}</Card>;
  return (
    <Card title={t('consent.title')}>
      <p class="consent-app" data-testid="consent-app">
        {t('consent.asks', { app: request.client.name })}
      </p>
      <ul class="plain-list" data-testid="consent-scopes">
        {request.scopes.map((s) => (
          <li data-scope={s}>
            {t(scopeText(s))}
            {isHostScope(s) && HOST_SCOPE_FIELDS[s].length > 0 && (
              <>
                <div class="small muted">{t('consent.sent')}</div>
                <ul class="small" data-testid="consent-fields">
                  {HOST_SCOPE_FIELDS[s].map((f) => (
                    <li data-field={f}>{t(fieldText(f))}</li>
                  ))}
                </ul>
              </>
            )}
          </li>
        ))}
      </ul>
      <p class="muted">{t('consent.revocable')}</p>
      <ErrorNotice error={decide.error} />
      <button type="button" class="primary wide" onClick={() => void decide.run('approve')} disabled={decide.busy}>
        {t('consent.allow', { app: request.client.name })}
      </button>
      <button type="button" class="secondary wide" onClick={() => void decide.run('deny')} disabled={decide.busy}>
        {t('consent.deny')}
      </button>
    </Card>
  );
}

/** In "Me": every app with access, what it may do, and a way to take it back. */
export function ConnectedAppsCard({ session }: { session: Session }): JSX.Element | null {
  const t = useT();
  const lang = useLang();
  const [apps, setApps] = useState<Answer<'/api/v1/residents/{id}/host-apps'> | null>(null);
  const load = useAction(async () => setApps(await ok(client.GET('/api/v1/residents/{id}/host-apps', { params: { path: { id: session.residentId } }, headers: bearer(session.token) }))));
  const revoke = useAction(async (clientId: string) => {
    await ok(client.DELETE('/api/v1/residents/{id}/host-apps/{clientId}', { params: { path: { id: session.residentId, clientId } }, headers: bearer(session.token) }));
    await load.run();
  });
  useEffect(() => void load.run(), []);
  if (!apps || (apps.length === 0 && !revoke.error)) return null;
  return (
    <Card title={t('hostApps.title')}>
      <ul class="list" data-testid="connected-apps">
        {apps.map((app) => (
          <li>
            <div>
              <strong>{app.name}</strong>
              <div class="small muted">
                {app.scopes.map((s) => t(scopeText(s))).join(' · ')} · {t('hostApps.since', { time: formatDateTime(app.grantedAt, lang) })}
              </div>
            </div>
            <ConfirmedAction
              label={t('hostApps.revoke')}
              question={t('hostApps.revokeConfirm', { app: app.name })}
              yes={t('hostApps.revokeYes')}
              triggerClass="link"
              onConfirm={() => void revoke.run(app.clientId)}
              busy={revoke.busy}
            />
          </li>
        ))}
      </ul>
      <ErrorNotice error={load.error ?? revoke.error} />
    </Card>
  );
}
