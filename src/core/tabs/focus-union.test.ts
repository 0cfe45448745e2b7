import { describe, expect, it } from 'vitest';
import type { ClientFrame } from '../protocol/client-frames.ts';
import { FocusUnion } from './focus-union.ts';

describe('FocusUnion', () => {
  it('focuses a thread while any tab is on it, and unfocuses it when the last one leaves', () => {
    const union = new FocusUnion();
    const sent: ClientFrame[] = [];
    const send = (frame: ClientFrame) => (sent.push(frame), true);
    union.setTab('a', ['t1']);
    union.setTab('b', ['t1', 't2']);
    union.reconcile(send);
    expect(sent.splice(0)).toEqual([
      { type: 'focus_thread', data: { thread_id: 't1' } },
      { type: 'focus_thread', data: { thread_id: 't2' } },
    ]);
    union.setTab('a', []);
    union.reconcile(send);
    expect(sent.splice(0)).toEqual([]);
    union.removeTab('b');
    union.reconcile(send);
    expect(sent.splice(0)).toEqual([
      { type: 'unfocus_thread', data: { thread_id: 't1' } },
      { type: 'unfocus_thread', data: { thread_id: 't2' } },
    ]);
  });

  it('tells a new connection the whole union again, and retries a focus that could not be sent', () => {
    const union = new FocusUnion();
    const sent: ClientFrame[] = [];
    let open = false;
    const send = (frame: ClientFrame) => open && (sent.push(frame), true);
    union.setTab('a', ['t1']);
    union.reconcile(send);
    expect(sent).toEqual([]);
    open = true;
    union.reconcile(send);
    expect(sent.splice(0)).toEqual([{ type: 'focus_thread', data: { thread_id: 't1' } }]);
    union.reset();
    union.reconcile(send);
    expect(sent.splice(0)).toEqual([{ type: 'focus_thread', data: { thread_id: 't1' } }]);
  });
});
