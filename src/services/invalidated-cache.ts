import { LRUCache } from 'lru-cache';
import type { Change, ChangeFeed } from '../store/change-feed.js';

/**
 * A bounded in-memory map kept true by the change feed: it forgets the keys a change names (or all
 * of them), and never answers while the feed cannot vouch that no change was missed. A value read
 * before a change and stored after it would be stale, so `set` takes the mark `mark()` gave before the
 * read began, and keeps nothing if any change was heard since.
 */
export class InvalidatedCache<V extends object> {
  readonly #entries: LRUCache<string, V> | undefined;
  #epoch = 0;

  constructor(
    private readonly feed: ChangeFeed,
    maxEntries: number,
    /** The keys a change makes wrong, or 'all'; undefined when it touches nothing kept here. */
    affected: (change: Change) => string[] | 'all' | undefined,
  ) {
    this.#entries = maxEntries > 0 ? new LRUCache<string, V>({ max: maxEntries }) : undefined;
    feed.subscribe((change) => {
      const keys = change.kind === 'everything' ? 'all' : affected(change);
      if (keys === undefined) return;
      this.#epoch += 1;
      if (keys === 'all') this.#entries?.clear();
      else for (const key of keys) this.#entries?.delete(key);
    });
  }

  get(key: string): V | undefined {
    if (this.#entries === undefined || !this.feed.upToDate()) return undefined;
    return this.#entries.get(key);
  }

  /** Taken before reading what will be stored. */
  mark(): number {
    return this.#epoch;
  }

  set(key: string, value: V, mark: number): void {
    if (this.#entries === undefined || !this.feed.upToDate() || mark !== this.#epoch) return;
    this.#entries.set(key, value);
  }

  delete(key: string): void {
    this.#epoch += 1;
    this.#entries?.delete(key);
  }
}
