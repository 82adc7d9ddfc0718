import { ApiError, bearer, client, loadSaved, ok, save, type Answer } from '../shared/api.js';
import { forgetOfflinePasses } from './offline-pass.js';

/** A signed-in resident's session, as the sign-in answers it. */
export type Session = Answer<'/api/v1/sign-in/session', 'post'>;

const KEY = 'healthcode.resident.session';
const DEVICE_KEY = 'healthcode.resident.device';
/** The phone last signed in with here: a session that ends asks for it again already filled in. */
const PHONE_KEY = 'healthcode.resident.phone';

export function savedPhone(): string {
  return loadSaved<string>(PHONE_KEY, '');
}

export function savePhone(phone: string | null): void {
  save(PHONE_KEY, phone);
}

/** This phone, remembered: the credential that opens a new session when the last one has ended. */
export interface RememberedDevice {
  id: string;
  refreshToken: string;
}

/** The signed-in session, if it has not expired. */
export function savedSession(now = Date.now()): Session | null {
  const s = loadSaved<Session | null>(KEY, null);
  return s && Date.parse(s.expiresAt) > now ? s : null;
}

/** A session was saved here and has since expired: the app says so on the sign-in screen. */
export function sessionExpiredHere(now = Date.now()): boolean {
  const s = loadSaved<Session | null>(KEY, null);
  return s !== null && Date.parse(s.expiresAt) <= now;
}

export function saveSession(session: Session | null): void {
  save(KEY, session);
}

export function savedDevice(): RememberedDevice | null {
  return loadSaved<RememberedDevice | null>(DEVICE_KEY, null);
}

function saveDevice(device: RememberedDevice | null): void {
  save(DEVICE_KEY, device);
}

/** What the resident will recognise this device by in "Me": the browser and the system. */
export function deviceLabel(userAgent = navigator.userAgent): string {
  const browser = /Edg\//.test(userAgent) ? 'Edge' : /MicroMessenger/.test(userAgent) ? 'WeChat' : /Chrome\//.test(userAgent) ? 'Chrome' : /Firefox\//.test(userAgent) ? 'Firefox' : /Safari\//.test(userAgent) ? 'Safari' : 'Browser';
  const system = /iPhone|iPad/.test(userAgent) ? 'iOS' : /Android/.test(userAgent) ? 'Android' : /Windows/.test(userAgent) ? 'Windows' : /Mac OS X/.test(userAgent) ? 'macOS' : /Linux/.test(userAgent) ? 'Linux' : '';
  return system ? `${browser} · ${system}` : browser;
}

/** Remembers this device for a session just opened with an SMS code; failing that, the session still stands. */
export async function rememberThisDevice(session: Session): Promise<void> {
  try {
    const device = await ok(client.POST('/api/v1/devices', { headers: bearer(session.token), body: { label: deviceLabel() } }));
    saveDevice({ id: device.id, refreshToken: device.refreshToken });
  } catch {
    saveDevice(null);
  }
}

/**
 * A new session through the remembered device, or null when the server refused the device (signed out
 * elsewhere, or too long unused), which forgets it. Not reached (no network, a busy or failing server)
 * throws, and keeps the device for the next try. `refused` is the session the server just turned away,
 * never handed back.
 */
export async function refreshSession(refused?: string): Promise<Session | null> {
  // One refresh at a time, across this app's tabs too: the server signs the device out when one
  // credential is shown twice, as it would be if two refreshes raced with it.
  const run = () => refreshOnce(refused);
  return typeof navigator !== 'undefined' && navigator.locks ? navigator.locks.request('healthcode.resident.refresh', run) : run();
}

async function refreshOnce(refused: string | undefined): Promise<Session | null> {
  // A refresh that waited its turn finds the session the one before it opened.
  const opened = savedSession();
  if (opened && opened.token !== refused) return opened;
  const device = savedDevice();
  if (!device) return null;
  try {
    const answer = await ok(client.POST('/api/v1/sign-in/refresh', { body: { refreshToken: device.refreshToken } }));
    saveDevice({ id: answer.device.id, refreshToken: answer.device.refreshToken });
    saveSession(answer.session);
    return answer.session;
  } catch (error) {
    // Only a refused credential forgets the phone. At the rush hour a busy server answers 429 or 503 to
    // many at once: forgetting then would send every remembered phone back to an SMS code, at the peak.
    if (error instanceof ApiError && (error.status === 400 || error.status === 401)) {
      saveDevice(null);
      return null;
    }
    throw error;
  }
}

/** Signing out on this device signs the device out too: it opens nothing more. */
export async function forgetThisDevice(session: Session | null): Promise<void> {
  const device = savedDevice();
  saveDevice(null);
  saveSession(null);
  // Signed out on purpose (a borrowed or shared phone, say): the next person types their own number.
  savePhone(null);
  await forgetOfflinePasses().catch(() => undefined);
  if (device && session) await ok(client.DELETE('/api/v1/devices/{deviceId}', { params: { path: { deviceId: device.id } }, headers: bearer(session.token) })).catch(() => undefined);
}
