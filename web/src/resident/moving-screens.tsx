import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import QRCode from 'qrcode';
import { bearer, client, ok, type Answer } from '../shared/api.js';
import { Camera } from '../shared/camera.js';
import { formatDate, formatDateTime } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import { RegionPicker } from '../shared/region-picker.js';
import { Card, ErrorNotice, Field, fieldError, useAction } from '../shared/ui.js';
import type { Session } from './session.js';
import { PhoneProofFields, useCodeRequest } from './sign-in-screens.js';

const GRANT_PREFIX = 'JKG1:';

/** A QR of `text` in plain black: documents that are not the health code carry no colour. */
function PlainQr({ text, label }: { text: string; label: string }): JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current) void QRCode.toCanvas(canvas.current, text, { errorCorrectionLevel: 'M', margin: 2, width: 280 });
  }, [text]);
  return (
    <div class="qr-frame">
      <canvas ref={canvas} role="img" aria-label={label} data-token={text} />
    </div>
  );
}

/** The travel card: cities stayed 4 hours or more in 14 days, each with its source, risk cities starred; signed for the gate. */
export function TravelCardScreen({ session, subjectId }: { session: Session; subjectId: string }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [card, setCard] = useState<Answer<'/api/v1/residents/{id}/travel-card'> | null>(null);
  const load = useAction(async () => setCard(await ok(client.GET('/api/v1/residents/{id}/travel-card', { params: { path: { id: subjectId } }, headers: bearer(session.token) }))));
  useEffect(() => void load.run(), [subjectId]);
  if (!card) return <Card title={t('travel.title')}>{load.error ? <ErrorNotice error={load.error} /> : <p class="muted">{t('common.loading')}</p>}</Card>;
  const risky = card.stays.some((s) => s.risk);
  return (
    <Card title={t('travel.title')}>
      <p class="muted">{t('travel.intro', { days: card.days })}</p>
      <div class="code-name">{card.maskedName}</div>
      <ul class="travel-stays" data-testid="travel-stays">
        {card.stays.length === 0 && <li>{t('travel.none')}</li>}
        {card.stays.map((s) => (
          <li data-risk={String(s.risk)}>
            <strong>
              {s.risk ? '* ' : ''}
              {(lang === 'en' ? s.cityNameEn : s.cityName) ?? s.country}
            </strong>{' '}
            · {t(`travel.source.${s.source}` as 'travel.source.telecom')} · {formatDate(s.arrival, lang)}–{formatDate(s.departure, lang)} ({t('travel.hours', { hours: s.hours })})
          </li>
        ))}
      </ul>
      {risky && <p class="notice notice-info">{t('travel.riskNote')}</p>}
      <PlainQr text={card.token} label={t('travel.qrLabel')} />
      <p class="muted">{t('travel.validUntil', { time: formatDateTime(card.expiresAt, lang) })}</p>
      <button type="button" class="secondary wide" onClick={() => void load.run()} disabled={load.busy}>
        {t('travel.refresh')}
      </button>
    </Card>
  );
}

