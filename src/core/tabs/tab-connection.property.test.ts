import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SyncEngine } from '../engine/sync-engine.ts';
import type { InboundEvent } from '../protocol/server-frame-schemas.ts';
import { MemoryOutboxStore } from '../sync/outbox-store.ts';
import { FakeEnvironment } from '../testing/fake-environment.ts';
import { FakeTabBrowser, type FakeBrowserTab } from '../testing/fake-tab-browser.ts';
import { FakeThreadSource, flushMicrotasks } from '../testing/fake-thread-source.ts';

const T1 = '11111111-1111-4111-8111-111111111111';

/** The frame the server pushes for a committed message. */
function frameOf(event: InboundEvent) {
  const data = event.data as { message_id: string };
  return {
    type: 'thread_message',
    thread_id: T1,
    data: {
      id: data.message_id,
      thread_id: T1,
      sender_id: event.sender_id,
      content: event.content,
      role: 'user',
      thread_seq: event.thread_seq,
    },
  };
}

interface EngineTab {
  tab: FakeBrowserTab;
  source: FakeThreadSource;
  engine: SyncEngine;
}

type Step =
  | { op: 'commit'; count: number }
  | { op: 'open' }
  | { op: 'crash'; pick: number }
  | { op: 'close'; pick: number }
  | { op: 'ready' }
  | { op: 'answer'; pick: number }
  | { op: 'flush' };

describe('TabConnection with an engine in every tab (property)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('every tab ends with each committed seq exactly once, whatever tabs open, close or crash meanwhile', async () => {
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ op: fc.constant('commit' as const), count: fc.integer({ min: 1, max: 4 }) }) },
      { weight: 1, arbitrary: fc.constant({ op: 'open' as const }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('crash' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('close' as const), pick: fc.nat() }) },
      { weight: 2, arbitrary: fc.constant({ op: 'ready' as const }) },
      { weight: 4, arbitrary: fc.record({ op: fc.constant('answer' as const), pick: fc.nat() }) },
      { weight: 3, arbitrary: fc.constant({ op: 'flush' as const }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 4 }), fc.array(step, { maxLength: 60 }), async (initialTabs, steps) => {
        const browser = new FakeTabBrowser();
        const server = new FakeThreadSource(T1);
        server.plan(200);
        const tabs: EngineTab[] = [];
        let opened = 0;
        const committed = () => server.log.slice(0, server.committed);
        const openTab = async () => {
          const tab = browser.open(`tab-${opened++}`);
          const source = new FakeThreadSource(T1);
          source.reset(committed());
          const engine = new SyncEngine({
            connection: tab.connection,
            source,
            outboxStore: new MemoryOutboxStore(),
            environment: new FakeEnvironment(),
            selfSenderId: 'user:me',
          });
          tabs.push({ tab, source, engine });
          await engine.start();
          void engine.openThread(T1);
        };
        const alive = () => tabs.filter((entry) => !entry.tab.gone);

        for (let i = 0; i < initialTabs; i++) await openTab();
        for (const action of steps) {
          if (action.op === 'commit') {
            const before = server.committed;
            server.commit(action.count);
            for (const entry of tabs) entry.source.reset(committed());
            for (const event of server.log.slice(before, server.committed)) browser.serverSends(frameOf(event));
          } else if (action.op === 'open' && alive().length < 5) await openTab();
          else if ((action.op === 'crash' || action.op === 'close') && alive().length > 1) {
            const entry = alive()[action.pick % alive().length]!;
            entry.engine.stop();
            if (action.op === 'crash') entry.tab.crash();
            else entry.tab.close();
          } else if (action.op === 'ready') browser.readyAll();
          else if (action.op === 'answer') {
            const waiting = alive().filter((entry) => entry.source.calls.length > 0);
            const entry = waiting[action.pick % Math.max(1, waiting.length)];
            entry?.source.releaseOne(action.pick % entry.source.calls.length);
          } else if (action.op === 'flush') await browser.flush();
          await flushMicrotasks();
        }

        // Quiet: the leader's socket opens and every pending call is answered.
        for (let round = 0; round < 4; round++) {
          await browser.flush();
          browser.readyAll();
          await browser.flush();
          for (const entry of alive()) {
            await entry.source.settle();
            entry.engine.flush();
          }
        }
        expect(browser.liveSockets()).toHaveLength(1);
        const expected = committed().map((event) => (event.data as { message_id: string }).message_id);
        for (const entry of alive()) {
          const ids = entry.engine.getThreadSnapshot(T1).items.flatMap((item) => (item.kind === 'message' ? [item.message.id] : []));
          expect(ids).toEqual(expected);
          expect(entry.engine.getThreadSnapshot(T1).health.appliedSeq).toBe(server.committed);
        }
        for (const entry of alive()) {
          entry.engine.stop();
        }
      }),
      { numRuns: 150 },
    );
  });
});
