import { apiBaseUrl } from '../api/http-client.ts';
import { createInboxApi, inboxThreadSource, type InboxApi } from '../api/inbox-api.ts';
import { ConnectionManager } from '../connection/connection-manager.ts';
import { SseTransport } from '../connection/sse-transport.ts';
import { WebSocketTransport, type WebSocketConstructor } from '../connection/websocket-transport.ts';
import { browserEnvironment, type Environment } from '../environment/environment.ts';
import { IndexedDbOutboxStore, MemoryOutboxStore, type OutboxStore } from '../sync/outbox-store.ts';
import type { OutboxTabMessage } from '../sync/outbox-tab-messages.ts';
import { browserTabChannel } from '../tabs/tab-channel.ts';
import type { TabLeadership } from '../tabs/tab-leadership.ts';
import { webLocksLeadership } from '../tabs/web-locks-leadership.ts';
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
   * This tab's leadership among the user's tabs (defaults to the Web Locks lock
   * `ama2:leader:<userId>`); null: this tab alone, as where Web Locks are missing.
   */
  leadership?: TabLeadership | null;
}

export interface InboxEngine {
  engine: SyncEngine;
  api: InboxApi;
  connection: ConnectionManager;
}

/**
 * The signed-in user's engine: the user WebSocket (token in the `auth` subprotocol, never
 * in the URL), SSE per open thread as the fallback, REST for catch-up and sends, and the
 * outbox in IndexedDB.
 */
export function createInboxEngine(options: InboxEngineOptions): InboxEngine {
  const environment = options.environment ?? browserEnvironment();
  const api = createInboxApi({ serverUrl: options.serverUrl, getToken: options.getToken, fetch: options.fetch });
  // The fallbacks resume each thread where the engine (made below) has applied it.
  const cursorOf = (threadId: string): number => engine.cursorOf(threadId);
  const connection = new ConnectionManager({
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
  const outboxStore =
    options.outboxStore ??
    (typeof indexedDB === 'undefined' ? new MemoryOutboxStore() : new IndexedDbOutboxStore(`ama2-outbox-${options.userId}`));
  // One outbox for all the user's tabs: only the leader sends (only where the tabs can also talk).
  const outboxChannel = browserTabChannel<OutboxTabMessage>(`ama2:outbox:${options.userId}`);
  let leadership = options.leadership === undefined ? webLocksLeadership(`ama2:leader:${options.userId}`) : options.leadership;
  if (!outboxChannel && options.leadership === undefined) {
    leadership?.close();
    leadership = null;
  }
  const engine = new SyncEngine({
    connection,
    source: inboxThreadSource(api),
    outboxStore,
    environment,
    selfSenderId: `user:${options.userId}`,
    leadership,
    outboxChannel: leadership ? outboxChannel : null,
  });
  if (!leadership) outboxChannel?.close();
  return { engine, api, connection };
}
