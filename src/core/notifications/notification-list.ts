import type { InboundNotification } from '../protocol/server-frame-schemas.ts';

/**
 * The user's notifications as the inbox holds them (CONTRACT §12): the unread count the bell
 * shows and the list the panel shows, one pure reducer so that every way they change (a page,
 * a live frame, a read here, in another tab, or its failure) keeps the two in agreement.
 */

/** Which notifications the panel lists. */
export type NotificationFilter = 'all' | 'unread';

/** Ids remembered to tell a redelivered notification (delivery is at least once) from a new one. */
export const MAX_REMEMBERED_IDS = 2000;

export interface NotificationListState {
  /** Unread notifications of the user; null until the server has said. */
  unreadCount: number | null;
  /** Known ids and whether each is unread now, oldest known first (bounded). */
  known: ReadonlyMap<string, boolean>;
  /** Ids that arrived live while the count was being fetched (the answer may not include them). */
  arrivedWhileCounting: readonly string[] | null;
  /** Reads sent and not yet answered: the server's count is taken only when none is. */
  pendingReads: number;
  /** The panel's list, newest first, unique ids. */
  filter: NotificationFilter;
  items: readonly InboundNotification[];
  nextCursor: string | null;
  /** `idle`: not asked for; the list is shown once `ready`. */
  status: 'idle' | 'loading' | 'ready' | 'failed';
  more: 'idle' | 'loading' | 'failed';
  /** Why the list (or its next page) failed, to say in words. */
  listError: unknown;
}

/** What a read changed, so a failure undoes exactly that. */
export interface ReadUndo {
  ids: readonly string[];
  /** What the count went down by. */
  count: number;
  /** The `read_at` the read wrote (a later read by other means is not undone). */
  at: string;
}

export type NotificationAction =
  | { type: 'count_requested' }
  | { type: 'list_requested'; filter: NotificationFilter; more: boolean }
  | { type: 'list_failed'; more: boolean; error: unknown }
  | { type: 'page'; filter: NotificationFilter; more: boolean; countOnly: boolean; page: PageAnswer }
  | { type: 'count_failed' }
  | { type: 'arrived'; notification: InboundNotification }
  | { type: 'read'; target: ReadTarget; at: string }
  | { type: 'read_failed'; undo: ReadUndo }
  | { type: 'read_done'; unreadCount: number }
  | { type: 'read_elsewhere'; target: ReadTarget; at: string; unreadCount: number };

export type ReadTarget = { ids: readonly string[] } | { all: true };

export interface PageAnswer {
  notifications: readonly InboundNotification[];
  next_cursor: string | null;
  unread_count: number;
}

export const initialNotificationList: NotificationListState = {
  unreadCount: null,
  known: new Map(),
  arrivedWhileCounting: null,
  pendingReads: 0,
  filter: 'all',
  items: [],
  nextCursor: null,
  status: 'idle',
  more: 'idle',
  listError: null,
};

const isUnread = (notification: InboundNotification) => notification.read_at === null;

/** Newest first: `created_at`, then the id (ties from one event), as the server orders them. */
export function newerFirst(a: InboundNotification, b: InboundNotification): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function remember(known: ReadonlyMap<string, boolean>, entries: Iterable<[string, boolean]>): Map<string, boolean> {
  const next = new Map(known);
  for (const [id, unread] of entries) {
    next.delete(id);
    next.set(id, unread);
  }
  for (const id of next.keys()) {
    if (next.size <= MAX_REMEMBERED_IDS) break;
    next.delete(id);
  }
  return next;
}

/** A copy read at `at`, unless it is read already. */
const readAt = (notification: InboundNotification, at: string) =>
  isUnread(notification) ? { ...notification, read_at: at } : notification;

/** Merges `incoming` into `items` (an id present twice keeps one copy; read wins, since reads only go forward). */
function merge(items: readonly InboundNotification[], incoming: readonly InboundNotification[]): InboundNotification[] {
  const byId = new Map(items.map((item) => [item.id, item]));
  for (const item of incoming) {
    const old = byId.get(item.id);
    byId.set(item.id, old && !isUnread(old) && isUnread(item) ? { ...item, read_at: old.read_at } : item);
  }
  return [...byId.values()].sort(newerFirst);
}

