import type { ApiError } from '../api/api-error.ts';
import { lazyUploader } from '../attachments/lazy-upload.ts';
import { createPublicApi, publicThreadSource, watchRefusals, type PublicApi } from '../api/public-api.ts';
import { ConnectionManager } from '../connection/connection-manager.ts';
import { lazyTransport } from '../connection/lazy-transport.ts';
import { WebSocketTransport, type WebSocketConstructor } from '../connection/websocket-transport.ts';
import { browserEnvironment, type Environment } from '../environment/environment.ts';
import { IndexedDbOutboxStore, MemoryOutboxStore, type OutboxStore } from '../sync/outbox-store.ts';
import { socketUrl } from './socket-url.ts';
import { SyncEngine } from './sync-engine.ts';

export interface VisitorEngineOptions {
  /** The chat server's URL (the widget runs on another site, so never `''`). */
  serverUrl: string;
  slug: string;
  /** The visitor token from the resolve call (null only against a seed-only server, which issues none). */
  visitorToken: string | null;
  /**
   * The label the server holds for the visitor (resolve's `email`): the socket's `?email=`,
   * which the seed requires. Null for a visitor without one (vouched for by the site): then
   * the URL has no `email` at all, which a server with visitor tokens accepts.
   */
  email: string | null;
  threadId: string;
  /** The visitor's `visitor:<uuid>`: their own messages and typing are theirs. */
  selfSenderId: string;
  outboxStore?: OutboxStore;
  environment?: Environment;
  WebSocket?: WebSocketConstructor;
  fetch?: typeof fetch;
  onInvalidFrame?(type: string | null, reason: string): void;
  /** Told when history or send is refused (401/403): the token or the origin is no longer accepted. */
  onRefused?(error: ApiError): void;
}

export interface VisitorEngine {
  engine: SyncEngine;
  api: PublicApi;
  connection: ConnectionManager;
}

/**
 * A website visitor's engine for one thread: the public WebSocket, polling of the public
 * history as the fallback, and the public send endpoint (CONTRACT §7). The visitor token
 * goes in the `visitor` subprotocol on the socket and as Bearer on REST, never in a URL.
 * A refused token or origin (4001) leaves the connection `failed`: the app decides what next.
 */
export function createVisitorEngine(options: VisitorEngineOptions): VisitorEngine {
  const environment = options.environment ?? browserEnvironment();
  const api = createPublicApi({ serverUrl: options.serverUrl, fetch: options.fetch });
  const plain = publicThreadSource(api, options.slug, { visitorToken: options.visitorToken, email: options.email });
  const onRefused = options.onRefused;
  const source = onRefused ? watchRefusals(plain, onRefused) : plain;
  const token = options.visitorToken;
  const path =
    `/api/v1/chat/ws/public/${encodeURIComponent(options.slug)}/threads/${encodeURIComponent(options.threadId)}` +
    (options.email ? `?email=${encodeURIComponent(options.email)}` : '');
  const connection = new ConnectionManager({
    environment,
    onInvalidFrame: options.onInvalidFrame,
    publicSocket: true,
    createSocket: () =>
      new WebSocketTransport({
        url: () => socketUrl(options.serverUrl, path),
        protocols: () => (token ? ['visitor', token] : undefined),
        WebSocket: options.WebSocket,
      }),
    // Polling loads only where the socket keeps failing: most visitors never download it.
    createFallback: () =>
      lazyTransport('poll', () =>
        import('../connection/poll-transport.ts').then(
          ({ PollTransport }) =>
            new PollTransport({ source, cursorOf: (threadId): number => engine.cursorOf(threadId), random: environment.random }),
        ),
      ),
  });
  const outboxStore =
    options.outboxStore ??
    (typeof indexedDB === 'undefined'
      ? new MemoryOutboxStore()
      : new IndexedDbOutboxStore(`ama2-outbox-${options.slug}-${options.selfSenderId}`));
  // Files go up as the visitor (Bearer visitor token) into this agent's thread (CONTRACT §13).
  const upload = lazyUploader({ serverUrl: options.serverUrl, slug: options.slug }, () => token);
  const engine = new SyncEngine({ connection, source, outboxStore, environment, selfSenderId: options.selfSenderId, upload });
  return { engine, api, connection };
}
