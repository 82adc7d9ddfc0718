import type { RejectionReason } from '../../codes/token-verifier.js';
import type { Colour } from '../../domain/colour.js';
import type { CardRefusal } from '../../domain/residents/paper-card.js';

/** What a checkpoint sends of a scan, and what it is told back: the shapes of the checkpoint API's answers. */

export interface ScanInput {
  scanId: string;
  token: string;
  scannedAt: string;
}

/** A scan the server timed itself (epoch ms), not from a device's text. */
export type ServerTimedScan = Omit<ScanInput, 'scannedAt'> & { scannedAt: number };

/** What a checkpoint sees of a scan: colour, validity, masked name, and whether to admit. Nothing else. */
export interface ScanOutcome {
  scanId: string;
  status: 'stored' | 'duplicate' | 'rejected';
  colour: Colour | null;
  maskedName: string | null;
  /** Epoch ms. */
  validUntil: number | null;
  admitted: boolean;
  reason: RejectionReason | 'allowed' | 'colour-not-admitted' | string;
  field?: string;
  /** Why the claimed scan time is doubted; the code was judged as of the device's last contact instead. */
  timeFlag?: string;
  /** The operator and region that issued a valid code: a visitor's home. */
  issuer?: { operator: string; operatorName: string; region: string };
  /** An offline code: when the colour given was vouched for (epoch ms, its pass's issue), now's when the server decided it afresh. */
  decidedAt?: number;
}

/** What a gate sees of a paper card: the colour now and the masked name, or why the card is refused. */
export interface CardCheck {
  colour: Colour | null;
  admitted: boolean;
  maskedName: string | null;
  /** The card's own expiry (epoch ms): the colour is as of now, not promised until then. */
  validUntil: number | null;
  reason: 'allowed' | 'colour-not-admitted' | CardRefusal;
}
