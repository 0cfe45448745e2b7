import { describe, expect, it } from 'vitest';
import { ConnectionManager } from '../connection/connection-manager.ts';
import { TabConnection } from '../tabs/tab-connection.ts';
import { MemoryOutboxStore } from '../sync/outbox-store.ts';
import { FakeEnvironment } from '../testing/fake-environment.ts';
import { FakeTabHub } from '../testing/fake-tabs.ts';
import { createInboxEngine } from './create-inbox-engine.ts';

const base = {
  serverUrl: 'http://127.0.0.1:1',
  getToken: () => null,
  userId: 'u1',
  outboxStore: new MemoryOutboxStore(),
  environment: new FakeEnvironment(),
  fetch: () => Promise.reject(new Error('offline in this test')),
  mutedStorage: null,
  watchPage: false,
};

describe('createInboxEngine', () => {
  it('keeps its own connection where Web Locks are missing (the fallback)', () => {
    expect(typeof navigator === 'undefined' || !('locks' in navigator) || !navigator.locks).toBe(true);
    const created = createInboxEngine(base);
    expect(created.connection).toBeInstanceOf(ConnectionManager);
    expect(created.tabs.hub.shares).toBe(false);
    created.stop();
  });

  it('keeps its own connection where there is no channel between tabs, and lets the lock go', () => {
    const hub = new FakeTabHub();
    const leadership = hub.leadership('a');
    const other = hub.leadership('b');
    const created = createInboxEngine({ ...base, leadership, tabChannel: null });
    expect(created.connection).toBeInstanceOf(ConnectionManager);
    expect(other.isLeader()).toBe(true);
    created.stop();
  });

  it('shares the connection between tabs when both are there, and hands the lock on when the client stops', async () => {
    const hub = new FakeTabHub();
    const leadership = hub.leadership('a');
    const other = hub.leadership('b');
    const created = createInboxEngine({ ...base, leadership, tabChannel: hub.channel('ama2:u1') });
    expect(created.connection).toBeInstanceOf(TabConnection);
    expect(created.tabs.hub.tabId).toBe(leadership.tabId);
    expect(created.tabs.hub.shares).toBe(true);
    await created.start();
    expect((created.connection as TabConnection).isLeader).toBe(true);
    created.engine.stop();
    // Only the hub closes the lock: the engine stopping leaves it held.
    expect(other.isLeader()).toBe(false);
    created.stop();
    expect(other.isLeader()).toBe(true);
  });
});
