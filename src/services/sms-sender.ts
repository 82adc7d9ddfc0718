import type { OutboxStore } from '../store/residents/outbox-store.js';
import type { ResidentLookupsStore } from '../store/residents/resident-lookups-store.js';
import type { Clock } from '../domain/clock.js';
import type { Meter, SmsPurpose } from './meter.js';

/** Sends a text message to a phone; a real SMS gateway implements this in production. */
export interface SmsSender {
  /** `purpose` is for counting only (a notice unless said): the gateway sends every text alike. */
  send(toE164: string, text: string, purpose?: SmsPurpose): Promise<void>;
}

/** Counts each text once it is handed to `sender`, by purpose (never by recipient). */
export function meteredSmsSender(sender: SmsSender, meter: Meter): SmsSender {
  return {
    send: async (toE164, text, purpose = 'notice') => {
      await sender.send(toE164, text, purpose);
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

  async send(toE164: string, text: string): Promise<void> {
    const region = (await this.residents?.findByPhone(toE164))?.region;
    await this.outbox.insert({ id: this.newId(), channel: 'sms', recipient: toE164, body: text, createdAt: this.clock.now().getTime() }, region);
  }
}
