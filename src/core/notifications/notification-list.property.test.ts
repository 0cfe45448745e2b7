import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InboundNotification } from '../protocol/server-frame-schemas.ts';
import {
  initialNotificationList,
  notificationListReducer,
  readOptimistically,
  type NotificationAction,
  type NotificationListState,
} from './notification-list.ts';

const note = (id: number, readAt: string | null = null): InboundNotification => ({
  id: `n${id}`,
  kind: 'message',
  thread_id: 't1',
  thread_seq: id,
  title: `Title ${id}`,
  body: `Body ${id}`,
  created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, id)).toISOString(),
  read_at: readAt,
});

/** A listed state: the server said `unread` of `listed` are unread (the count is exactly that). */
function listed(items: InboundNotification[]): NotificationListState {
  const unread = items.filter((item) => item.read_at === null).length;
  return notificationListReducer(notificationListReducer(initialNotificationList, { type: 'list_requested', filter: 'all', more: false }), {
    type: 'page',
    filter: 'all',
    more: false,
    countOnly: false,
    page: { notifications: [...items].reverse(), next_cursor: null, unread_count: unread },
  });
}

const unreadListed = (state: NotificationListState) => state.items.filter((item) => item.read_at === null).length;
const ids = (state: NotificationListState) => state.items.map((item) => item.id);

/** Frames (some repeated: delivery is at least once) and reads, in any order. */
type Step = { kind: 'frame'; id: number } | { kind: 'read'; ids: number[] } | { kind: 'all' };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('frame' as const), id: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('read' as const), ids: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('all' as const) }),
);

function step(state: NotificationListState, s: Step): NotificationListState {
  if (s.kind === 'frame') return notificationListReducer(state, { type: 'arrived', notification: note(s.id) });
  const action: NotificationAction = {
    type: 'read',
    target: s.kind === 'all' ? { all: true } : { ids: s.ids.map((id) => `n${id}`) },
    at: '2026-01-02T00:00:00.000Z',
  };
  return notificationListReducer(state, action);
}

describe('the notification list (properties)', () => {
  it('the count and the list agree, ids are unique and newest first, whatever arrives twice and whatever is read', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        let state = listed([]);
        for (const s of steps) {
          state = step(state, s);
          expect(state.unreadCount).toBe(unreadListed(state));
          expect(new Set(ids(state)).size).toBe(state.items.length);
          const times = state.items.map((item) => item.created_at);
          expect(times).toEqual([...times].sort().reverse());
        }
      }),
    );
  });

  it('a read that fails is undone exactly, frames arriving meanwhile kept', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 10 }), { maxLength: 8 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 11, max: 15 }), { maxLength: 4 }),
        (present, read, all, during) => {
          const before = listed(present.map((id) => note(id)));
          const { state: optimistic, undo } = readOptimistically(
            before,
            all ? { all: true } : { ids: read.map((id) => `n${id}`) },
            '2026-01-02T00:00:00.000Z',
          );
          let state = optimistic;
          for (const id of during) state = notificationListReducer(state, { type: 'arrived', notification: note(id) });
          state = notificationListReducer(state, { type: 'read_failed', undo });
          const arrived = new Set(during).size;
          expect(state.unreadCount).toBe(before.unreadCount! + arrived);
          expect(state.pendingReads).toBe(0);
          for (const item of before.items) expect(state.items.find((other) => other.id === item.id)?.read_at).toBe(item.read_at);
          expect(unreadListed(state)).toBe(state.unreadCount);
        },
      ),
    );
  });

  it('a `message` notification updated in place (same id, newer seq, counted): replaced, moved to the top, listed once, the count not grown', () => {
    /** Frames of a few ids, each a newer version (later seq and time) of that id's notification, or a read. */
    const updateArb = fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('update' as const), id: fc.integer({ min: 1, max: 5 }) }),
        fc.record({
          kind: fc.constant('read' as const),
          ids: fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
        }),
      ),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(updateArb, (steps) => {
        let state = listed([]);
        let clock = 100;
        const versions = new Map<number, number>();
        for (const s of steps) {
          if (s.kind === 'read') {
            state = step(state, s);
          } else {
            clock += 1;
            const version = (versions.get(s.id) ?? 0) + 1;
            versions.set(s.id, version);
            const wasUnread = state.items.find((item) => item.id === `n${s.id}`)?.read_at === null;
            const before = state.unreadCount!;
            const update: InboundNotification = {
              ...note(s.id),
              thread_seq: clock,
              title: `${version} new messages from Ann`,
              created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, clock)).toISOString(),
              ...(version > 1 ? { count: version } : {}),
            };
            state = notificationListReducer(state, { type: 'arrived', notification: update });
            // At the top, with the newest words; an id the list had unread is not counted again.
            expect(state.items[0]).toMatchObject({ id: update.id, thread_seq: clock, title: update.title });
            if (wasUnread) expect(state.unreadCount).toBe(before);
          }
          expect(state.unreadCount).toBe(unreadListed(state));
          expect(new Set(ids(state)).size).toBe(state.items.length);
          const times = state.items.map((item) => item.created_at);
          expect(times).toEqual([...times].sort().reverse());
        }
      }),
    );
  });
});
