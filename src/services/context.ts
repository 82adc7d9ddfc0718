import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import type { Mode } from '../config.js';
import { deriveSubkey, FieldCipher } from '../privacy/field-cipher.js';
import type { Store } from '../store/database.js';
import { OutboxStore } from '../store/outbox-store.js';
import { OutboxSmsSender, type SmsSender } from './sms-sender.js';

export interface ServiceSettings {
  mode: Mode;
  timeZone: string;
  sessionTtlSeconds: number;
  signInCodeTtlSeconds: number;
  /** Lifetime of a signed QR token. */
  tokenTtlSeconds: number;
}

/** Everything a use case needs from outside: storage, time, keys, senders, settings. */
export interface ServiceContext {
  store: Store;
  clock: Clock;
  cipher: FieldCipher;
  sessionKey: Uint8Array;
  /** Encrypts resident ids into token subjects, so a code names nobody to anyone but us. */
  subjectKey: Buffer;
  sms: SmsSender;
  logger: Logger;
  settings: ServiceSettings;
  newId: () => string;
}

export interface ContextOptions {
  store: Store;
  clock: Clock;
  dataKey: Buffer;
  logger: Logger;
  settings: ServiceSettings;
  sms?: SmsSender;
  newId?: () => string;
}

export function createContext(options: ContextOptions): ServiceContext {
  const cipher = new FieldCipher(options.dataKey);
  const newId = options.newId ?? randomUUID;
  return {
    store: options.store,
    clock: options.clock,
    cipher,
    sessionKey: deriveSubkey(options.dataKey, 'session signing'),
    subjectKey: deriveSubkey(options.dataKey, 'token subject'),
    sms: options.sms ?? new OutboxSmsSender(new OutboxStore(options.store.db, cipher), options.clock, newId),
    logger: options.logger,
    settings: options.settings,
    newId,
  };
}
