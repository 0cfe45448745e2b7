import { describe, expect, it } from 'vitest';
import type { TabState } from '../tabs/tab-roster.ts';
import { notifyDecision } from './notify-decision.ts';

const tab = (state: Partial<TabState>): TabState => ({ tabId: 'x', visible: false, focused: false, threadId: null, ...state });
const decide = (tabs: TabState[], extra: { muted?: boolean; senderId?: string } = {}) =>
  notifyDecision({ threadId: 't1', senderId: extra.senderId ?? 'user:bob', selfSenderId: 'user:alice', muted: extra.muted ?? false, tabs });

describe('notifyDecision', () => {
  it('notifies while every tab is hidden, whatever thread they were on', () => {
    expect(decide([tab({ threadId: 't1' }), tab({ threadId: 't2' }), tab({})])).toBe('notify');
  });

  it('stays quiet while any tab is visible on the thread, focused or not', () => {
    expect(decide([tab({}), tab({ visible: true, threadId: 't1' })])).toBe('on_screen');
    expect(decide([tab({ visible: true, focused: true, threadId: 't1' })])).toBe('on_screen');
  });

  it('a visible tab on another thread: quiet when focused (the user works in the inbox), notifies when not', () => {
    expect(decide([tab({ visible: true, focused: true, threadId: 't2' })])).toBe('in_use');
    expect(decide([tab({ visible: true, focused: false, threadId: 't2' }), tab({ threadId: 't1' })])).toBe('notify');
  });

  it('never for a muted thread or the user’s own message', () => {
    expect(decide([tab({})], { muted: true })).toBe('muted');
    expect(decide([tab({})], { senderId: 'user:alice' })).toBe('own');
  });
});
