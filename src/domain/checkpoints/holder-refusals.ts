/**
 * Refusals only the issuing server can give, knowing who holds a code: its resident deleted the
 * account, or their region's sunset destroyed their data. A checkpoint offline cannot tell; the
 * server's answer (online, or to an upload) says so, and the scanner words it for the guard.
 */
export const HOLDER_REFUSALS = ['holder-gone'] as const;
export type HolderRefusal = (typeof HOLDER_REFUSALS)[number];
export const HOLDER_GONE: HolderRefusal = 'holder-gone';