/** In "Me": give another operator a one-time grant to fetch your facts, and see the grants you gave. */
export function MoveRegistrationCard({ session }: { session: Session }): JSX.Element | null {
  const t = useT();
  const lang = useLang();
  const [operators, setOperators] = useState<Answer<'/api/v1/federation/operators'> | null>(null);
  const [audience, setAudience] = useState('');
  const [given, setGiven] = useState<Answer<'/api/v1/residents/{id}/fact-grants', 'post'> | null>(null);
  const [grants, setGrants] = useState<Answer<'/api/v1/residents/{id}/fact-grants'>>([]);
  const loadGrants = async () => setGrants(await ok(client.GET('/api/v1/residents/{id}/fact-grants', { params: { path: { id: session.residentId } }, headers: bearer(session.token) })));
  useEffect(() => {
    void (async () => {
      const self = await ok(client.GET('/api/v1/federation/identity'));
      const all = await ok(client.GET('/api/v1/federation/operators'));
      setOperators(all.filter((o) => o.id !== self.operator.id));
      await loadGrants();
    })().catch(() => setOperators([]));
  }, []);
  const give = useAction(async () => {
    setGiven(await ok(client.POST('/api/v1/residents/{id}/fact-grants', { params: { path: { id: session.residentId } }, headers: bearer(session.token), body: { audience } })));
    await loadGrants();
  });
  if (operators === null || operators.length === 0) return null;
  return (
    <Card title={t('move.title')}>
      <p class="muted">{t('move.intro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void give.run();
        }}
      >
        <Field label={t('move.destination')} error={fieldError(give.error, 'audience')}>
          <select name="audience" required value={audience} onChange={(e) => setAudience(e.currentTarget.value)}>
            <option value="">{t('move.choose')}</option>
            {operators.map((o) => (
              <option value={o.id}>{o.name}</option>
            ))}
          </select>
        </Field>
        <ErrorNotice error={give.error} />
        <button class="primary wide" type="submit" disabled={give.busy || audience === ''}>
          {t('move.give')}
        </button>
      </form>
      {given && (
        <div data-testid="grant-given">
          <p>{t('move.given', { operator: given.audienceName, time: formatDateTime(given.expiresAt, lang) })}</p>
          <PlainQr text={given.grant} label={t('move.qrLabel')} />
          <Field label={t('move.grantText')}>
            <textarea name="grant" readOnly rows={4} value={given.grant} onFocus={(e) => e.currentTarget.select()} />
          </Field>
          <button type="button" class="secondary wide" onClick={() => void navigator.clipboard?.writeText(given.grant)}>
            {t('move.copy')}
          </button>
        </div>
      )}
      {grants.length > 0 && (
        <>
          <h3>{t('move.history')}</h3>
          <ul class="plain-list">
            {grants.map((g) => (
              <li>
                {operators.find((o) => o.id === g.audience)?.name ?? g.audience} · {formatDateTime(g.createdAt, lang)} · {g.usedAt ? t('move.used', { time: formatDateTime(g.usedAt, lang) }) : t('move.unused')}
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}

/** At the destination: use the registration from home, with its grant, a phone proven here and where one stays here. */
export function VisitorScreen({ onAdmitted }: { onAdmitted: (s: Session) => void }): JSX.Element {
  const t = useT();
  const [grant, setGrant] = useState('');
  const [scanning, setScanning] = useState(false);
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [address, setAddress] = useState({ region: '', detail: '' });
  const codeRequest = useCodeRequest(phone);
  const { sent, ticket } = codeRequest;
  const submit = useAction(async () => {
    const admitted = await ok(client.POST('/api/v1/visitors', { body: { grant: grant.trim(), phone, code, ticket, address } }));
    onAdmitted(admitted.session);
  });
  return (
    <Card title={t('visitor.title')}>
      <p class="muted">{t('visitor.intro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run();
        }}
      >
        <Field label={t('visitor.grant')} hint={t('visitor.grantHint')} error={fieldError(submit.error, 'grant')}>
          <textarea name="grant" rows={3} required value={grant} onInput={(e) => setGrant(e.currentTarget.value)} />
        </Field>
        <button type="button" class="secondary" onClick={() => setScanning(!scanning)}>
          {scanning ? t('common.cancel') : t('visitor.scanGrant')}
        </button>
        {scanning && (
          <Camera
            paused={false}
            onText={(text) => {
              if (!text.startsWith(GRANT_PREFIX)) return;
              setGrant(text);
              setScanning(false);
            }}
          />
        )}
        <Field label={t('visitor.stayRegion')} error={fieldError(submit.error, 'address.region')}>
          <RegionPicker value={address.region} onChange={(region) => setAddress({ ...address, region })} />
        </Field>
        <Field label={t('field.addressDetail')} error={fieldError(submit.error, 'address.detail')}>
          <input name="addressDetail" required autocomplete="street-address" value={address.detail} onInput={(e) => setAddress({ ...address, detail: e.currentTarget.value })} />
        </Field>
        <PhoneProofFields phone={phone} onPhone={setPhone} code={code} onCode={setCode} request={codeRequest} submitError={submit.error} />
        <ErrorNotice error={submit.error} />
        <button class="primary wide" type="submit" disabled={submit.busy || !sent}>
          {t('visitor.submit')}
        </button>
      </form>
      <p class="muted">
        <a href="#/sign-in">{t('signIn.title')}</a>
      </p>
    </Card>
  );
}
