import { describe, expect, it } from 'vitest';
import type { InboundFrame } from '../protocol/server-frame-schemas.ts';
import { lazyTransport } from './lazy-transport.ts';
import type { Transport, TransportClose, TransportEvents } from './transport.ts';

/** A transport that records what it is told and hands its events back to the test. */
function recording() {
  const calls: string[] = [];
  let events: TransportEvents | null = null;
  const transport: Transport = {
    kind: 'poll',
    open: (given) => {
      events = given;
      calls.push('open');
    },
    send: () => false,
    close: (code) => calls.push(`close ${code}`),
    follow: (ids) => calls.push(`follow ${ids.join(',')}`),
  };
  return { transport, calls, events: () => events! };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function listener() {
  const seen: string[] = [];
  const closes: TransportClose[] = [];
  const events: TransportEvents = {
    open: () => seen.push('open'),
    frame: (frame: InboundFrame) => seen.push(frame.type),
    close: (close) => closes.push(close),
  };
  return { events, seen, closes };
}

describe('lazyTransport', () => {
  it('opens the loaded transport with the owner’s events and the threads followed meanwhile', async () => {
    const inner = recording();
    const lazy = lazyTransport('poll', () => Promise.resolve(inner.transport));
    const owner = listener();
    lazy.open(owner.events);
    lazy.follow(['t-1', 't-2']);
    expect(inner.calls).toEqual([]);
    await settle();
    expect(inner.calls).toEqual(['open', 'follow t-1,t-2']);
    inner.events().open({ heartbeatMs: null });
    expect(owner.seen).toEqual(['open']);
    lazy.follow(['t-3']);
    expect(inner.calls.at(-1)).toBe('follow t-3');
  });

  it('closed before its code arrived: the loaded transport is never opened', async () => {
    const inner = recording();
    const lazy = lazyTransport('poll', () => Promise.resolve(inner.transport));
    lazy.open(listener().events);
    lazy.close(1000, 'The socket is back.');
    await settle();
    expect(inner.calls).toEqual([]);
  });

  it('a load that fails closes it as a dropped connection, so the owner retries', async () => {
    const lazy = lazyTransport('poll', () => Promise.reject(new TypeError('Failed to fetch dynamically imported module')));
    const owner = listener();
    lazy.open(owner.events);
    expect(lazy.send({ type: 'ping' } as never)).toBe(false);
    await settle();
    expect(owner.closes).toEqual([{ code: 1006, reason: 'The connection could not be set up.' }]);
  });
});
