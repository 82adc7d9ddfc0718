import { render, type JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import QRCode from 'qrcode';
import { VENUE_TYPES } from '../../../src/domain/index.js';
import '../shared/styles.css';
import { bearer, client, ok, type Answer, type BodyOf } from '../shared/api.js';
import { I18n, useT } from '../shared/i18n.js';
import { RegionPicker } from '../shared/region-picker.js';
import { StaffSignIn, useStaffSession, type StaffSession } from '../shared/staff-session.js';
import { Card, ErrorNotice, Field, fieldError, Shell, useAction } from '../shared/ui.js';



function RegisterVenue({ session, onRegistered }: { session: StaffSession; onRegistered: (v: Venue) => void }): JSX.Element {
  const t = useT();
  const [form, setForm] = useState({ name: '', type: 'mall', region: '', address: '', latitude: '', longitude: '', operator: '' });
  const set = (patch: Partial<typeof form>) => setForm({ ...form, ...patch });
  const submit = useAction(async () => {
    onRegistered(await ok(client.POST('/api/v1/venues', { headers: bearer(session.token), body: { ...form, type: form.type as BodyOf<'/api/v1/venues'>['type'], latitude: Number(form.latitude), longitude: Number(form.longitude) } })));
    setForm({ name: '', type: 'mall', region: '', address: '', latitude: '', longitude: '', operator: '' });
  });
  const locate = () => navigator.geolocation?.getCurrentPosition((p) => set({ latitude: p.coords.latitude.toFixed(5), longitude: p.coords.longitude.toFixed(5) }));
  return (
    <Card title={t('venue.register')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run();
        }}
      >
        <Field label={t('venue.name')} error={fieldError(submit.error, 'name')}>
          <input name="name" required value={form.name} onInput={(e) => set({ name: e.currentTarget.value })} />
        </Field>
        <Field label={t('venue.type')} error={fieldError(submit.error, 'type')}>
          <select name="type" value={form.type} onChange={(e) => set({ type: e.currentTarget.value })}>
            {VENUE_TYPES.map((v) => (
              <option value={v}>{t(`venueType.${v}`)}</option>
            ))}
          </select>
        </Field>
        <Field label={t('field.addressRegion')} error={fieldError(submit.error, 'region')}>
          <RegionPicker value={form.region} onChange={(region) => set({ region })} />
        </Field>
        <Field label={t('venue.address')} error={fieldError(submit.error, 'address')}>
          <input name="address" required value={form.address} onInput={(e) => set({ address: e.currentTarget.value })} />
        </Field>
        <div class="row">
          <Field label={t('venue.latitude')} error={fieldError(submit.error, 'latitude')}>
            <input name="latitude" required inputMode="decimal" value={form.latitude} onInput={(e) => set({ latitude: e.currentTarget.value })} />
          </Field>
          <Field label={t('venue.longitude')} error={fieldError(submit.error, 'longitude')}>
            <input name="longitude" required inputMode="decimal" value={form.longitude} onInput={(e) => set({ longitude: e.currentTarget.value })} />
          </Field>
        </div>
        <button type="button" class="link" onClick={locate}>
          {t('venue.useLocation')}
        </button>
        <Field label={t('venue.operator')} error={fieldError(submit.error, 'operator')}>
          <input name="operator" required value={form.operator} onInput={(e) => set({ operator: e.currentTarget.value })} />
        </Field>
        <ErrorNotice error={submit.error} />
        <button class="primary wide" type="submit" disabled={submit.busy}>
          {t('venue.registerSubmit')}
        </button>
      </form>
    </Card>
  );
}

type Venue = Answer<'/api/v1/venues/operated'>[number];
type NewCheckpointDevice = Answer<'/api/v1/venues/{venueId}/devices', 'post'>;

/**
 * A new device is paired by pointing the scanner app's camera at a one-time QR (it works once, for
 * ten minutes); the credential can still be copied for a scanner without a camera.
 */
