import { InboxSyncEngine } from '../engine/inbox-sync-engine.ts';
import type { SyncEngineOptions } from '../engine/sync-engine.ts';
import { MemoryOutboxStore } from '../sync/outbox-store.ts';
import { FakeConnection } from './fake-connection.ts';
import { FakeEnvironment } from './fake-environment.ts';
import { FakeThreadSource } from './fake-thread-source.ts';

/**
 * A `SyncEngine` over fakes (connection, thread source `t1`, memory outbox, environment), as
 * `user:me`; any option given replaces its fake. The connection is returned to drive frames.
 */
export function fakeEngine(options: Partial<SyncEngineOptions> = {}): { engine: InboxSyncEngine; connection: FakeConnection } {
  const connection = options.connection instanceof FakeConnection ? options.connection : new FakeConnection();
  const engine = new InboxSyncEngine({
    source: new FakeThreadSource('t1'),
    outboxStore: new MemoryOutboxStore(),
    environment: new FakeEnvironment(),
    selfSenderId: 'user:me',
    ...options,
    connection,
  });
  return { engine, connection };
}
