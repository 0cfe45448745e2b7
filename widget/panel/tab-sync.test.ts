import { describe, expect, it } from 'vitest';
import { EMPTY_VISITOR, visitorKey, type VisitorRecord } from '../shared/visitor-store.ts';
import type { StorageChange } from './panel-deps.ts';
import { announceClosed, closedKeyOf, mergeFromOtherTab, readTabChange } from './tab-sync.ts';
import { StorageHub } from './testing/storage-hub.ts';

const KEY = visitorKey('https://chat.example', 'demo');
const RECORD: VisitorRecord = {
  ...EMPTY_VISITOR,
  threadId: 'thread-1',
  visitorToken: `vt_${'x'.repeat(43)}`,
  email: 'ada@example.com',
  senderId: 'visitor:v-1',
  appliedSeq: 10,
  unread: 0,
};

/** Two tabs of one site, and what the second hears of the first's writes. */
function twoTabs() {
  const hub = new StorageHub();
  const first = hub.tab();
  const second = hub.tab();
  const heard: StorageChange[] = [];
  hub.watch(second, (change) => heard.push(change));
  return { first, second, heard };
}

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('readTabChange', () => {
  it('reads another tab’s visitor record, checked like a stored one', () => {
    expect(readTabChange(KEY, { key: KEY, newValue: JSON.stringify(RECORD) })).toEqual({ kind: 'record', record: RECORD });
    // Damaged, or someone else's key: nothing to follow.
    expect(readTabChange(KEY, { key: KEY, newValue: '{"unread":"lots"}' })).toBeNull();
    expect(readTabChange(KEY, { key: KEY, newValue: 'not json' })).toBeNull();
    expect(readTabChange(KEY, { key: visitorKey('https://chat.example', 'other'), newValue: JSON.stringify(RECORD) })).toBeNull();
  });

  it('reads the record removed (AMA2Chat.reset() there) or the storage cleared as the visitor forgotten', () => {
    expect(readTabChange(KEY, { key: KEY, newValue: null })).toEqual({ kind: 'forgotten' });
    expect(readTabChange(KEY, { key: null, newValue: null })).toEqual({ kind: 'forgotten' });
    expect(readTabChange(KEY, { key: visitorKey('https://chat.example', 'other'), newValue: null })).toBeNull();
  });

  it('reads a close as the signal being set, not as its removal', () => {
    expect(readTabChange(KEY, { key: closedKeyOf(KEY), newValue: '1' })).toEqual({ kind: 'closed' });
    expect(readTabChange(KEY, { key: closedKeyOf(KEY), newValue: null })).toBeNull();
    expect(readTabChange(KEY, { key: closedKeyOf(KEY), newValue: 'something else' })).toBeNull();
  });
});

describe('announceClosed', () => {
  it('is heard by the other tab as one close, every time, and leaves nothing in storage', async () => {
    const { first, second, heard } = twoTabs();
    announceClosed(first, KEY);
    announceClosed(first, KEY);
    await flush();
    const closes = heard.map((change) => readTabChange(KEY, change)).filter((change) => change !== null);
    expect(closes).toEqual([{ kind: 'closed' }, { kind: 'closed' }]);
    expect(second.length).toBe(0);
  });

  it('does nothing (and throws nothing) where storage is missing or refuses', () => {
    expect(() => announceClosed(null, KEY)).not.toThrow();
    const full = {
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
      removeItem: () => undefined,
    } as unknown as Storage;
    expect(() => announceClosed(full, KEY)).not.toThrow();
  });
});

describe('mergeFromOtherTab', () => {
  it('moves the read position forward and takes the other tab’s unread count', () => {
    expect(mergeFromOtherTab({ ...RECORD, unread: 2 }, { ...RECORD, appliedSeq: 14, unread: 0 }, false)).toEqual({
      ...RECORD,
      appliedSeq: 14,
      unread: 0,
    });
    expect(mergeFromOtherTab(RECORD, { ...RECORD, unread: 3 }, false)).toEqual({ ...RECORD, unread: 3 });
  });

  it('never moves the read position back, nor takes a count made from an older one', () => {
    // The other tab counted 2 unread from seq 8; this tab has read up to 10 since.
    expect(mergeFromOtherTab(RECORD, { ...RECORD, appliedSeq: 8, unread: 2 }, false)).toEqual(RECORD);
  });

  it('keeps nothing unread while the panel is open here', () => {
    expect(mergeFromOtherTab(RECORD, { ...RECORD, appliedSeq: 12, unread: 2 }, true)).toEqual({ ...RECORD, appliedSeq: 12, unread: 0 });
  });

  it('takes the new token of a tab whose visitor became verified (the old one is revoked), never the other way', () => {
    const verified = { ...RECORD, visitorToken: `vt_${'y'.repeat(43)}`, verified: true, email: 'ada@shop.example', name: 'Ada' };
    expect(mergeFromOtherTab(RECORD, verified, false)).toEqual({ ...verified, appliedSeq: 10 });
    // A tab that has not heard yet writes the old token: the verified tab keeps its own.
    expect(mergeFromOtherTab(verified, RECORD, false)).toEqual(verified);
  });

  it('keeps the email offered on leaving in either tab as offered (once per conversation)', () => {
    const offered = { ...RECORD, leaveAsked: 'thread-1' };
    expect(mergeFromOtherTab(RECORD, offered, false)?.leaveAsked).toBe('thread-1');
    // A tab that has not heard yet writes its record without it: the offer stays made.
    expect(mergeFromOtherTab(offered, RECORD, false)?.leaveAsked).toBe('thread-1');
  });

  it('leaves a record about another conversation (or none yet) alone', () => {
    expect(mergeFromOtherTab(RECORD, { ...RECORD, threadId: 'thread-2' }, false)).toBeNull();
    expect(mergeFromOtherTab({ ...RECORD, threadId: null }, RECORD, false)).toBeNull();
  });
});
