import { loadSaved, save } from '../shared/api.js';

import type { Session } from '../../../src/http/api-types.js';

export type { Session };

const KEY = 'healthcode.resident.session';

/** The signed-in session, if it has not expired. */
export function savedSession(now = Date.now()): Session | null {
  const s = loadSaved<Session | null>(KEY, null);
  return s && Date.parse(s.expiresAt) > now ? s : null;
}

export function saveSession(session: Session | null): void {
  save(KEY, session);
}
