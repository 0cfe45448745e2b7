import { describe, expect, it } from 'vitest';
import { EMPTY_VISITOR, type VisitorRecord } from '../shared/visitor-store.ts';
import { outcomeOf, targetOf, type StartMode } from './resolve-outcome.ts';

const TOKEN = `vt_${'a'.repeat(43)}`;
const NEW_TOKEN = `vt_${'b'.repeat(43)}`;
const STORED: VisitorRecord = {
  ...EMPTY_VISITOR,
  threadId: 't-1',
  visitorToken: TOKEN,
  email: 'ada@example.com',
  name: 'Ada',
  senderId: 'visitor:v-1',
  appliedSeq: 9,
  unread: 2,
};

function outcome(resolved: Parameters<typeof targetOf>[1], mode: StartMode = {}, before = STORED) {
  const target = targetOf(before, resolved);
  return { target, ...outcomeOf(before, resolved, mode, target, target.senderId) };
}

describe('a start’s outcome', () => {
  it('the same thread resumed: everything read so far is kept, nothing reset', () => {
    const result = outcome({
      thread_id: 't-1',
      resumed: true,
      visitor_token: TOKEN,
      verified: false,
      email: 'ada@example.com',
      sender_id: 'visitor:v-1',
    });
    expect(result).toMatchObject({ reset: false, baselinePending: false, hiddenThroughSeq: 0 });
    expect(result.record).toEqual(STORED);
  });

  it('another thread, new, that nobody asked for: a reset (the server forgot the token); the record starts over', () => {
    const result = outcome({
      thread_id: 't-2',
      resumed: false,
      visitor_token: NEW_TOKEN,
      verified: false,
      email: 'ada@example.com',
      sender_id: 'visitor:v-9',
    });
    expect(result).toMatchObject({ reset: true, baselinePending: true });
    expect(result.record).toMatchObject({ threadId: 't-2', visitorToken: NEW_TOKEN, senderId: 'visitor:v-9', appliedSeq: 0 });
  });

  it('no reset for a first visit, "new conversation", or an identity change; a new device’s thread starts read', () => {
    const fresh = { thread_id: 't-2', resumed: false, visitor_token: NEW_TOKEN };
    expect(outcome(fresh, {}, EMPTY_VISITOR).reset).toBe(false);
    expect(outcome(fresh, { restart: { previousThread: 't-1', hideThrough: 9 } }).reset).toBe(false);
    expect(outcome(fresh, { identityChange: true }).reset).toBe(false);
    expect(outcome({ ...fresh, resumed: true }, {}, EMPTY_VISITOR)).toMatchObject({ reset: false, baselinePending: true });
  });

  it('"new conversation" on a server that resumed the same thread hides its history up to then', () => {
    const result = outcome(
      { thread_id: 't-1', resumed: true },
      { restart: { previousThread: 't-1', hideThrough: 9 } },
      { ...STORED, threadId: null },
    );
    expect(result).toMatchObject({ hiddenThroughSeq: 9, baselinePending: false, reset: false });
  });

  it('offline (no answer): the stored conversation as it was', () => {
    const result = outcome(null);
    expect(result.target).toEqual({
      threadId: 't-1',
      visitorToken: TOKEN,
      email: 'ada@example.com',
      senderId: 'visitor:v-1',
      continuing: true,
    });
    expect(result.record).toEqual(STORED);
    expect(result.reset).toBe(false);
  });

  it('a seed-only answer (no token, no email): the email stays, no token', () => {
    const result = outcome({ thread_id: 't-1', resumed: true }, {}, { ...STORED, visitorToken: null });
    expect(result.record).toMatchObject({ visitorToken: null, email: 'ada@example.com', verified: false });
  });
});
