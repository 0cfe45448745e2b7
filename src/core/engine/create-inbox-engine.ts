import { lazyUploader } from '../attachments/lazy-upload.ts';
import { apiBaseUrl } from '../api/http-client.ts';
import { createInboxApi, inboxThreadSource, type InboxApi } from '../api/inbox-api.ts';
import { ConnectionManager } from '../connection/connection-manager.ts';
import type { Connection } from '../connection/connection.ts';
import { SseTransport } from '../connection/sse-transport.ts';
import { WebSocketTransport, type WebSocketConstructor } from '../connection/websocket-transport.ts';
import { browserEnvironment, type Environment } from '../environment/environment.ts';
import { DesktopNotifier, type NotifyCandidate } from '../notify/desktop-notifier.ts';
import { MutedThreads, mutedThreadsKey, type MuteStorage } from '../notify/muted-threads.ts';
import { IndexedDbOutboxStore, MemoryOutboxStore, type OutboxStore } from '../sync/outbox-store.ts';
import { shareOutbox } from '../sync/outbox-tabs.ts';
import { DraftTabSync, type DraftSource } from '../tabs/draft-tab-sync.ts';
import { watchPageState } from '../tabs/page-state.ts';
import { ReadSync } from '../tabs/read-sync.ts';
import { browserTabChannel, type TabChannel } from '../tabs/tab-channel.ts';
import { TabConnection } from '../tabs/tab-connection.ts';
import type { TabEnvelope } from '../tabs/tab-envelope.ts';
import { TabHub, tabHubChannelName } from '../tabs/tab-hub.ts';
import type { TabLeadership } from '../tabs/tab-leadership.ts';
import { webLocksLeadership } from '../tabs/web-locks-leadership.ts';
import { readMarker } from './read-marker.ts';
import { socketUrl } from './socket-url.ts';
import { InboxSyncEngine } from './inbox-sync-engine.ts';

export interface InboxEngineOptions {
  /** The server's URL without `/api/v1`; `''` for the page's own origin. */
  serverUrl: string;
  getToken(): string | null;
  userId: string;
  /** Asked once when the server refuses the token; resolve true after a new sign-in. */
  refreshAuth?(): Promise<boolean>;
  /** Defaults to IndexedDB, one database per user (memory where IndexedDB is missing). */
  outboxStore?: OutboxStore;
  environment?: Environment;
  WebSocket?: WebSocketConstructor;
  fetch?: typeof fetch;
  onInvalidFrame?(type: string | null, reason: string): void;
  /**
   * Which tab leads (holds the one user connection). Default: the Web Locks API, lock
   * `ama2:leader:<userId>`. Null, or a browser without Web Locks: this tab keeps its own connection.
   */
  leadership?: TabLeadership | null;
  /** The one channel between the tabs. Default: BroadcastChannel `ama2:<userId>` in a page; null: this tab is alone. */
  tabChannel?: TabChannel<TabEnvelope> | null;
  /** The composer's drafts, shared with the other tabs; absent: drafts stay in this tab. */
  drafts?: DraftSource;
  /** Where muted threads are kept; defaults to `localStorage`. */
  mutedStorage?: MuteStorage | null;
  /** Whether the page's visibility and focus are reported to the other tabs; default: where there is a document. */
  watchPage?: boolean;
}

/** What the user's tabs share, as React reads it. */
export interface InboxTabs {
  hub: TabHub;
  muted: MutedThreads;
}

/**
 * The signed-in user's client, made once per session: everything is assembled here, and
 * React only reads it (the engine's subscribe/getSnapshot) and calls it.
 */
export interface InboxClient {
  engine: InboxSyncEngine;
  api: InboxApi;
  /** A {@link TabConnection} when the tabs share one connection, else this tab's own ConnectionManager. */
  connection: Connection;
  tabs: InboxTabs;
  /** Shows the notifications this tab decides on with `show` (permission, text and click are the caller's); returns a function that stops. */
  showNotificationsWith(show: (candidate: NotifyCandidate) => void): () => void;
  /** The thread on screen in this tab (null: none), for the other tabs' notifications. */
  setThreadOnScreen(threadId: string | null): void;
  /** Restores the outbox and connects. */
  start(): Promise<void>;
  /** Stops everything; the tab hub, closed last, hands the leadership on. */
  stop(): void;
}

function localStorageOrNull(): MuteStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function randomTabId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `tab-${Math.random().toString(36).slice(2)}`;
}

/**
 * The signed-in user's client: the user WebSocket (token in the `auth` subprotocol, never
 * in the URL), SSE per open thread as the fallback, REST for catch-up and sends, the outbox
 * in IndexedDB, and the {@link TabHub} with its topics (connection relay, outbox, reads,
 * drafts, notifications). One tab of the browser (the leader) holds the connection for all
 * the user's tabs (see {@link TabConnection}); without Web Locks or BroadcastChannel each tab holds its own.
 */