function applyRead(state: NotificationListState, target: ReadTarget, at: string): { state: NotificationListState; undo: ReadUndo } {
  const all = 'all' in target;
  const wanted = all ? null : new Set(target.ids);
  const hit = (id: string) => wanted === null || wanted.has(id);
  const changed = new Set<string>();
  for (const [id, unread] of state.known) if (unread && hit(id)) changed.add(id);
  for (const item of state.items) if (isUnread(item) && hit(item.id)) changed.add(item.id);
  const before = state.unreadCount;
  const unreadCount = before === null ? null : all ? 0 : Math.max(0, before - changed.size);
  return {
    state: {
      ...state,
      unreadCount,
      known: remember(
        state.known,
        [...changed].map((id) => [id, false]),
      ),
      items: state.items.map((item) => (hit(item.id) ? readAt(item, at) : item)),
    },
    undo: { ids: [...changed], count: before === null || unreadCount === null ? 0 : before - unreadCount, at },
  };
}

/** The state after a read of `target` at `at` here, and what undoes it if the server refuses. */
export function readOptimistically(
  state: NotificationListState,
  target: ReadTarget,
  at: string,
): { state: NotificationListState; undo: ReadUndo } {
  const result = applyRead(state, target, at);
  return { state: { ...result.state, pendingReads: state.pendingReads + 1 }, undo: result.undo };
}

export function notificationListReducer(state: NotificationListState, action: NotificationAction): NotificationListState {
  switch (action.type) {
    case 'count_requested':
      return { ...state, arrivedWhileCounting: [] };
    case 'count_failed':
      return { ...state, arrivedWhileCounting: null };
    case 'list_requested':
      return action.more
        ? { ...state, more: 'loading' }
        : { ...state, filter: action.filter, status: 'loading', more: 'idle', ...(action.filter === state.filter ? {} : { items: [] }) };
    case 'list_failed':
      return action.more ? { ...state, more: 'failed', listError: action.error } : { ...state, status: 'failed', listError: action.error };
    case 'page': {
      const { page } = action;
      const known = remember(
        state.known,
        page.notifications.map((item) => [item.id, isUnread(item)]),
      );
      let unreadCount = state.unreadCount;
      let arrivedWhileCounting = state.arrivedWhileCounting;
      if (state.pendingReads === 0) {
        unreadCount = page.unread_count;
        // A notification that arrived while the count was asked for, and that a complete unread
        // page does not hold, was made after the server counted: it is added, not lost.
        if (action.countOnly && arrivedWhileCounting && page.next_cursor === null) {
          const listed = new Set(page.notifications.map((item) => item.id));
          unreadCount += arrivedWhileCounting.filter((id) => !listed.has(id) && known.get(id) === true).length;
        }
      }
      if (action.countOnly) arrivedWhileCounting = null;
      if (action.countOnly || action.filter !== state.filter) return { ...state, known, unreadCount, arrivedWhileCounting };
      // The first page replaces what was listed, keeping only what arrived live since (newer than the page holds).
      const newest = page.notifications[0];
      const kept = action.more ? state.items : state.items.filter((item) => newest === undefined || newerFirst(item, newest) < 0);
      return {
        ...state,
        known,
        unreadCount,
        arrivedWhileCounting,
        items: merge(kept, page.notifications),
        nextCursor: page.next_cursor,
        status: 'ready',
        more: 'idle',
      };
    }
    case 'arrived': {
      const { notification } = action;
      const wasKnown = state.known.has(notification.id);
      const unread = isUnread(notification) && state.known.get(notification.id) !== false;
      const known = remember(state.known, [[notification.id, unread]]);
      const listed =
        state.status === 'ready' && (state.filter === 'all' || unread || state.items.some((item) => item.id === notification.id));
      return {
        ...state,
        known,
        unreadCount: !wasKnown && unread && state.unreadCount !== null ? state.unreadCount + 1 : state.unreadCount,
        arrivedWhileCounting:
          state.arrivedWhileCounting && !wasKnown ? [...state.arrivedWhileCounting, notification.id] : state.arrivedWhileCounting,
        items: listed ? merge(state.items, [notification]) : state.items,
      };
    }
    case 'read':
      return readOptimistically(state, action.target, action.at).state;
    case 'read_failed': {
      const undone = new Set(action.undo.ids);
      return {
        ...state,
        pendingReads: Math.max(0, state.pendingReads - 1),
        unreadCount: state.unreadCount === null ? null : state.unreadCount + action.undo.count,
        known: remember(
          state.known,
          [...undone].filter((id) => state.known.get(id) === false).map((id) => [id, true]),
        ),
        items: state.items.map((item) => (undone.has(item.id) && item.read_at === action.undo.at ? { ...item, read_at: null } : item)),
      };
    }
    case 'read_done': {
      const pendingReads = Math.max(0, state.pendingReads - 1);
      return { ...state, pendingReads, unreadCount: pendingReads === 0 ? action.unreadCount : state.unreadCount };
    }
    case 'read_elsewhere': {
      const { state: next } = applyRead(state, action.target, action.at);
      return state.pendingReads === 0 ? { ...next, unreadCount: action.unreadCount } : next;
    }
  }
}
