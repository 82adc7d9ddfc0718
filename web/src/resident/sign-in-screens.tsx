import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, client, ok, type Answer, type BodyOf } from '../shared/api.js';
import { useLang, useT } from '../shared/i18n.js';
import { chineseScript } from '../shared/chinese-script.js';
import { RegionPicker } from '../shared/region-picker.js';
import { Card, ErrorNotice, Field, fieldError, useAction } from '../shared/ui.js';
import { savedPhone, savePhone, type Session } from './session.js';
import { ID_TYPES } from '../shared/choices.js';

/** Development mode only: the SMS the demo would have sent; production has no such endpoint. */
async function demoInbox(phone: string): Promise<string | null> {
  try {
    return (await ok(client.GET('/api/v1/dev/outbox', { params: { query: { phone } } }))).body;
  } catch {
    return null;
  }
}

/** The one-time code, once one was sent, and in development mode the SMS the demo would have sent. */
function CodeField({ sent, code, onCode, error, demoSms }: { sent: boolean; code: string; onCode: (code: string) => void; error: unknown; demoSms: string | null }): JSX.Element {
  const t = useT();
  return (
    <>
      {sent && (
        <Field label={t('signIn.code')} hint={t('signIn.codeHint')} error={fieldError(error, 'code')}>
          <input name="code" inputMode="numeric" autocomplete="one-time-code" pattern="\d{6}" maxLength={6} required value={code} onInput={(e) => onCode(e.currentTarget.value)} />
        </Field>
      )}
      {demoSms && (
        <div class="notice notice-info" data-testid="demo-sms">
          {t('signIn.demoSms')} <q>{demoSms}</q>
        </div>
      )}
    </>
  );
}

/** Seconds before another code may be asked for, when the server does not say (SIGN_IN_LIMITS.resendAfterSeconds). */
const RESEND_AFTER_SECONDS = 60;

/**
 * Asking for a one-time code, with the lock between two asks shown as a countdown: the server
 * refuses a resend within a minute, so the button says how long is left instead of failing. The
 * request ticket of the last code is kept in memory with its phone and sent back with the code: with
 * it, strangers' wrong guesses cannot use up the code's attempts. The text comes in the app's
 * language: Traditional Chinese for a 繁體 reader.
 */
export function useCodeRequest(phone: string) {
  const lang = useLang();
  const [sent, setSent] = useState(false);
  const [asked, setAsked] = useState<{ phone: string; ticket: string } | null>(null);
  const [demoSms, setDemoSms] = useState<string | null>(null);
  const [resendAt, setResendAt] = useState(0);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (resendAt <= now) return;
    const timer = setTimeout(() => setNow(Date.now()), 1000);
    return () => clearTimeout(timer);
  }, [resendAt, now]);
  const request = useAction(async () => {
    try {
      const answer = await ok(client.POST('/api/v1/sign-in/code', { body: { phone, ...chineseScript(lang) } }));
      if (answer?.ticket) setAsked({ phone, ticket: answer.ticket });
      setResendAt(Date.now() + (answer?.resendAfterSeconds ?? RESEND_AFTER_SECONDS) * 1000);
      setNow(Date.now());
    } catch (error) {
      // Refused as too soon: a code was sent a moment ago and still counts, so its field stays (or
      // appears); the lock is shown again.
      if (error instanceof ApiError && error.status === 429) {
        setSent(true);
        setResendAt(Date.now() + (error.retryAfterSeconds ?? RESEND_AFTER_SECONDS) * 1000);
        setNow(Date.now());
      }
      throw error;
    }
    setSent(true);
    setDemoSms(await demoInbox(phone));
  });
  const waitSeconds = Math.max(0, Math.ceil((resendAt - now) / 1000));
  /** The ticket to send with a code for this phone, if one was asked for it here. */
  const ticket = asked?.phone === phone ? asked.ticket : undefined;
  /** A code refused with the server's word on when a new one may be asked for: the button counts down to it. */
  const followRefusal = (error: unknown) => {
    const seconds = error instanceof ApiError ? error.code.newCodeInSeconds : undefined;
    if (seconds === undefined) return;
    setResendAt(Date.now() + seconds * 1000);
    setNow(Date.now());
  };
  return { sent, demoSms, request, waitSeconds, ticket, followRefusal };
}

