import { wireTime } from '../../src/http/wire.js';

/**
 * A session as the resident app keeps it in storage: as the API sent it, its expiry in the wire's
 * text. Services hand out epoch ms; a browser story that seeds a signed-in phone must store what
 * the app itself would have stored.
 */
export function asTheAppKeepsIt<S extends { expiresAt: number }>(session: S): Omit<S, 'expiresAt'> & { expiresAt: string } {
  return { ...session, expiresAt: wireTime(session.expiresAt) };
}
