import { render, type JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { TokenVerifier, webCryptoVerify, TRAVEL_CARD_PREFIX, verifyTravelCard, type TravelCardClaims, bytesToBase64Url, PRESENTATION_PREFIX } from '../../../src/codes/index.js';
import { SeenCodes } from './seen-codes.js';
import { offlineVerdict, onlineVerdict } from './offline-code.js';
import { nationalState, takeTrust, trustedKeys, type ScannerTrust } from './trust.js';
import '../shared/styles.css';
import { ApiError, bearer, client, loadSaved, NetworkError, ok, save, type Answer } from '../shared/api.js';
import { formatDateTime, formatTime } from '../shared/format.js';
import { I18n, useLang, useT } from '../shared/i18n.js';
import { Camera } from '../shared/camera.js';
import { ID_TYPES } from '../shared/choices.js';
import { registerOfflineSupport } from '../shared/offline.js';
import { Card, ConfirmedAction, ErrorNotice, Field, fieldError, Shell, useAction } from '../shared/ui.js';
import { ScanQueue, type Uploaded } from './scan-queue.js';
import { asVerdictReason, checkpointDeviceAdvice, listAdvice, listsCurrent, verdictAdvice } from './refusals.js';
import { NextSteps, ResultOverlay, TravelCardOverlay, type Result } from './verdicts.js';
import { newClientId } from '../shared/client-id.js';
import { PAIRING_PREFIX, PAPER_CARD_PREFIX } from '../../../src/domain/index.js';
import { checkPaperCard } from './paper-card-check.js';

/** What /checkpoint/me says of this device, without the keys (kept in the trust), with its credential. */
type CheckpointDeviceSetup = Omit<Answer<'/api/v1/checkpoint/me'>, 'hubKey' | 'operatorKey'> & { credential: string };


const SETUP_KEY = 'healthcode.scanner.device';
const TRUST_KEY = 'healthcode.scanner.trust';
const RESULT_SHOWN_MS = 5000;
/** A refusal stays longer: the guard reads what to do next. */
const REFUSAL_SHOWN_MS = 20_000;
const SAME_CODE_IGNORED_MS = 4000;

/** The device's keys from its operator, over its own credential: what it verifies both lists with. */
type OperatorKeys = Pick<Answer<'/api/v1/checkpoint/me'>, 'hubKey' | 'operatorKey'>;

/** The operator's signed trust list (COSE_Sign1) as base64url, or null if it cannot be had now. */
async function signedOwnList(): Promise<{ document: string } | null> {
  const list = await ok(client.GET('/api/v1/federation/trust-list', { headers: { accept: 'application/cose' }, parseAs: 'arrayBuffer' })).catch(() => null);
  return list ? { document: bytesToBase64Url(new Uint8Array(list)) } : null;
}

/**
 * Fetches what the operator offers and takes it: the operator and hub keys come from the device's
 * own authenticated call (given as `keys` where the caller just made it), never from the lists.
 */
async function refreshTrust(credential: string, keys?: OperatorKeys): Promise<ScannerTrust> {
  const { hubKey, operatorKey } = keys ?? (await ok(client.GET('/api/v1/checkpoint/me', { headers: bearer(credential) })));
  const own = await signedOwnList();
  const national = await ok(client.GET('/api/v1/national-trust-list')).catch(() => null);
  return takeTrust(loadSaved<ScannerTrust | null>(TRUST_KEY, null), { own, operatorKey, hubKey, national }, Date.now());
}

function SetupScreen({ onReady }: { onReady: (d: CheckpointDeviceSetup) => void }): JSX.Element {
  const t = useT();
  const [credential, setCredential] = useState('');
  const [pairing, setPairing] = useState(false);
  const connectWith = async (token: string) => {
    const { hubKey, operatorKey, ...me } = await ok(client.GET('/api/v1/checkpoint/me', { headers: bearer(token) }));
    const setup = { credential: token, ...me };
    save(TRUST_KEY, await refreshTrust(token, { hubKey, operatorKey }));
    save(SETUP_KEY, setup);
    onReady(setup);
  };
  const connect = useAction(() => connectWith(credential.trim()));
  // The camera reads the venue app's one-time code; the server gives this device its credential for it.
  const pair = useAction(async (code: string) => {
    const paired = await ok(client.POST('/api/v1/checkpoint/pair', { body: { code } }));
    await connectWith(paired.token);
  });
  const [notPairing, setNotPairing] = useState(false);
  const onText = (text: string) => {
    if (pair.busy) return;
    // Any other code in front of the camera (a health code, say) is not what pairs: said so, and the camera stays on.
    if (!text.startsWith(PAIRING_PREFIX)) return setNotPairing(true);
    setNotPairing(false);
    setPairing(false);
    void pair.run(text);
  };
  return (
    <Card title={t('scanner.setup')}>
      <button type="button" class="primary wide" data-testid="pair-camera" onClick={() => setPairing(!pairing)}>
        {pairing ? t('common.cancel') : t('scanner.pairCamera')}
      </button>
      {pairing && <Camera onText={onText} paused={pair.busy} hint={t('scanner.pairHint')} />}
      {pairing && notPairing && <div class="notice notice-error" role="alert">{t('scanner.pairNotCode')}</div>}
      {pair.error instanceof ApiError && pair.error.status === 401 ? (
        <div class="notice notice-error" role="alert" data-testid="pair-refused">
          {t('scanner.pairUsed')}
        </div>
      ) : (
        <ErrorNotice error={pair.error} />
      )}
      <p class="muted">{t('scanner.setupIntro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void connect.run();
        }}
      >
        <Field label={t('scanner.credential')} hint={t('scanner.credentialHint')}>
          <input name="credential" required autocomplete="off" value={credential} onInput={(e) => setCredential(e.currentTarget.value)} />
        </Field>
        <ErrorNotice error={connect.error} />
        <button class="primary wide" type="submit" disabled={connect.busy}>
          {t('scanner.connect')}
        </button>
      </form>
    </Card>
  );
}

function ManualEntry({ setup, onResult, onCancel }: { setup: CheckpointDeviceSetup; onResult: (r: Result) => void; onCancel: () => void }): JSX.Element {
  const t = useT();
  const [idType, setIdType] = useState('resident_id');
  const [idNumber, setIdNumber] = useState('');
  const lookup = useAction(async () => {
    const r = await ok(client.POST('/api/v1/checkpoint/lookup', { headers: bearer(setup.credential), body: { idType, idNumber: idNumber.trim() } }));
    onResult({
      colour: r.colour,
      admitted: r.admitted,
      maskedName: null,
      validUntil: null,
      reason: r.admitted ? 'allowed' : 'colour-not-admitted',
      method: 'id-number',
      ...(r.admitted ? {} : { advice: verdictAdvice('colour-not-admitted', { listsCurrent: true }) }),
    });
  });
  return (
    <Card title={t('scanner.manual')}>
      <p class="muted">{t('scanner.manualIntro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void lookup.run();
        }}
      >
        <Field label={t('field.idType')}>
          <select value={idType} onChange={(e) => setIdType(e.currentTarget.value)}>
            {ID_TYPES.map((type) => (
              <option value={type}>{t(`idType.${type}`)}</option>
            ))}
          </select>
        </Field>
        <Field label={t('field.idNumber')} error={fieldError(lookup.error, 'idNumber')}>
          <input name="idNumber" required autocomplete="off" value={idNumber} onInput={(e) => setIdNumber(e.currentTarget.value)} />
        </Field>
        {lookup.error instanceof NetworkError ? (
          <div class="notice notice-error">{t('scanner.manualNeedsNetwork')}</div>
        ) : lookup.error instanceof ApiError && lookup.error.status === 404 ? (
          <div class="notice notice-error" role="alert" data-testid="id-not-found">
            {t('scanner.idNotFound')}
          </div>
        ) : (
          <ErrorNotice error={lookup.error} />
        )}
        <button class="primary wide" type="submit" disabled={lookup.busy}>
          {t('scanner.check')}
        </button>
        <button type="button" class="link" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </form>
    </Card>
  );
}

/** The national list's state, said plainly: an expired list no longer vouches for visitors' codes. */
function NationalListState({ trust }: { trust: ScannerTrust | null }): JSX.Element | null {
  const t = useT();
  const lang = useLang();
  const national = nationalState(trust, Date.now());
  if (national.state === 'current') return <span data-testid="national-list">· {t('scanner.nationalList', { n: national.members, sequence: national.sequence })}</span>;
  if (national.state === 'expired') {
    return (
      <span data-testid="national-list" data-state="expired" class="notice-error">
        · {t('scanner.nationalExpired', { sequence: national.sequence, time: formatDateTime(new Date(national.expiresAt).toISOString(), lang) })}
      </span>
    );
  }
  return trust?.refused ? <span data-testid="national-list" data-state="refused">· {t('scanner.nationalRefused', { reason: t(listAdvice(trust.refused).words) })}</span> : null;
}

function ScannerApp(): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [setup, setSetup] = useState<CheckpointDeviceSetup | null>(() => loadSaved<CheckpointDeviceSetup | null>(SETUP_KEY, null));
  const [result, setResult] = useState<Result | null>(null);
  const [manual, setManual] = useState(false);
  const [online, setOnline] = useState(navigator.onLine);
  const [queued, setQueued] = useState(0);
  const [trust, setTrust] = useState<ScannerTrust | null>(() => loadSaved<ScannerTrust | null>(TRUST_KEY, null));
  const [travelCard, setTravelCard] = useState<TravelCardClaims | { refused: string } | null>(null);
  const [uploaded, setUploaded] = useState<(Uploaded & { at: string }) | null>(null);
  const [unpaired, setUnpaired] = useState(false);
  const queue = useRef(new ScanQueue(setQueued, (u) => setUploaded({ ...u, at: new Date().toISOString() }))).current;
  const last = useRef<{ text: string; at: number } | null>(null);
  // Codes and offline codes scanned here lately and when: a second scan of one says so.
  const seen = useRef(new SeenCodes()).current;

  const sync = async () => {
    if (!setup) return;
    // The server refusing this device's credential means it was paired again elsewhere or removed: not "offline".
    const refused = (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) setUnpaired(true);
      return null;
    };
    const ok = (await queue.flush(setup.credential).catch(refused)) ?? false;
    setOnline(ok && navigator.onLine);
    if (ok) {
      const fresh = await refreshTrust(setup.credential).catch(refused);
      if (fresh) {
        setUnpaired(false);
        save(TRUST_KEY, fresh);
        setTrust(fresh);
      }
    }
  };

  useEffect(() => {
    setQueued(queue.size);
    void sync();
    const timer = setInterval(() => void sync(), 15_000);
    const onOnline = () => void sync();
    const onOffline = () => setOnline(false);
    addEventListener('online', onOnline);
    addEventListener('offline', onOffline);
    return () => {
      clearInterval(timer);
      removeEventListener('online', onOnline);
      removeEventListener('offline', onOffline);
    };
  }, [setup?.credential]);

  useEffect(() => {
    if (!result) return;
    const timer = setTimeout(() => setResult(null), result.advice ? REFUSAL_SHOWN_MS : RESULT_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [result]);

  const onText = async (text: string) => {
    // A pairing code still in front of the camera just after pairing is not a person's code.
    if (text.startsWith(PAIRING_PREFIX)) return;
    const now = Date.now();
    if (last.current && last.current.text === text && now - last.current.at < SAME_CODE_IGNORED_MS) return;
    last.current = { text, at: now };
    if (!setup || !trust) return;
    // Verified here, offline, against the cached trust lists (this operator's and the national one); the server checks again on upload.
    const { trustList, origins } = trustedKeys(trust, now);
    const state = { listsCurrent: listsCurrent(trust.own.generatedAt, nationalState(trust, now).state === 'expired', now) };
    if (text.trim().startsWith(PAPER_CARD_PREFIX)) {
      // No colour on it to verify here: the server looks the holder up, or the guard is told it needs the network.
      // A refused credential is the status bar's to say (unpaired), found at the next sync.
      const verdict = await checkPaperCard(setup.credential, text.trim(), newClientId(), navigator.onLine).catch(() => null);
      if (verdict) setResult(verdict);
      else void sync();
      return;
    }
    if (text.trim().startsWith(TRAVEL_CARD_PREFIX)) {
      const card = await verifyTravelCard(text, trustList, webCryptoVerify(), now);
      setTravelCard(card.valid ? card.claims : { refused: card.reason });
      return;
    }
    if (text.trim().startsWith(PRESENTATION_PREFIX)) {
      // An offline code: checked here first; admitted here, the server (when reachable) gives the colour decided now.
      const scanId = newClientId();
      const here = await offlineVerdict(text, trustList, setup.policy, state, now);
      const there = here.colour !== null && navigator.onLine ? await onlineVerdict(setup.credential, text, scanId, state) : null;
      setResult({ ...(there ?? here), ...seen.note(text, now) });
      if (!there) queue.add({ scanId, token: text.trim(), scannedAt: new Date(now).toISOString() });
      return;
    }
    const verified = await new TokenVerifier(trustList, webCryptoVerify()).verify(text.trim(), now);
    const admitted = verified.valid && setup.policy.allowed.includes(verified.claims.colour);
    const origin = verified.valid ? origins.get(verified.kid) : undefined;
    const visitor = origin && origin.operator !== trust.own.operator?.id ? { operatorName: origin.operatorName, region: origin.region } : undefined;
    const before = seen.note(text, now);
    setResult(
      verified.valid
        ? {
            colour: verified.claims.colour,
            maskedName: verified.claims.maskedName,
            validUntil: new Date(verified.claims.expiresAt * 1000).toISOString(),
            admitted,
            reason: admitted ? 'allowed' : 'colour-not-admitted',
            method: 'qr',
            ...(visitor ? { origin: visitor } : {}),
            ...(admitted ? {} : { advice: verdictAdvice('colour-not-admitted', state) }),
            ...before,
          }
        : { colour: null, maskedName: null, validUntil: null, admitted: false, reason: verified.reason, method: 'qr', advice: verdictAdvice(verified.reason, state), ...before },
    );
    if (text.startsWith('JKM1:')) {
      queue.add({ scanId: newClientId(), token: text.trim(), scannedAt: new Date(now).toISOString() });
      void sync();
    }
  };

  if (!setup) {
    return (
      <Shell title={t('app.scanner')} screen="setup">
        <SetupScreen
          onReady={(s) => {
            setSetup(s);
            setTrust(loadSaved<ScannerTrust | null>(TRUST_KEY, null));
          }}
        />
      </Shell>
    );
  }
  return (
    <Shell title={setup.venue.name} screen={manual ? 'manual' : 'scanning'}>
      {!manual && <h2 class="sr-only">{t('scanner.scanning')}</h2>}
      <div class="status-bar" data-testid="scanner-status">
        <span class={`dot ${online && !unpaired ? 'dot-on' : 'dot-off'}`} /> {unpaired ? t('scanner.unpaired') : online ? t('scanner.online') : t('scanner.offline')}
        <span>· {t('scanner.queued', { n: queued })}</span>
        {trust && <span>· {t('scanner.trustListAge', { time: formatDateTime(new Date(trust.own.generatedAt * 1000).toISOString(), lang) })}</span>}
        <NationalListState trust={trust} />
      </div>
      {uploaded && (
        <p class="notice notice-ok" role="status" data-testid="uploaded">
          {uploaded.duplicate > 0
            ? t('scanner.uploadedRepeats', { n: uploaded.stored + uploaded.duplicate, d: uploaded.duplicate, time: formatTime(uploaded.at, lang) })
            : t('scanner.uploaded', { n: uploaded.stored, time: formatTime(uploaded.at, lang) })}
        </p>
      )}
      {unpaired && (
        <div class="notice notice-error" role="alert" data-testid="unpaired">
          <p>{t(checkpointDeviceAdvice('device-unpaired').words)}</p>
          <NextSteps advice={checkpointDeviceAdvice('device-unpaired')} actions={{}} />
          <button
            type="button"
            class="primary"
            onClick={() => {
              save(SETUP_KEY, null);
              setSetup(null);
            }}
          >
            {t('scanner.pairCamera')}
          </button>
        </div>
      )}
      <p class="policy">
        {t('scanner.policy')}: {setup.policy.allowed.map((c) => t(`colour.${c}` as 'colour.green')).join(' / ')}
      </p>
      {unpaired ? null : manual ? <ManualEntry setup={setup} onResult={(r) => (setResult(r), setManual(false))} onCancel={() => setManual(false)} /> : <Camera onText={(text) => void onText(text)} paused={result !== null || travelCard !== null} />}
      {!manual && !unpaired && (
        <button type="button" class="secondary wide" onClick={() => setManual(true)}>
          {t('scanner.manual')}
        </button>
      )}
      <ConfirmedAction
        label={t('scanner.disconnect')}
        question={t('scanner.disconnectConfirm')}
        yes={t('scanner.disconnectYes')}
        triggerClass="link"
        onConfirm={() => {
          save(SETUP_KEY, null);
          setSetup(null);
        }}
      />
      {result && (
        <ResultOverlay
          result={result}
          onClose={() => setResult(null)}
          actions={{
            'check-by-id': () => (setResult(null), setManual(true)),
            'update-list': () => (setResult(null), void sync()),
          }}
        />
      )}
      {travelCard && <TravelCardOverlay card={travelCard} onClose={() => setTravelCard(null)} advice={'refused' in travelCard ? verdictAdvice(asVerdictReason(travelCard.refused), { listsCurrent: true }) : null} />}
    </Shell>
  );
}

render(
  <I18n>
    <ScannerApp />
  </I18n>,
  document.getElementById('app')!,
);

registerOfflineSupport();
