import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SyncEngine } from '../core/engine/sync-engine.ts';
import { MemoryOutboxStore } from '../core/sync/outbox-store.ts';
import { FakeConnection } from '../core/testing/fake-connection.ts';
import { FakeEnvironment } from '../core/testing/fake-environment.ts';
import { FakeThreadSource } from '../core/testing/fake-thread-source.ts';
import { useConnectionState } from './use-connection-state.ts';
import { useThreadSnapshot } from './use-thread-snapshot.ts';

function setup() {
  const connection = new FakeConnection();
  const environment = new FakeEnvironment();
  const engine = new SyncEngine({
    connection,
    source: new FakeThreadSource(),
    outboxStore: new MemoryOutboxStore(),
    environment,
    selfSenderId: 'user:me',
  });
  return { connection, environment, engine };
}

describe('engine hooks', () => {
  it('re-renders a thread view only when its own thread changes', async () => {
    const { connection, environment, engine } = setup();
    await engine.start();
    const renders: Record<string, number> = { a: 0, b: 0 };
    function Typing({ threadId }: { threadId: string }) {
      const snapshot = useThreadSnapshot(engine, threadId);
      renders[threadId]!++;
      return <p data-testid={threadId}>{snapshot.typing.join(', ') || 'nobody'}</p>;
    }
    render(
      <>
        <Typing threadId="a" />
        <Typing threadId="b" />
      </>,
    );
    expect(renders).toEqual({ a: 1, b: 1 });
    act(() => {
      connection.open();
      connection.deliver({ type: 'thread_typing', thread_id: 'a', data: { sender_id: 'user:bob', status: 'started' } });
      environment.runFrame();
    });
    expect(screen.getByTestId('a').textContent).toBe('user:bob');
    expect(screen.getByTestId('b').textContent).toBe('nobody');
    expect(renders.b).toBe(1);
    engine.stop();
  });

  it('shows the connection state as it changes', async () => {
    const { connection, environment, engine } = setup();
    await engine.start();
    function Status() {
      return <p data-testid="status">{useConnectionState(engine).status}</p>;
    }
    render(<Status />);
    expect(screen.getByTestId('status').textContent).toBe('connecting');
    act(() => {
      connection.open();
      environment.runFrame();
    });
    expect(screen.getByTestId('status').textContent).toBe('open');
  });
});
