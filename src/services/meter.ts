import type { Colour } from '../domain/colour.js';

/** Where a code shown came from: kept in this process's memory, or read (and perhaps decided) from the database. */
export type ServedFrom = 'memory' | 'database';
/** What an SMS was sent for: a sign-in or registration code (under the total limit), or a notice. */
export type SmsPurpose = 'sign-in-code' | 'notice';
/** Which limit refused a sign-in code: the phone's own back-off, or what the gateway may send in all. */
export type SmsLimit = 'per-phone' | 'total';
/** Why a scan was refused: the verifier's reason, the venue's policy, or a row that was not well formed. */
export type ScanOutcome = 'accepted' | 'refused';

/**
 * What use cases tell operators as it happens, in words of the domain only: no resident, phone or
 * token ever passes through here. The HTTP layer implements it with Prometheus counters; use cases
 * never see prom-client.
 */
export interface Meter {
  codeShown(colour: Colour, servedFrom: ServedFrom): void;
  decisionsMade(count: number): void;
  scanChecked(outcome: ScanOutcome, reason: string): void;
  smsSent(purpose: SmsPurpose): void;
  smsRefused(limit: SmsLimit): void;
}

/**
 * The meter use cases are given: it forwards to whatever meters are attached (the app's metrics),
 * and to none while none is, so the services are built before, and without, any metrics.
 */
export class MeterRelay implements Meter {
  readonly #meters = new Set<Meter>();

  /** Starts forwarding to `meter`; the returned function stops it. */
  attach(meter: Meter): () => void {
    this.#meters.add(meter);
    return () => this.#meters.delete(meter);
  }

  codeShown(colour: Colour, servedFrom: ServedFrom): void {
    for (const m of this.#meters) m.codeShown(colour, servedFrom);
  }

  decisionsMade(count: number): void {
    for (const m of this.#meters) m.decisionsMade(count);
  }

  scanChecked(outcome: ScanOutcome, reason: string): void {
    for (const m of this.#meters) m.scanChecked(outcome, reason);
  }

  smsSent(purpose: SmsPurpose): void {
    for (const m of this.#meters) m.smsSent(purpose);
  }

  smsRefused(limit: SmsLimit): void {
    for (const m of this.#meters) m.smsRefused(limit);
  }
}
