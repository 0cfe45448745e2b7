import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OUTDATED_CLIENT_REASON, PROTOCOL_VERSION } from '../protocol/protocol-version.ts';
import type { InboundFrame } from '../protocol/server-frame-schemas.ts';
import { FakeEnvironment } from '../testing/fake-environment.ts';
import { FakeTransport } from '../testing/fake-transport.ts';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS } from './backoff.ts';
import type { ConnectionState, OpenInfo } from './connection.ts';
import { ConnectionManager, READY_TIMEOUT_MS, type ConnectionManagerOptions } from './connection-manager.ts';
import { PONG_TIMEOUT_MS } from './heartbeat.ts';

const THREAD = '0b4b4a8e-8f3a-4f57-9d49-1f0a2a0c5e11';
const MINUTE = 60_000;

/** A manager over fake sockets; `random` 0.5 makes every delay half its ceiling. */
function setup(options: Partial<ConnectionManagerOptions> & { withFallback?: boolean } = {}) {
  const environment = new FakeEnvironment(() => 0.5);
  const sockets: FakeTransport[] = [];
  const fallbacks: FakeTransport[] = [];
  const manager = new ConnectionManager({
    createSocket: () => {
      const socket = new FakeTransport('websocket');
      sockets.push(socket);
      return socket;
    },
    createFallback: options.withFallback
      ? () => {
          const fallback = new FakeTransport('sse');
          fallbacks.push(fallback);
          return fallback;
        }
      : undefined,
    environment,
    ...options,
  });
  const states: ConnectionState[] = [];
  const opens: OpenInfo[] = [];
  const frames: InboundFrame[] = [];
  manager.subscribe((state) => states.push(state));
  manager.onOpen((info) => opens.push(info));
  manager.onFrame((frame) => frames.push(frame));
  const last = () => sockets[sockets.length - 1]!;
  return { manager, environment, sockets, fallbacks, states, opens, frames, last };
}

/** Advances fake time in small steps until the manager makes its next socket attempt. */
async function nextAttempt(ctx: ReturnType<typeof setup>) {
  const before = ctx.sockets.length;
  for (let waited = 0; ctx.sockets.length === before; waited += 50) {
    if (waited > BACKOFF_CAP_MS) throw new Error('no new attempt within the backoff cap');
    await vi.advanceTimersByTimeAsync(50);
  }
}

