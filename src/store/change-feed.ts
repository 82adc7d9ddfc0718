import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

/**
 * A change that makes what a process keeps in memory wrong. `everything` is heard when this process
 * may have missed changes (its PostgreSQL listener reconnected) or when a change is too large to name.
 */
export type Change =
  | { kind: 'decisions'; residentIds: string[] }
  | { kind: 'session-ended'; sessionId: string }
  | { kind: 'rules' }
  | { kind: 'keys' }
  /** A region's sunset ran: its residents' sessions, codes and district keys are gone (`prefix` of their codes). */
  | { kind: 'region-ended'; prefix: string }
  | { kind: 'everything' };

export type ChangeListener = (change: Change) => void;

/** The change a transaction announces, or how to tell it from what the work returned (who was touched is known only then). */
export type Announcement<T> = Change | ((result: T) => Change);

const announced = <T>(change: Announcement<T>, result: T): Change => (typeof change === 'function' ? change(result) : change);

/** More resident ids than fit a NOTIFY payload (8000 bytes) comfortably: say `everything` instead. */
const MAX_NAMED_RESIDENTS = 100;

/**
 * Tells every process serving the same database of changes to what they cache: rule publications,
 * key rotations, sign-outs and residents' new decisions. On PostgreSQL through LISTEN/NOTIFY; on
 * SQLite one process serves the database, so the feed stays within it.
 */
export interface ChangeFeed {
  /**
   * Catches up with changes made by other processes, and says whether this process knows of them
   * all now. While false (the listener is reconnecting), caches must not answer: they could be
   * missing a change.
   */
  upToDate(): boolean;
  /** How often the listener has connected again after losing its connection (PostgreSQL); absent where there is none. */
  reconnects?(): number;
  subscribe(listener: ChangeListener): () => void;
  /**
   * Runs `work` in one transaction that announces `change` to other processes when it commits (a
   * NOTIFY is delivered on commit, or never), then tells this process, after the commit: a reader here
   * cannot cache the old state again in between.
   */
  commit<T>(db: Kysely<Database>, change: Announcement<T>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

interface Envelope {
  origin: string;
  change: Change;
}

function bounded(change: Change): Change {
  return change.kind === 'decisions' && change.residentIds.length > MAX_NAMED_RESIDENTS ? { kind: 'everything' } : change;
}

class Listeners {
  readonly #listeners = new Set<ChangeListener>();

  add(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  tell(change: Change): void {
    for (const listener of this.#listeners) listener(change);
  }
}

/**
 * SQLite: changes made in this process are heard at once. Another process writing the same file (a
 * CLI import beside the server) shows as a new `data_version`, which SQLite keeps in shared memory
 * and this process reads before a cache answers, at most once a millisecond (reading it costs a
 * few microseconds); all it learns is that something changed.
 */
export class LocalChangeFeed implements ChangeFeed {
  readonly #listeners = new Listeners();
  #seen: number | undefined;
  #readAt = 0;

  constructor(private readonly dataVersion: () => number = () => 0) {
    this.#seen = dataVersion();
  }

  upToDate(): boolean {
    const now = performance.now();
    if (now - this.#readAt < 1) return true;
    this.#readAt = now;
    const version = this.dataVersion();
    if (version !== this.#seen) {
      this.#seen = version;
      this.#listeners.tell({ kind: 'everything' });
    }
    return true;
  }

  subscribe(listener: ChangeListener): () => void {
    return this.#listeners.add(listener);
  }

  async commit<T>(db: Kysely<Database>, change: Announcement<T>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    const result = await db.transaction().execute(work);
    this.#listeners.tell(bounded(announced(change, result)));
    return result;
  }

  async close(): Promise<void> {}
}

export interface PostgresFeedOptions {
  /** A new client on the same database and schema, for the listening connection. */
  client: () => pg.Client;
  /** The schema: NOTIFY channels are per database, and tests share one database between schemas. */
  schema: string;
  /** Listen for other processes' changes; a process that only makes changes (a CLI command) need not. */
  listen: boolean;
  reconnectMs?: number;
  onError?: (error: Error) => void;
}

/** PostgreSQL LISTEN/NOTIFY on a channel per schema; a lost listener reconnects and then hears `everything`. */
export class PostgresChangeFeed implements ChangeFeed {
  readonly #origin = randomUUID();
  readonly #listeners = new Listeners();
  readonly #channel: string;
  #client: pg.Client | undefined;
  #live: boolean;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;
  #connections = 0;

  private constructor(private readonly options: PostgresFeedOptions) {
    // An identifier of at most 63 bytes; a schema named oddly (by search_path) cannot break out of the quotes.
    this.#channel = `healthcode_changes_${options.schema.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
    this.#live = !options.listen;
  }

  static async open(options: PostgresFeedOptions): Promise<PostgresChangeFeed> {
    const feed = new PostgresChangeFeed(options);
    if (options.listen) await feed.#connect();
    return feed;
  }

  upToDate(): boolean {
    return this.#live;
  }

  reconnects(): number {
    return Math.max(0, this.#connections - 1);
  }

  subscribe(listener: ChangeListener): () => void {
    return this.#listeners.add(listener);
  }

  async commit<T>(db: Kysely<Database>, change: Announcement<T>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    let told: Change = { kind: 'everything' };
    const result = await db.transaction().execute(async (trx) => {
      const value = await work(trx);
      told = bounded(announced(change, value));
      const payload: Envelope = { origin: this.#origin, change: told };
      await sql`select pg_notify(${this.#channel}, ${JSON.stringify(payload)})`.execute(trx);
      return value;
    });
    this.#listeners.tell(told);
    return result;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    this.#live = false;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = this.options.client();
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client));
    client.on('notification', (message) => {
      if (message.channel === this.#channel && message.payload !== undefined) this.#heard(message.payload);
    });
    await client.connect();
    await client.query(`listen "${this.#channel}"`);
    if (this.#closed) {
      await client.end();
      return;
    }
    this.#client = client;
    this.#live = true;
    this.#connections += 1;
    // Whatever changed while nobody listened is unknown: forget it all.
    this.#listeners.tell({ kind: 'everything' });
  }

  #heard(text: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      return;
    }
    if (envelope.origin !== this.#origin) this.#listeners.tell(envelope.change ?? { kind: 'everything' });
  }

  #lost(client: pg.Client, error?: Error): void {
    if (error) this.options.onError?.(error);
    if (this.#client !== client && this.#client !== undefined) return;
    this.#client = undefined;
    this.#live = false;
    this.#listeners.tell({ kind: 'everything' });
    client.end().catch(() => undefined);
    this.#reconnectLater();
  }

  #reconnectLater(): void {
    if (this.#closed || this.#retry !== undefined) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (this.#closed || this.#client !== undefined) return;
      this.#connect().catch((error: Error) => {
        this.options.onError?.(error);
        this.#reconnectLater();
      });
    }, this.options.reconnectMs ?? 1000);
    this.#retry.unref();
  }
}