function PairCheckpointDevice({ session, venueId, device }: { session: StaffSession; venueId: string; device: NewCheckpointDevice }): JSX.Element {
  const t = useT();
  const [pairing, setPairing] = useState(device.pairing);
  const [now, setNow] = useState(Date.now());
  const [copied, setCopied] = useState(false);
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (canvas.current) void QRCode.toCanvas(canvas.current, pairing.code, { errorCorrectionLevel: 'M', margin: 2, width: 220 });
  }, [pairing.code]);
  const renew = useAction(async () => setPairing(await ok(client.POST('/api/v1/venues/{venueId}/devices/{deviceId}/pairing', { params: { path: { venueId, deviceId: device.deviceId } }, headers: bearer(session.token) }))));
  const left = Math.max(0, Math.round((Date.parse(pairing.expiresAt) - now) / 1000));
  return (
    <div class="notice notice-ok pairing" data-testid="device-credential">
      <p>
        <strong>{t('venue.pairScan')}</strong>
      </p>
      {left > 0 ? (
        <canvas ref={canvas} role="img" aria-label={t('venue.pairQrLabel')} data-pairing={pairing.code} />
      ) : (
        <p class="muted">{t('venue.pairExpired')}</p>
      )}
      <p class="small">{left > 0 ? t('venue.pairValid', { time: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` }) : ''}</p>
      <button type="button" class="secondary" onClick={() => void renew.run()} disabled={renew.busy}>
        {t('venue.pairNew')}
      </button>
      <ErrorNotice error={renew.error} />
      <details>
        <summary>{t('venue.pairNoCamera')}</summary>
        <p class="small">{t('venue.credentialOnce')}</p>
        <code class="secret">{device.token}</code>
        <button
          type="button"
          class="link"
          onClick={() => void navigator.clipboard?.writeText(device.token).then(() => setCopied(true), () => setCopied(false))}
        >
          {copied ? t('venue.copied') : t('venue.copy')}
        </button>
      </details>
    </div>
  );
}

/** A venue's printable place code, and its checkpoint devices. */
function VenueDetail({ session, venue }: { session: StaffSession; venue: Venue }): JSX.Element {
  const t = useT();
  const [deviceName, setDeviceName] = useState('');
  const [device, setDevice] = useState<NewCheckpointDevice | null>(null);
  const addCheckpointDevice = useAction(async () => setDevice(await ok(client.POST('/api/v1/venues/{venueId}/devices', { params: { path: { venueId: venue.id } }, headers: bearer(session.token), body: { name: deviceName } }))));
  return (
    <Card title={venue.name} id="place-code">
      <div class="poster">
        <p class="poster-title">{t('venue.posterTitle')}</p>
        <img src={`/api/v1/venues/${venue.id}/place-code.svg`} alt={t('venue.placeCodeAlt', { name: venue.name })} width={280} height={280} />
        <p class="poster-name">{venue.name}</p>
        <p class="poster-hint">{t('venue.posterHint')}</p>
        <p class="muted small">
          {venue.address} · {t(`venueType.${venue.type}` as 'venueType.mall')}
        </p>
      </div>
      <button type="button" class="primary no-print" onClick={() => print()}>
        {t('venue.print')}
      </button>
      <div class="no-print">
        <h3>{t('venue.devices')}</h3>
        <p class="muted">{t('venue.devicesIntro')}</p>
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            void addCheckpointDevice.run();
          }}
        >
          <input name="deviceName" required placeholder={t('venue.deviceName')} value={deviceName} onInput={(e) => setDeviceName(e.currentTarget.value)} />
          <button type="submit" class="secondary" disabled={addCheckpointDevice.busy}>
            {t('venue.addDevice')}
          </button>
        </form>
        <ErrorNotice error={addCheckpointDevice.error} />
        {device && <PairCheckpointDevice session={session} venueId={venue.id} device={device} />}
      </div>
    </Card>
  );
}

function VenueApp(): JSX.Element {
  const t = useT();
  const [session, setSession] = useStaffSession('venue');
  const [venues, setVenues] = useState<Venue[]>([]);
  const [selected, setSelected] = useState<Venue | null>(null);
  // Only the venues this credential operates: devices can be added to those alone.
  const load = () => (session ? ok(client.GET('/api/v1/venues/operated', { headers: bearer(session.token) })).then(setVenues, () => undefined) : Promise.resolve());
  useEffect(() => void load(), [session?.token]);
  if (!session)
    return (
      <Shell title={t('app.venue')} screen="signed-out">
        <StaffSignIn roles={['venue', 'authority']} onSignedIn={setSession} />
      </Shell>
    );
  return (
    <Shell
      title={t('app.venue')}
      screen={selected ? `venue-${selected.id}` : 'venues'}
      actions={
        <button type="button" class="link no-print" onClick={() => setSession(null)}>
          {t('common.signOut')}
        </button>
      }
    >
      {selected ? (
        <>
          <button type="button" class="link no-print" onClick={() => setSelected(null)}>
            ← {t('venue.all')}
          </button>
          <VenueDetail session={session} venue={selected} />
        </>
      ) : (
        <>
          <RegisterVenue
            session={session}
            onRegistered={(v) => {
              setSelected(v);
              void load();
            }}
          />
          <Card title={t('venue.all')}>
            {venues.length === 0 && <p>{t('venue.none')}</p>}
            <ul class="list">
              {venues.map((v) => (
                <li>
                  <div>
                    <strong>{v.name}</strong>
                    <div class="muted small">
                      {t(`venueType.${v.type}` as 'venueType.mall')} · {v.address}
                    </div>
                  </div>
                  <button type="button" class="secondary" onClick={() => setSelected(v)}>
                    {t('venue.placeCode')}
                  </button>
                </li>
              ))}
            </ul>
          </Card>
        </>
      )}
    </Shell>
  );
}

render(
  <I18n>
    <VenueApp />
  </I18n>,
  document.getElementById('app')!,
);