export function createInboxEngine(options: InboxEngineOptions): InboxClient {
  const environment = options.environment ?? browserEnvironment();
  const api = createInboxApi({ serverUrl: options.serverUrl, getToken: options.getToken, fetch: options.fetch });
  const leadership = options.leadership === undefined ? webLocksLeadership(`ama2:leader:${options.userId}`) : options.leadership;
  // Outside a page (Node: tests, tools) there are no other tabs to talk to.
  const channel =
    options.tabChannel !== undefined
      ? options.tabChannel
      : typeof window === 'undefined'
        ? null
        : browserTabChannel<TabEnvelope>(tabHubChannelName(options.userId));
  const hub = new TabHub({ tabId: leadership?.tabId ?? randomTabId(), leadership, channel });
  // The fallbacks resume each thread where the engine (made below) has applied it; in the
  // leader, where the tab furthest behind among those following it has.
  const cursorOf = (threadId: string): number =>
    connection instanceof TabConnection ? connection.cursorOf(threadId) : engine.cursorOf(threadId);
  const createConnection = () =>
    new ConnectionManager({
      environment,
      refreshAuth: options.refreshAuth,
      onInvalidFrame: options.onInvalidFrame,
      createSocket: () =>
        new WebSocketTransport({
          url: () => socketUrl(options.serverUrl, '/api/v1/chat/ws/user/threads'),
          protocols: () => {
            const token = options.getToken();
            return token ? ['auth', token] : undefined;
          },
          WebSocket: options.WebSocket,
        }),
      createFallback: () =>
        new SseTransport({
          apiBaseUrl: apiBaseUrl(options.serverUrl),
          headers: (): Record<string, string> => {
            const token = options.getToken();
            return token ? { authorization: `Bearer ${token}` } : {};
          },
          cursorOf,
          random: environment.random,
          fetch: options.fetch,
        }),
    });
  const connection: Connection = hub.shares
    ? new TabConnection({ hub, createConnection, cursorOf: (threadId) => engine.cursorOf(threadId) })
    : createConnection();
  const outboxStore =
    options.outboxStore ??
    (typeof indexedDB === 'undefined' ? new MemoryOutboxStore() : new IndexedDbOutboxStore(`ama2-outbox-${options.userId}`));
  const selfSenderId = `user:${options.userId}`;
  // One outbox for all the user's tabs where they share: only the leader sends.
  const reads = new ReadSync(hub);
  const engine = new InboxSyncEngine({
    connection,
    source: inboxThreadSource(api),
    outboxStore,
    environment,
    selfSenderId,
    sharedOutbox: shareOutbox(hub),
    // Files go up with the user's JWT as Bearer, read at each upload (CONTRACT §13).
    upload: lazyUploader({ serverUrl: options.serverUrl }, options.getToken),
    // Also without a shared connection: a tab whose own socket is down learns reads from the others.
    reads: readMarker({ reads, save: (threadId, readSeq) => api.markRead(threadId, readSeq) }),
  });
  const muted = new MutedThreads(
    options.mutedStorage === undefined ? localStorageOrNull() : options.mutedStorage,
    mutedThreadsKey(options.userId),
  );
  let show: ((candidate: NotifyCandidate) => void) | null = null;
  const notifier = new DesktopNotifier({
    hub,
    selfSenderId,
    tabs: () => hub.tabs(),
    isMuted: (threadId) => muted.isMuted(threadId),
    show: (candidate) => show?.(candidate),
  });
  const stops: (() => void)[] = [
    engine.onActivity((activity) => {
      if (activity.kind !== 'message') return;
      notifier.consider({
        threadId: activity.threadId,
        messageId: activity.message.id,
        senderId: activity.message.sender_id,
        content: activity.message.content,
      });
    }),
    () => notifier.stop(),
  ];
  const source = options.drafts;
  // A deleted thread's draft goes too (CONTRACT §14): every tab hears `thread_deleted` and drops its own.
  if (source) stops.push(engine.onActivity((activity) => activity.kind === 'deleted' && source.apply(activity.threadId, '')));
  if (source && !hub.alone) {
    const drafts = new DraftTabSync({
      hub,
      isActive: (threadId) => source.isActive(threadId),
      apply: (threadId, text) => source.apply(threadId, text),
    });
    stops.push(
      source.onChange((threadId, text) => drafts.changed(threadId, text)),
      source.onFocusMoved(() => drafts.settle()),
      () => drafts.stop(),
    );
  }
  if (options.watchPage ?? typeof document !== 'undefined') stops.push(watchPageState(hub));

  let stopped = false;
  return {
    engine,
    api,
    connection,
    tabs: { hub, muted },
    showNotificationsWith(next) {
      show = next;
      return () => {
        if (show === next) show = null;
      };
    },
    setThreadOnScreen: (threadId) => hub.update({ threadId }),
    start: () => engine.start(),
    stop() {
      if (stopped) return;
      stopped = true;
      engine.stop();
      for (const stop of stops.splice(0)) stop();
      // Signed out or going away: another tab (or the next sign-in) leads.
      hub.close();
    },
  };
}
