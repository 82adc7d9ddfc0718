import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidatedCache } from '../../../src/services/decisions/invalidated-cache.js';
import type { Change, ChangeFeed, ChangeListener } from '../../../src/store/change-feed.js';

/** A change feed the test drives: it tells listeners what the test says, and is up to date when told. */
class DrivenFeed implements ChangeFeed {
  listeners = new Set<ChangeListener>();
  current = true;
  upToDate = () => this.current;
  subscribe(listener: ChangeListener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  commit = async () => {
    throw new Error('not used');
  };
  close = async () => undefined;
  tell(change: Change) {
    for (const listener of this.listeners) listener(change);
  }
}

const sessions = (feed: ChangeFeed, max = 10) =>
  new InvalidatedCache<{ residentId: string }>(feed, max, (change) => (change.kind === 'session-ended' ? [change.sessionId] : undefined));

describe('a cache kept true by the change feed', () => {
  it('answers with what was stored', () => {
    const cache = sessions(new DrivenFeed());
    cache.set('s1', { residentId: 'r1' }, cache.watermark());
    assert.deepEqual(cache.get('s1'), { residentId: 'r1' });
  });

  it('forgets exactly the key a change names', () => {
    const feed = new DrivenFeed();
    const cache = sessions(feed);
    cache.set('s1', { residentId: 'r1' }, cache.watermark());
    cache.set('s2', { residentId: 'r2' }, cache.watermark());
    feed.tell({ kind: 'session-ended', sessionId: 's1' });
    assert.equal(cache.get('s1'), undefined);
    assert.deepEqual(cache.get('s2'), { residentId: 'r2' });
  });

  it('forgets everything when told of changes it could not follow', () => {
    const feed = new DrivenFeed();
    const cache = sessions(feed);
    cache.set('s1', { residentId: 'r1' }, cache.watermark());
    feed.tell({ kind: 'everything' });
    assert.equal(cache.get('s1'), undefined);
  });

  it('ignores changes to what it does not hold', () => {
    const feed = new DrivenFeed();
    const cache = sessions(feed);
    cache.set('s1', { residentId: 'r1' }, cache.watermark());
    feed.tell({ kind: 'rules' });
    assert.deepEqual(cache.get('s1'), { residentId: 'r1' });
  });

  it('does not keep a value read before a change and stored after it (the race of a slow read)', () => {
    const feed = new DrivenFeed();
    const cache = sessions(feed);
    const mark = cache.watermark();
    // The read is in flight when the session ends elsewhere; its answer predates the sign-out.
    feed.tell({ kind: 'session-ended', sessionId: 's1' });
    cache.set('s1', { residentId: 'r1' }, mark);
    assert.equal(cache.get('s1'), undefined);
  });

  it('answers nothing while the feed cannot vouch that no change was missed', () => {
    const feed = new DrivenFeed();
    const cache = sessions(feed);
    cache.set('s1', { residentId: 'r1' }, cache.watermark());
    feed.current = false;
    assert.equal(cache.get('s1'), undefined);
    cache.set('s2', { residentId: 'r2' }, cache.watermark());
    feed.current = true;
    assert.equal(cache.get('s2'), undefined);
  });

  it('holds at most its bound, the least recently used going first', () => {
    const cache = sessions(new DrivenFeed(), 2);
    cache.set('s1', { residentId: 'r1' }, cache.watermark());
    cache.set('s2', { residentId: 'r2' }, cache.watermark());
    cache.get('s1');
    cache.set('s3', { residentId: 'r3' }, cache.watermark());
    assert.deepEqual([cache.get('s1')?.residentId, cache.get('s2'), cache.get('s3')?.residentId], ['r1', undefined, 'r3']);
  });

  it('keeps nothing when its bound is 0', () => {
    const cache = sessions(new DrivenFeed(), 0);
    cache.set('s1', { residentId: 'r1' }, cache.watermark());
    assert.equal(cache.get('s1'), undefined);
  });
});
