import { apiBaseUrl } from '../api/http-client.ts';
import { createInboxApi, inboxThreadSource, type InboxApi } from '../api/inbox-api.ts';
import { ConnectionManager } from '../connection/connection-manager.ts';
import type { Connection } from '../connection/connection.ts';
import { SseTransport } from '../connection/sse-transport.ts';
import { WebSocketTransport, type WebSocketConstructor } from '../connection/websocket-transport.ts';
import { browserEnvironment, type Environment } from '../environment/environment.ts';
import type { ConnMessage } from '../tabs/conn-messages.ts';
import { ReadSync, readSyncChannelName, type ReadMessage } from '../tabs/read-sync.ts';
import { browserTabChannel, type TabChannel } from '../tabs/tab-channel.ts';
import { TabConnection } from '../tabs/tab-connection.ts';
import type { TabLeadership } from '../tabs/tab-leadership.ts';
import { webLocksLeadership } from '../tabs/web-locks-leadership.ts';
import { IndexedDbOutboxStore, MemoryOutboxStore, type OutboxStore } from '../sync/outbox-store.ts';
import type { OutboxTabMessage } from '../sync/outbox-tab-messages.ts';
import { readMarker } from './read-marker.ts';
import { socketUrl } from './socket-url.ts';
import { SyncEngine } from './sync-engine.ts';

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
  /** The relay between the tabs. Default: BroadcastChannel `ama2:conn:<userId>`; null as above. */
  tabChannel?: TabChannel<ConnMessage> | null;
  /** Where the tabs tell each other of reads. Default: BroadcastChannel `ama2:read:<userId>`; null: none. */
  readChannel?: TabChannel<ReadMessage> | null;
}

export interface InboxEngine {
  engine: SyncEngine;
  api: InboxApi;
  /** A {@link TabConnection} when the tabs share one connection, else this tab's own ConnectionManager. */
  connection: Connection;
  /** This tab's leadership, null in the fallback; closed when the engine stops. */
  leadership: TabLeadership | null;
}

/**
 * The signed-in user's engine: the user WebSocket (token in the `auth` subprotocol, never
 * in the URL), SSE per open thread as the fallback, REST for catch-up and sends, and the
 * outbox in IndexedDB. One tab of the browser (the leader) holds the connection for all the
 * user's tabs (see {@link TabConnection}); without Web Locks or BroadcastChannel each tab holds its own.
 */
export function createInboxEngine(options: InboxEngineOptions): InboxEngine {
  const environment = options.environment ?? browserEnvironment();
  const api = createInboxApi({ serverUrl: options.serverUrl, getToken: options.getToken, fetch: options.fetch });
  const leadership = options.leadership === undefined ? webLocksLeadership(`ama2:leader:${options.userId}`) : options.leadership;
  const channel = options.tabChannel === undefined ? browserTabChannel<ConnMessage>(`ama2:conn:${options.userId}`) : options.tabChannel;
  const shared = leadership !== null && channel !== null;
  if (!shared) {
    leadership?.close();
    channel?.close();
  }
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
  const connection: Connection = shared
    ? new TabConnection({ leadership, channel, createConnection, cursorOf: (threadId) => engine.cursorOf(threadId) })
    : createConnection();
  const outboxStore =
    options.outboxStore ??
    (typeof indexedDB === 'undefined' ? new MemoryOutboxStore() : new IndexedDbOutboxStore(`ama2-outbox-${options.userId}`));
  // One outbox for all the user's tabs: only the leader sends (only where the tabs can also talk).
  const outboxChannel = shared ? browserTabChannel<OutboxTabMessage>(`ama2:outbox:${options.userId}`) : null;
  const tabLeadership = shared && outboxChannel ? leadership : null;
  const engine = new SyncEngine({
    connection,
    source: inboxThreadSource(api),
    outboxStore,
    environment,
    selfSenderId: `user:${options.userId}`,
    leadership: tabLeadership,
    outboxChannel: tabLeadership ? outboxChannel : null,
    // Also without a shared connection: a tab whose own socket is down learns reads from the others.
    reads: readMarker({
      reads: new ReadSync(options.readChannel === undefined ? browserTabChannel(readSyncChannelName(options.userId)) : options.readChannel),
      save: (threadId, readSeq) => api.markRead(threadId, readSeq),
    }),
  });
  return { engine, api, connection, leadership: shared ? leadership : null };
}