/** Fails `count` socket attempts in a row (each closes before `ready`), waiting out each backoff. */
async function failAttempts(ctx: ReturnType<typeof setup>, count: number) {
  for (let i = 0; i < count; i++) {
    ctx.last().drop(1006);
    await nextAttempt(ctx);
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ConnectionManager', () => {
  it('opens on ready, forwards frames and follows threads', () => {
    const dropped: [string | null, string][] = [];
    const ctx = setup({ onInvalidFrame: (type, reason) => dropped.push([type, reason]) });
    ctx.manager.follow([THREAD]);
    ctx.manager.start();
    expect(ctx.manager.getState()).toEqual({ status: 'connecting', attempt: 1 });
    expect(ctx.sockets).toHaveLength(1);
    expect(ctx.last().followed).toEqual([THREAD]);
    expect(ctx.manager.send({ type: 'ping' })).toBe(false);

    ctx.last().ready();
    expect(ctx.manager.getState()).toEqual({ status: 'open', transport: 'websocket' });
    expect(ctx.opens).toEqual([{ transport: 'websocket', reconnect: false }]);
    expect(ctx.manager.send({ type: 'focus_thread', data: { thread_id: THREAD } })).toBe(true);
    expect(ctx.last().sent).toContainEqual({ type: 'focus_thread', data: { thread_id: THREAD } });

    ctx.last().receive({ type: 'thread_read', thread_id: THREAD, data: { read_seq: 4 } });
    ctx.last().receive({ type: 'thread_read', thread_id: THREAD, data: { read_seq: 'four' } });
    ctx.last().receive('not json at all');
    expect(ctx.frames.map((frame) => frame.type)).toEqual(['ready', 'thread_read']);
    expect(ctx.manager.invalidFrameCount).toBe(2);
    // Reported by type and reason only: the content never leaves the transport.
    expect(dropped).toEqual([
      ['thread_read', 'invalid data.read_seq'],
      [null, 'not JSON'],
    ]);
    expect(ctx.manager.getState().status).toBe('open');
  });

  it('reconnects after a drop within the backoff, and says when', async () => {
    const ctx = setup();
    ctx.manager.start();
    ctx.last().ready();
    ctx.last().drop(1006, '');
    const state = ctx.manager.getState();
    expect(state).toMatchObject({ status: 'reconnecting', attempt: 2, lastClose: { code: 1006 } });
    // random 0.5 × ceiling 500 ms.
    const delay = BACKOFF_BASE_MS / 2;
    expect(state.status === 'reconnecting' && state.retryAt).toBe(Date.now() + delay);

    await vi.advanceTimersByTimeAsync(delay - 1);
    expect(ctx.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(ctx.sockets).toHaveLength(2);
    ctx.last().ready();
    expect(ctx.opens).toEqual([
      { transport: 'websocket', reconnect: false },
      { transport: 'websocket', reconnect: true },
    ]);
  });

  it('backs off further on every failure, up to the cap', async () => {
    const ctx = setup();
    ctx.manager.start();
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      ctx.last().drop(4503);
      const state = ctx.manager.getState();
      if (state.status === 'reconnecting') delays.push(state.retryAt - Date.now());
      await nextAttempt(ctx);
    }
    expect(delays).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
  });

  it.each([
    [4000, 'Invalid thread id.'],
    [4004, 'Conversation not found for this email.'],
  ])('never reconnects after %i, even after many minutes, until resume()', async (code, reason) => {
    const ctx = setup();
    ctx.manager.start();
    ctx.last().drop(code, reason);
    expect(ctx.manager.getState()).toEqual({ status: 'failed', reason, code });

    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    ctx.environment.setVisible(false);
    ctx.environment.setVisible(true);
    ctx.environment.setOnline(false);
    ctx.environment.setOnline(true);
    ctx.manager.retryNow();
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    expect(ctx.sockets).toHaveLength(1);
    expect(ctx.manager.getState().status).toBe('failed');

    ctx.manager.resume();
    expect(ctx.sockets).toHaveLength(2);
    ctx.last().ready();
    expect(ctx.manager.getState()).toEqual({ status: 'open', transport: 'websocket' });
  });

  it('stops on a ready of a newer protocol version: closes the socket, stays failed, never reconnects in a loop', async () => {
    const ctx = setup({ withFallback: true });
    ctx.manager.start();
    ctx.last().ready(25_000, PROTOCOL_VERSION + 1);
    expect(ctx.manager.getState()).toEqual({ status: 'failed', reason: OUTDATED_CLIENT_REASON, code: null });
    expect(ctx.last().closedByClient).toEqual({ code: 1000, reason: '' });
    // Never announced as open, and its ready is not passed on to the engine.
    expect(ctx.opens).toEqual([]);
    expect(ctx.frames).toEqual([]);

    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    ctx.environment.setVisible(false);
    ctx.environment.setVisible(true);
    ctx.environment.setOnline(false);
    ctx.environment.setOnline(true);
    ctx.manager.retryNow();
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    expect(ctx.sockets).toHaveLength(1);
    expect(ctx.fallbacks).toHaveLength(0);
    expect(ctx.manager.getState()).toEqual({ status: 'failed', reason: OUTDATED_CLIENT_REASON, code: null });
  });

  it('opens on a ready of the same protocol version, or of none (an older server)', () => {
    for (const version of [PROTOCOL_VERSION, undefined]) {
      const ctx = setup();
      ctx.manager.start();
      ctx.last().ready(25_000, version);
      expect(ctx.manager.getState()).toEqual({ status: 'open', transport: 'websocket' });
      expect(ctx.opens).toEqual([{ transport: 'websocket', reconnect: false }]);
    }
  });

  it('asks for a new token once after 4001; a second 4001 fails', async () => {
    let refreshes = 0;
    const ctx = setup({ refreshAuth: async () => (refreshes++, true) });
    ctx.manager.start();
    ctx.last().drop(4001, 'Token expired.');
    await vi.advanceTimersByTimeAsync(0);
    expect(ctx.sockets).toHaveLength(2);
    expect(refreshes).toBe(1);

    ctx.last().drop(4001, 'Token expired.');
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(ctx.manager.getState()).toEqual({ status: 'failed', reason: 'Token expired.', code: 4001 });
    expect(ctx.sockets).toHaveLength(2);
    expect(refreshes).toBe(1);
  });

  it('fails on 4001 when the app has no new token, or cannot refresh at all', async () => {
    const declined = setup({ refreshAuth: async () => false });
    declined.manager.start();
    declined.last().drop(4001, '');
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(declined.manager.getState()).toMatchObject({ status: 'failed', code: 4001 });
    expect(declined.sockets).toHaveLength(1);

    const broken = setup({ refreshAuth: () => Promise.reject(new Error('network')) });
    broken.manager.start();
    broken.last().drop(4001, '');
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(broken.manager.getState()).toMatchObject({ status: 'failed', code: 4001 });

    const none = setup();
    none.manager.start();
    none.last().drop(4001, '');
    expect(none.manager.getState()).toMatchObject({ status: 'failed', code: 4001 });
  });

  it('stays failed on the public socket’s 4001 (visitor token or origin refused): no retry, no refresh, also from the fallback', async () => {
    let refreshes = 0;
    const ctx = setup({ publicSocket: true, refreshAuth: async () => (refreshes++, true), withFallback: true });
    ctx.manager.start();
    ctx.last().drop(4001, 'invalid visitor token');
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(ctx.manager.getState()).toEqual({ status: 'failed', reason: 'invalid visitor token', code: 4001 });
    expect(ctx.sockets).toHaveLength(1);
    expect(refreshes).toBe(0);

    // The polling fallback refused (401 → 4001) ends the same way, however long we wait.
    const fallback = setup({ publicSocket: true, withFallback: true });
    fallback.manager.start();
    await failAttempts(fallback, 3);
    expect(fallback.fallbacks).toHaveLength(1);
    fallback.fallbacks[0]!.drop(4001, 'A visitor token is required.');
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(fallback.manager.getState()).toEqual({ status: 'failed', reason: 'A visitor token is required.', code: 4001 });
    const attempts = fallback.sockets.length;
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(fallback.sockets).toHaveLength(attempts);
  });

  it('refreshes again after a later expiry once the new token reached ready', async () => {
    let refreshes = 0;
    const ctx = setup({ refreshAuth: async () => (refreshes++, true) });
    ctx.manager.start();
    ctx.last().drop(4001);
    await vi.advanceTimersByTimeAsync(0);
    ctx.last().ready();
    // Twelve hours later the new token expires too.
    ctx.last().drop(4001);
    await vi.advanceTimersByTimeAsync(0);
    expect(refreshes).toBe(2);
    ctx.last().ready();
    expect(ctx.manager.getState()).toEqual({ status: 'open', transport: 'websocket' });
  });

  it('makes no attempt while offline, and one at once when the network returns', async () => {
    const ctx = setup();
    ctx.environment.online = false;
    ctx.manager.start();
    expect(ctx.manager.getState()).toEqual({ status: 'offline' });
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(ctx.sockets).toHaveLength(0);

    ctx.environment.setOnline(true);
    expect(ctx.sockets).toHaveLength(1);
    ctx.last().ready();
    expect(ctx.manager.getState().status).toBe('open');
  });

  it('goes offline from open or reconnecting, and stops the pending retry', async () => {
    const ctx = setup();
    ctx.manager.start();
    ctx.last().ready();
    const open = ctx.last();
    ctx.environment.setOnline(false);
    expect(ctx.manager.getState()).toEqual({ status: 'offline' });
    expect(open.closedByClient).not.toBeNull();

    ctx.environment.setOnline(true);
    expect(ctx.sockets).toHaveLength(2);
    ctx.last().drop(1006);
    expect(ctx.manager.getState().status).toBe('reconnecting');
    ctx.environment.setOnline(false);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(ctx.sockets).toHaveLength(2);
    expect(ctx.manager.getState()).toEqual({ status: 'offline' });
  });

  it('tries at once when the page becomes visible while reconnecting, and on retryNow()', async () => {
    const ctx = setup();
    ctx.manager.start();
    await failAttempts(ctx, 6);
    ctx.last().drop(1006);
    expect(ctx.manager.getState().status).toBe('reconnecting');
    const before = ctx.sockets.length;

    ctx.environment.setVisible(false);
    expect(ctx.sockets).toHaveLength(before);
    ctx.environment.setVisible(true);
    expect(ctx.sockets).toHaveLength(before + 1);
    expect(ctx.manager.getState()).toMatchObject({ status: 'connecting' });

    ctx.last().drop(1006);
    ctx.manager.retryNow();
    expect(ctx.sockets).toHaveLength(before + 2);
    // Visible again while connected: nothing new.
    ctx.last().ready();
    ctx.environment.setVisible(true);
    expect(ctx.sockets).toHaveLength(before + 2);
  });

  it('pings every heartbeat and reconnects when no pong comes within 10 s', async () => {
    const ctx = setup();
    ctx.manager.start();
    ctx.last().ready(20_000);
    const first = ctx.last();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(first.pings).toBe(1);
    await vi.advanceTimersByTimeAsync(PONG_TIMEOUT_MS - 1);
    expect(ctx.manager.getState().status).toBe('open');
    await vi.advanceTimersByTimeAsync(1);
    expect(first.closedByClient).not.toBeNull();
    expect(ctx.manager.getState()).toMatchObject({ status: 'reconnecting', lastClose: { code: 1006 } });
    await vi.advanceTimersByTimeAsync(BACKOFF_BASE_MS);
    expect(ctx.sockets).toHaveLength(2);
  });

  it('stays open for as long as pongs come back in time', async () => {
    const ctx = setup();
    ctx.manager.start();
    // No heartbeat_ms in `ready`: the 25 s default.
    ctx.last().ready(null);
    await vi.advanceTimersByTimeAsync(25_000); // the first ping goes out
    for (let i = 0; i < 20; i++) {
      // The pong comes at the last moment, then the next ping is due.
      await vi.advanceTimersByTimeAsync(PONG_TIMEOUT_MS - 1);
      ctx.last().receive({ type: 'pong' });
      await vi.advanceTimersByTimeAsync(25_000 - (PONG_TIMEOUT_MS - 1));
    }
    expect(ctx.last().pings).toBe(21);
    expect(ctx.sockets).toHaveLength(1);
    expect(ctx.manager.getState()).toEqual({ status: 'open', transport: 'websocket' });
  });

  it('gives up on a socket that never sends ready', async () => {
    const ctx = setup();
    ctx.manager.start();
    await vi.advanceTimersByTimeAsync(READY_TIMEOUT_MS);
    expect(ctx.sockets[0]!.closedByClient).not.toBeNull();
    expect(ctx.manager.getState().status).toBe('reconnecting');
  });

  it('falls back after 3 socket failures, keeps retrying the socket, and returns to it', async () => {
    const ctx = setup({ withFallback: true });
    ctx.manager.follow([THREAD]);
    ctx.manager.start();
    await failAttempts(ctx, 2);
    expect(ctx.fallbacks).toHaveLength(0);
    ctx.last().drop(1006);
    expect(ctx.fallbacks).toHaveLength(1);
    const fallback = ctx.fallbacks[0]!;
    expect(fallback.followed).toEqual([THREAD]);
    expect(ctx.manager.getState().status).toBe('reconnecting');

    fallback.ready();
    expect(ctx.manager.getState()).toEqual({ status: 'open', transport: 'sse' });
    expect(ctx.opens).toEqual([{ transport: 'sse', reconnect: false }]);
    const event = { event_id: 'e', thread_id: THREAD, thread_seq: 3, event_type: 'message_committed', content: 'hi', data: {} };
    fallback.receive({ type: 'thread_event', thread_id: THREAD, data: event });
    expect(ctx.frames).toEqual([{ type: 'thread_event', thread_id: THREAD, data: event }]);
    expect(ctx.manager.send({ type: 'ping' })).toBe(false);

    // The socket is still tried in the background; its failures do not disturb the open state.
    await nextAttempt(ctx);
    await failAttempts(ctx, 3);
    expect(ctx.manager.getState()).toEqual({ status: 'open', transport: 'sse' });
    expect(ctx.fallbacks).toHaveLength(1);

    ctx.last().ready();
    expect(fallback.closedByClient).not.toBeNull();
    expect(ctx.manager.getState()).toEqual({ status: 'open', transport: 'websocket' });
    expect(ctx.opens.at(-1)).toEqual({ transport: 'websocket', reconnect: true });
    // A socket that was open and drops starts counting again: no fallback for one drop.
    ctx.last().drop(1006);
    expect(ctx.fallbacks).toHaveLength(1);
  });

  it('reopens a fallback that ended, on the next socket failure', async () => {
    const ctx = setup({ withFallback: true });
    ctx.manager.start();
    await failAttempts(ctx, 2);
    ctx.last().drop(1006);
    ctx.fallbacks[0]!.ready();
    ctx.fallbacks[0]!.drop(1006);
    expect(ctx.manager.getState().status).toBe('reconnecting');
    await nextAttempt(ctx);
    ctx.last().drop(1006);
    expect(ctx.fallbacks).toHaveLength(2);
  });

  it('pauses after idle_timeout and 1000, and resume() reconnects', async () => {
    const ctx = setup();
    ctx.manager.start();
    ctx.last().ready();
    const message = 'No activity for a while; the conversation is paused. Send a message to continue.';
    ctx.last().receive({ type: 'error', data: { code: 'idle_timeout', message, retryable: true } });
    ctx.last().drop(1000, 'idle timeout');
    expect(ctx.manager.getState()).toEqual({ status: 'paused', reason: message });
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    ctx.environment.setVisible(true);
    expect(ctx.sockets).toHaveLength(1);

    ctx.manager.resume();
    expect(ctx.sockets).toHaveLength(2);
    ctx.last().ready();
    expect(ctx.manager.getState()).toEqual({ status: 'open', transport: 'websocket' });
    expect(ctx.opens.at(-1)).toEqual({ transport: 'websocket', reconnect: true });
  });

  it('waits at least as long as a rate limit asks', async () => {
    const ctx = setup();
    ctx.manager.start();
    ctx.last().receive({ type: 'error', data: { code: 'rate_limited', message: 'Too many', retryable: true, retry_after_ms: 20_000 } });
    ctx.last().drop(1013, 'rate limited');
    await vi.advanceTimersByTimeAsync(19_999);
    expect(ctx.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(ctx.sockets).toHaveLength(2);
  });

  it('stops everything on stop()', async () => {
    const ctx = setup({ withFallback: true });
    ctx.manager.start();
    ctx.last().ready();
    ctx.manager.stop();
    expect(ctx.sockets[0]!.closedByClient).not.toBeNull();
    ctx.environment.setOnline(false);
    ctx.environment.setOnline(true);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(ctx.sockets).toHaveLength(1);
    expect(ctx.manager.getState().status).toBe('paused');
  });
});