/** "Send a new code", or how long until one may be sent. */
function resendLabel(t: ReturnType<typeof useT>, sent: boolean, waitSeconds: number): string {
  if (waitSeconds > 0) return t('signIn.resendIn', { seconds: waitSeconds });
  return sent ? t('signIn.resend') : t('signIn.sendCode');
}

/**
 * Sign-in by phone and SMS code. A session that ended (expired, or signed out from elsewhere) comes
 * back here with the phone filled in and says why, so the next step is one tap: send the code.
 */
export function SignInScreen({ onSignedIn, ended = false }: { onSignedIn: (s: Session) => void; ended?: boolean }): JSX.Element {
  const t = useT();
  const [phone, setPhone] = useState(savedPhone);
  const [code, setCode] = useState('');
  const { sent, demoSms, request, waitSeconds, ticket, followRefusal } = useCodeRequest(phone);
  const verify = useAction(async () => {
    try {
      const session = await ok(client.POST('/api/v1/sign-in/session', { body: { phone, code, ticket } }));
      savePhone(phone);
      onSignedIn(session);
    } catch (error) {
      followRefusal(error);
      throw error;
    }
  });
  return (
    <Card title={t('signIn.title')}>
      {ended && (
        <div class="notice notice-info" role="status" data-testid="session-ended">
          {t('signIn.ended')}
        </div>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void (sent ? verify.run() : request.run());
        }}
      >
        <Field label={t('field.phone')} error={fieldError(request.error, 'phone')}>
          <input name="phone" type="tel" inputMode="tel" autocomplete="tel" required value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
        </Field>
        <CodeField sent={sent} code={code} onCode={setCode} error={verify.error} demoSms={demoSms} />
        <ErrorNotice error={request.error} />
        {sent && <ErrorNotice error={verify.error} />}
        <button class="primary wide" type="submit" disabled={request.busy || verify.busy || (!sent && waitSeconds > 0)}>
          {sent ? t('signIn.submit') : resendLabel(t, false, waitSeconds)}
        </button>
        {sent && (
          <button type="button" class="link" data-testid="resend" onClick={() => void request.run()} disabled={waitSeconds > 0 || request.busy}>
            {resendLabel(t, true, waitSeconds)}
          </button>
        )}
      </form>
      <p class="muted">
        {t('signIn.noAccount')} <a href="#/register">{t('register.title')}</a>
      </p>
      <p class="muted">
        {t('visitor.elsewhere')} <a href="#/visitor">{t('visitor.title')}</a>
      </p>
    </Card>
  );
}

export interface IdentityInput {
  name: string;
  idType: (typeof ID_TYPES)[number];
  idNumber: string;
  idCountry: string;
  address: { region: string; detail: string };
}

export const emptyIdentity = (): IdentityInput => ({ name: '', idType: 'resident_id', idNumber: '', idCountry: '', address: { region: '', detail: '' } });

/** The identity fields shared by registration and adding a household member. */
export function IdentityFields({ value, onChange, error }: { value: IdentityInput; onChange: (v: IdentityInput) => void; error: unknown }): JSX.Element {
  const t = useT();
  return (
    <>
      <Field label={t('field.name')} error={fieldError(error, 'name')}>
        <input name="name" required autocomplete="name" value={value.name} onInput={(e) => onChange({ ...value, name: e.currentTarget.value })} />
      </Field>
      <Field label={t('field.idType')} error={fieldError(error, 'idType')}>
        <select name="idType" value={value.idType} onChange={(e) => onChange({ ...value, idType: e.currentTarget.value as IdentityInput['idType'] })}>
          {ID_TYPES.map((type) => (
            <option value={type}>{t(`idType.${type}`)}</option>
          ))}
        </select>
      </Field>
      <Field label={t('field.idNumber')} error={fieldError(error, 'idNumber')}>
        <input name="idNumber" required autocomplete="off" value={value.idNumber} onInput={(e) => onChange({ ...value, idNumber: e.currentTarget.value })} />
      </Field>
      {value.idType === 'passport' && (
        <Field label={t('field.idCountry')} hint={t('field.idCountryHint')} error={fieldError(error, 'idCountry')}>
          <input name="idCountry" maxLength={3} value={value.idCountry} onInput={(e) => onChange({ ...value, idCountry: e.currentTarget.value.toUpperCase() })} />
        </Field>
      )}
      <Field label={t('field.addressRegion')} error={fieldError(error, 'address.region')}>
        <RegionPicker value={value.address.region} onChange={(region) => onChange({ ...value, address: { ...value.address, region } })} />
      </Field>
      <Field label={t('field.addressDetail')} error={fieldError(error, 'address.detail')}>
        <input name="addressDetail" required autocomplete="street-address" value={value.address.detail} onInput={(e) => onChange({ ...value, address: { ...value.address, detail: e.currentTarget.value } })} />
      </Field>
    </>
  );
}

