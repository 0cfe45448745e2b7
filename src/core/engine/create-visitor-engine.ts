import { createPublicApi, publicThreadSource, type PublicApi } from '../api/public-api.ts';
import { ConnectionManager } from '../connection/connection-manager.ts';
import { PollTransport } from '../connection/poll-transport.ts';
import { WebSocketTransport, type WebSocketConstructor } from '../connection/websocket-transport.ts';
import { browserEnvironment, type Environment } from '../environment/environment.ts';
import { IndexedDbOutboxStore, MemoryOutboxStore, type OutboxStore } from '../sync/outbox-store.ts';
import { socketUrl } from './socket-url.ts';
import { SyncEngine } from './sync-engine.ts';

export interface VisitorEngineOptions {
  /** The chat server's URL (the widget runs on another site, so never `''`). */
  serverUrl: string;
  slug: string;
  email: string;
  threadId: string;
  /** The visitor's `visitor:<uuid>`: their own messages and typing are theirs. */
  selfSenderId: string;
  outboxStore?: OutboxStore;
  environment?: Environment;
  WebSocket?: WebSocketConstructor;
  fetch?: typeof fetch;
  onInvalidFrame?(type: string | null, reason: string): void;
}

export interface VisitorEngine {
  engine: SyncEngine;
  api: PublicApi;
  connection: ConnectionManager;
}

/**
 * A website visitor's engine for one thread: the public WebSocket, polling of the public
 * history as the fallback, and the public send endpoint (CONTRACT §7).
 */
export function createVisitorEngine(options: VisitorEngineOptions): VisitorEngine {
  const environment = options.environment ?? browserEnvironment();
  const api = createPublicApi({ serverUrl: options.serverUrl, fetch: options.fetch });
  const source = publicThreadSource(api, options.slug, options.email);
  const path =
    `/api/v1/chat/ws/public/${encodeURIComponent(options.slug)}/threads/${encodeURIComponent(options.threadId)}` +
    `?email=${encodeURIComponent(options.email)}`;
  const connection = new ConnectionManager({
    environment,
    onInvalidFrame: options.onInvalidFrame,
    createSocket: () => new WebSocketTransport({ url: () => socketUrl(options.serverUrl, path), WebSocket: options.WebSocket }),
    createFallback: () => new PollTransport({ source, cursorOf: (threadId): number => engine.cursorOf(threadId), random: environment.random }),
  });
  const outboxStore =
    options.outboxStore ??
    (typeof indexedDB === 'undefined' ? new MemoryOutboxStore() : new IndexedDbOutboxStore(`ama2-outbox-${options.slug}-${options.selfSenderId}`));
  const engine = new SyncEngine({ connection, source, outboxStore, environment, selfSenderId: options.selfSenderId });
  return { engine, api, connection };
}
