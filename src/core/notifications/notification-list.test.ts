import { describe, expect, it } from 'vitest';
import type { InboundNotification } from '../protocol/server-frame-schemas.ts';
import { initialNotificationList, notificationListReducer, type NotificationListState } from './notification-list.ts';

const note = (id: number, readAt: string | null = null): InboundNotification => ({
  id: `n${id}`,
  kind: 'mention',
  thread_id: 't1',
  thread_seq: id,
  title: `Title ${id}`,
  body: `Body ${id}`,
  created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, id)).toISOString(),
  read_at: readAt,
});

const page = (notifications: InboundNotification[], unread: number, next: string | null = null) => ({
  notifications,
  next_cursor: next,
  unread_count: unread,
});

describe('notificationListReducer', () => {
  it('counts a live notification once, however often it is delivered, and only while it is unread', () => {
    let state = notificationListReducer(initialNotificationList, { type: 'count_requested' });
    state = notificationListReducer(state, { type: 'page', filter: 'unread', more: false, countOnly: true, page: page([note(1)], 1) });
    expect(state.unreadCount).toBe(1);
    state = notificationListReducer(state, { type: 'arrived', notification: note(2) });
    state = notificationListReducer(state, { type: 'arrived', notification: note(2) });
    state = notificationListReducer(state, { type: 'arrived', notification: note(1) });
    expect(state.unreadCount).toBe(2);
    state = notificationListReducer(state, { type: 'read', target: { ids: ['n2'] }, at: 'x' });
    state = notificationListReducer(state, { type: 'arrived', notification: note(2) });
    expect(state.unreadCount).toBe(1);
  });

  it('adds what arrived while the count was asked for and a complete answer does not hold', () => {
    let state = notificationListReducer(initialNotificationList, { type: 'count_requested' });
    state = notificationListReducer(state, { type: 'arrived', notification: note(5) });
    state = notificationListReducer(state, { type: 'arrived', notification: note(1) });
    // n1 was counted by the server (it is in the answer); n5 came after it counted.
    state = notificationListReducer(state, { type: 'page', filter: 'unread', more: false, countOnly: true, page: page([note(1)], 1) });
    expect(state.unreadCount).toBe(2);
  });

  it('lists a live notification at the top of an open list, and pages append in order', () => {
    let state: NotificationListState = notificationListReducer(initialNotificationList, {
      type: 'list_requested',
      filter: 'all',
      more: false,
    });
    state = notificationListReducer(state, {
      type: 'page',
      filter: 'all',
      more: false,
      countOnly: false,
      page: page([note(4), note(3)], 2, '2'),
    });
    state = notificationListReducer(state, { type: 'arrived', notification: note(9) });
    state = notificationListReducer(state, { type: 'list_requested', filter: 'all', more: true });
    state = notificationListReducer(state, { type: 'page', filter: 'all', more: true, countOnly: false, page: page([note(2, 'r')], 2) });
    expect(state.items.map((item) => item.id)).toEqual(['n9', 'n4', 'n3', 'n2']);
    expect(state.unreadCount).toBe(2);
    expect(state.nextCursor).toBeNull();
  });

  it('takes the server count after a read only when no other read is still on its way', () => {
    let state = notificationListReducer(initialNotificationList, { type: 'list_requested', filter: 'all', more: false });
    state = notificationListReducer(state, {
      type: 'page',
      filter: 'all',
      more: false,
      countOnly: false,
      page: page([note(2), note(1)], 2),
    });
    state = notificationListReducer(state, { type: 'read', target: { ids: ['n1'] }, at: 'a' });
    state = notificationListReducer(state, { type: 'read', target: { ids: ['n2'] }, at: 'b' });
    expect(state.unreadCount).toBe(0);
    state = notificationListReducer(state, { type: 'read_done', unreadCount: 1 });
    expect(state.unreadCount).toBe(0);
    state = notificationListReducer(state, { type: 'read_done', unreadCount: 0 });
    expect(state.unreadCount).toBe(0);
  });

  it("applies another tab's read to the list and takes its count", () => {
    let state = notificationListReducer(initialNotificationList, { type: 'list_requested', filter: 'all', more: false });
    state = notificationListReducer(state, {
      type: 'page',
      filter: 'all',
      more: false,
      countOnly: false,
      page: page([note(2), note(1)], 5),
    });
    state = notificationListReducer(state, { type: 'read_elsewhere', target: { all: true }, at: 'z', unreadCount: 0 });
    expect(state.items.map((item) => item.read_at)).toEqual(['z', 'z']);
    expect(state.unreadCount).toBe(0);
  });
});
