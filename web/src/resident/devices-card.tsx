import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { bearer, client, ok, type Answer } from '../shared/api.js';
import { formatDateTime } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import { Card, ConfirmedAction, ErrorNotice, useAction } from '../shared/ui.js';
import type { Session } from './session.js';

type RememberedDeviceView = Answer<'/api/v1/devices'>[number];

/** "Me": the phones and browsers that stay signed in, each signed out with one confirmed tap. */
export function RememberedDevicesCard({ session, onThisDeviceSignedOut }: { session: Session; onThisDeviceSignedOut: () => void }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [devices, setDevices] = useState<RememberedDeviceView[] | null>(null);
  const load = () => ok(client.GET('/api/v1/devices', { headers: bearer(session.token) })).then(setDevices, () => setDevices([]));
  useEffect(() => void load(), [session.token]);
  const signOut = useAction(async (device: RememberedDeviceView) => {
    await ok(client.DELETE('/api/v1/devices/{deviceId}', { params: { path: { deviceId: device.id } }, headers: bearer(session.token) }));
    if (device.current) onThisDeviceSignedOut();
    else await load();
  });
  return (
    <Card title={t('devices.title')}>
      <p class="muted">{t('devices.intro')}</p>
      {devices?.length === 0 && <p class="muted">{t('devices.none')}</p>}
      <ul class="device-list" data-testid="devices">
        {devices?.map((d) => (
          <li data-current={d.current}>
            <div>
              <strong>{d.label}</strong> {d.current && <span class="chip">{t('devices.this')}</span>}
              <div class="small muted">{t('devices.lastUsed', { when: formatDateTime(d.lastUsedAt, lang), until: formatDateTime(d.expiresAt, lang) })}</div>
            </div>
            <ConfirmedAction label={t('devices.signOut')} yes={t('devices.signOutYes')} onConfirm={() => void signOut.run(d)} busy={signOut.busy} />
          </li>
        ))}
      </ul>
      <ErrorNotice error={signOut.error} />
    </Card>
  );
}