/** The identity as registration and adding a household member send it. */
export type IdentityBody = Omit<BodyOf<'/api/v1/residents/{id}/dependents'>, 'relationship'>;

export function identityBody(v: IdentityInput): IdentityBody {
  return { name: v.name, idType: v.idType, idNumber: v.idNumber.trim(), ...(v.idType === 'passport' && v.idCountry ? { idCountry: v.idCountry } : {}), address: v.address };
}

/** A phone proven by the code sent to it, as a form that then sends the code with everything else asks for. */
export function PhoneProofFields({
  phone,
  onPhone,
  code,
  onCode,
  request,
  submitError,
}: {
  phone: string;
  onPhone: (phone: string) => void;
  code: string;
  onCode: (code: string) => void;
  request: ReturnType<typeof useCodeRequest>;
  submitError: unknown;
}): JSX.Element {
  const t = useT();
  const { sent, demoSms, request: sendCode, waitSeconds } = request;
  return (
    <>
      <Field label={t('field.phone')} hint={t('register.codeFirst')} error={fieldError(sendCode.error, 'phone') ?? fieldError(submitError, 'phone')}>
        <input name="phone" type="tel" inputMode="tel" autocomplete="tel" required value={phone} onInput={(e) => onPhone(e.currentTarget.value)} />
      </Field>
      <button type="button" data-testid="send-code" onClick={() => void sendCode.run()} disabled={sendCode.busy || phone.trim() === '' || waitSeconds > 0}>
        {resendLabel(t, sent, waitSeconds)}
      </button>
      <ErrorNotice error={sendCode.error} />
      <CodeField sent={sent} code={code} onCode={onCode} error={submitError} demoSms={demoSms} />
    </>
  );
}

/**
 * Registration starts with proof of the phone: a code is sent to it, and the form goes with the code.
 * The answer signs the new resident in.
 */
export function RegisterScreen({ onRegistered }: { onRegistered: (s: Session) => void }): JSX.Element {
  const t = useT();
  const [identity, setIdentity] = useState(emptyIdentity);
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [consent, setConsent] = useState(false);
  const codeRequest = useCodeRequest(phone);
  const { sent, ticket } = codeRequest;
  const submit = useAction(async () => {
    let registered: Answer<'/api/v1/residents', 'post'>;
    try {
      registered = await ok(client.POST('/api/v1/residents', { body: { ...identityBody(identity), phone, code, ticket } }));
    } catch (error) {
      codeRequest.followRefusal(error);
      throw error;
    }
    savePhone(phone);
    onRegistered(registered.session);
  });
  return (
    <Card title={t('register.title')}>
      <p class="muted">{t('register.why')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run();
        }}
      >
        <IdentityFields value={identity} onChange={setIdentity} error={submit.error} />
        <PhoneProofFields phone={phone} onPhone={setPhone} code={code} onCode={setCode} request={codeRequest} submitError={submit.error} />
        <label class="check">
          <input type="checkbox" name="consent" checked={consent} onChange={(e) => setConsent(e.currentTarget.checked)} required />
          <span>{t('register.consent')}</span>
        </label>
        <ErrorNotice error={submit.error} />
        <button class="primary wide" type="submit" disabled={submit.busy || !consent || !sent}>
          {t('register.submit')}
        </button>
      </form>
      <p class="muted">
        {t('register.haveAccount')} <a href="#/sign-in">{t('signIn.title')}</a>
      </p>
    </Card>
  );
}
