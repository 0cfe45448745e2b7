import * as v from 'valibot';
import type { NotificationsApi } from '../api/notifications-api.ts';
import type { Connection } from '../connection/connection.ts';
import { emit } from '../connection/emit.ts';
import type { InboundNotification } from '../protocol/server-frame-schemas.ts';
import type { HubTopic, TabHub } from '../tabs/tab-hub.ts';
import {
  initialNotificationList,
  notificationListReducer,
  readOptimistically,
  type NotificationAction,
  type NotificationFilter,
  type NotificationListState,
  type ReadTarget,
} from './notification-list.ts';

/** Notifications one page of the panel asks for. */
export const NOTIFICATION_PAGE_SIZE = 30;
/** Ids one read may name (the server's `MAX_READ_IDS`). */
const MAX_READ_IDS = 500;

const idSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const countSchema = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
/** Another tab's read, sent once the server took it (topic `notices` of the tab hub). */
export const noticeReadSchema = v.variant('type', [
  v.object({
    type: v.literal('read'),
    ids: v.pipe(v.array(idSchema), v.minLength(1), v.maxLength(MAX_READ_IDS)),
    at: v.string(),
    unreadCount: countSchema,
  }),
  v.object({ type: v.literal('read_all'), at: v.string(), unreadCount: countSchema }),
]);
type NoticeRead = v.InferOutput<typeof noticeReadSchema>;

export interface NotificationCenterOptions {
  api: NotificationsApi;
  /** The user connection (shared by the tabs: followers hear its frames and opens too). */
  connection: Pick<Connection, 'onFrame' | 'onOpen'>;
  /** The user's tabs, for reads made in another tab; null: this tab is alone. */
  hub: TabHub | null;
  now?(): number;
}

/**
 * The inbox's notifications (CONTRACT §12 "In the app") for the bell and the panel: the unread
 * count, fetched at start and again each time the connection opens (frames missed in a gap are
 * not replayed), raised by each new `notification` frame, and the panel's pages. Reads are
 * optimistic: shown at once, undone if the server refuses, and told to the user's other tabs
 * once the server took them (the server sends no frame for a read).
 */
export class NotificationCenter {
  private state: NotificationListState = initialNotificationList;
  private readonly listeners = new Set<() => void>();
  private readonly arrivedListeners = new Set<(notification: InboundNotification) => void>();
  private readonly topic: HubTopic<NoticeRead> | null;
  private readonly now: () => number;
  private stops: (() => void)[] = [];
  private listAbort: AbortController | null = null;
  private countAbort: AbortController | null = null;

  constructor(private readonly options: NotificationCenterOptions) {
    this.now = options.now ?? (() => Date.now());
    this.topic = options.hub?.join({ topic: 'notices', schema: noticeReadSchema }) ?? null;
  }

  getSnapshot = (): NotificationListState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Each notification that arrives live and was not known before (a redelivery is not told twice). */
  onArrived(listener: (notification: InboundNotification) => void): () => void {
    this.arrivedListeners.add(listener);
    return () => this.arrivedListeners.delete(listener);
  }

  /** Listens to the connection and the other tabs, and fetches the count; idempotent. */
  start(): void {
    if (this.stops.length) return;
    const { connection } = this.options;
    this.stops.push(
      connection.onFrame((frame) => {
        if (frame.type !== 'notification') return;
        const fresh = !this.state.known.has(frame.data.id);
        this.dispatch({ type: 'arrived', notification: frame.data });
        if (fresh) emit(this.arrivedListeners, frame.data);
      }),
      // Every open, the first one too: a notification made before the socket was up (or in a
      // gap) is never sent on it, so the count asked for before then may be stale.
      connection.onOpen(({ reconnect }) => {
        void this.refreshCount();
        if (reconnect && this.state.status !== 'idle') void this.load(this.state.filter);
      }),
    );
    if (this.topic) {
      this.stops.push(
        this.topic.subscribe((message) =>
          this.dispatch({
            type: 'read_elsewhere',
            target: message.type === 'read_all' ? { all: true } : { ids: message.ids },
            at: message.at,
            unreadCount: message.unreadCount,
          }),
        ),
      );
    }
    void this.refreshCount();
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.listAbort?.abort();
    this.countAbort?.abort();
    this.topic?.leave();
  }

  /** Asks the server for the unread count (after a gap, the count must not stay stale). */
  async refreshCount(): Promise<void> {
    this.countAbort?.abort();
    const abort = (this.countAbort = new AbortController());
    this.dispatch({ type: 'count_requested' });
    try {
      const page = await this.options.api.listNotifications({ unread: true, limit: NOTIFICATION_PAGE_SIZE }, abort.signal);
      if (abort.signal.aborted) return;
      this.dispatch({ type: 'page', filter: 'unread', more: false, countOnly: true, page });
    } catch {
      if (!abort.signal.aborted) this.dispatch({ type: 'count_failed' });
    }
  }

  /** Lists the first page for `filter` (again); an older request still running is dropped. */
  load(filter: NotificationFilter): Promise<void> {
    return this.fetchPage(filter, null);
  }

  /** The next page of the current list, when there is one. */
  loadMore(): Promise<void> {
    const { nextCursor, status, more } = this.state;
    if (status !== 'ready' || nextCursor === null || more === 'loading') return Promise.resolve();
    return this.fetchPage(this.state.filter, nextCursor);
  }

  /** Marks these notifications read (at once here); resolves with the error when the server refused, after undoing it. */
  markRead(ids: readonly string[]): Promise<unknown> {
    const unread = ids.filter((id) => this.state.known.get(id) !== false);
    if (!unread.length) return Promise.resolve(null);
    return this.read({ ids: unread.slice(0, MAX_READ_IDS) });
  }

  /** Marks every notification of the user read. */
  markAllRead(): Promise<unknown> {
    return this.read({ all: true });
  }

  private async read(target: ReadTarget): Promise<unknown> {
    const at = new Date(this.now()).toISOString();
    const { state, undo } = readOptimistically(this.state, target, at);
    this.setState(state);
    try {
      const unreadCount = await this.options.api.markNotificationsRead(target);
      this.dispatch({ type: 'read_done', unreadCount });
      this.topic?.post('all' in target ? { type: 'read_all', at, unreadCount } : { type: 'read', ids: [...target.ids], at, unreadCount });
      return null;
    } catch (error) {
      this.dispatch({ type: 'read_failed', undo });
      return error;
    }
  }

  private async fetchPage(filter: NotificationFilter, cursor: string | null): Promise<void> {
    const more = cursor !== null;
    if (!more) this.listAbort?.abort();
    const abort = new AbortController();
    if (!more) this.listAbort = abort;
    this.dispatch({ type: 'list_requested', filter, more });
    try {
      const page = await this.options.api.listNotifications(
        { unread: filter === 'unread', cursor, limit: NOTIFICATION_PAGE_SIZE },
        abort.signal,
      );
      // A newer first page (another filter, a reconnect) replaced this one meanwhile.
      if (abort.signal.aborted || (more && (this.state.filter !== filter || this.state.status !== 'ready'))) return;
      this.dispatch({ type: 'page', filter, more, countOnly: false, page });
    } catch (error) {
      if (!abort.signal.aborted) this.dispatch({ type: 'list_failed', more, error });
    }
  }

  private dispatch(action: NotificationAction): void {
    this.setState(notificationListReducer(this.state, action));
  }

  private setState(next: NotificationListState): void {
    if (next === this.state) return;
    this.state = next;
    emit(this.listeners, undefined);
  }
}
