import type { OutboxStore } from '../store/residents/outbox-store.js';
import type { ResidentLookupsStore } from '../store/residents/resident-lookups-store.js';
import type { Clock } from '../domain/clock.js';
import type { Meter, SmsPurpose } from './meter.js';

/**
 * Who uses the recipient phone, when the sender has just looked it up: the district of its resident,
 * undefined when no account uses it.
 */
export interface KnownRecipient {
  region: string | undefined;
}

/** Sends a text message to a phone; a real SMS gateway implements this in production. */
export interface SmsSender {
  /**
   * `purpose` is for counting only (a notice unless said): the gateway sends every text alike.
   * `recipient`: what the caller already knows of the phone's account, so it is not looked up again.
   */
  send(toE164: string, text: string, purpose?: SmsPurpose, recipient?: KnownRecipient): Promise<void>;
}

/** Counts each text once it is handed to `sender`, by purpose (never by recipient). */
export function meteredSmsSender(sender: SmsSender, meter: Meter): SmsSender {
  return {
    send: async (toE164, text, purpose = 'notice', recipient) => {
      await sender.send(toE164, text, purpose, recipient);
      meter.smsSent(purpose);
    },
  };
}

/** The default provider: writes messages to the outbox table, where the operator reads them (`healthcode outbox`). */
export class OutboxSmsSender implements SmsSender {
  constructor(
    private readonly outbox: OutboxStore,
    private readonly clock: Clock,
    private readonly newId: () => string,
    /** Finds the district of the recipient's resident, whose key the message is kept under. */
    private readonly residents?: ResidentLookupsStore,
  ) {}

  async send(toE164: string, text: string, _purpose?: SmsPurpose, recipient?: KnownRecipient): Promise<void> {
    // A sign-in code's sender has just looked the phone up (every registration asks for one): not asked twice.
    const region = recipient !== undefined ? recipient.region : (await this.residents?.findByPhone(toE164))?.region;
    await this.outbox.insert({ id: this.newId(), channel: 'sms', recipient: toE164, body: text, createdAt: this.clock.now().getTime() }, region);
  }
}
