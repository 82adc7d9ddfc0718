import { MINUTE_MS } from '../clock.js';

/**
 * When a checkpoint device was last heard from, to bound the scan times it may claim. A device
 * uploads its offline queue, oldest first, as soon as it reaches the server; so a scan it claims
 * from before it last reached the server should have been uploaded then. Uploads a few seconds
 * apart are one drain of the queue: during a drain, scans back to the contact before it are
 * expected; once a drain has run long enough to empty any queue, only scans since it began are.
 */
export interface CheckpointDeviceContact {
  /** The device's latest request. */
  last: number;
  /** When the current run of requests (a drain) began. */
  runStart: number;
  /** The last request before that run: the device had uploaded its queue by then. */
  beforeRun: number;
}

/** Requests further apart than this start a new run. */
export const DRAIN_GAP_MS = 2 * MINUTE_MS;
/** A queue of tens of thousands of scans uploads within this; longer runs are a device staying online. */
export const MAX_DRAIN_MS = 10 * MINUTE_MS;

export const firstContact = (at: number): CheckpointDeviceContact => ({ last: at, runStart: at, beforeRun: at });

/** The contact record once a request arrives at `now`, and the earliest scan time that request can honestly claim. */
export function contactAt(previous: CheckpointDeviceContact, now: number): { contact: CheckpointDeviceContact; earliestScan: number } {
  const contact = now - previous.last > DRAIN_GAP_MS ? { last: now, runStart: now, beforeRun: previous.last } : { ...previous, last: Math.max(previous.last, now) };
  return { contact, earliestScan: now - contact.runStart > MAX_DRAIN_MS ? contact.runStart : contact.beforeRun };
}
