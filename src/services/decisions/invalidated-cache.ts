import { LRUCache } from 'lru-cache';
import type { Change, ChangeFeed } from '../../store/change-feed.js';

/**
 * A bounded in-memory map kept true by the change feed: it forgets the keys a change names (or all
 * of them), and never answers while the feed cannot vouch that no change was missed. A value read
 * before a change and stored after it would be stale, so `set` takes the watermark `watermark()` gave before the
 * read began, and keeps nothing if any change was heard since.
 */
export class InvalidatedCache<V extends object> {
  readonly #entries: LRUCache<string, V> | undefined;
  /** Changes heard that touched what is kept here: a value read at one watermark is stored only at the same one. */
  #watermark = 0;

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
      this.#watermark += 1;
      if (keys === 'all') this.#entries?.clear();
      else for (const key of keys) this.#entries?.delete(key);
    });
  }

  get(key: string): V | undefined {
    if (this.#entries === undefined || !this.feed.upToDate()) return undefined;
    return this.#entries.get(key);
  }

  /** Taken before reading what will be stored. */
  watermark(): number {
    return this.#watermark;
  }

  set(key: string, value: V, watermark: number): void {
    if (this.#entries === undefined || !this.feed.upToDate() || watermark !== this.#watermark) return;
    this.#entries.set(key, value);
  }

  delete(key: string): void {
    this.#watermark += 1;
    this.#entries?.delete(key);
  }
}
