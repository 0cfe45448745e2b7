import { describe, expect, it } from 'vitest';
import { collapseDrafts } from './message-collapse.ts';
import type { NotificationDraft } from './stores/notification-store.ts';

const titles = { from: { before: '', after: ' new messages from Ann' }, in: { before: '', after: ' new messages in Plans' } };
const message = (userId: string, seq: number, sender: string, dueAt = seq): NotificationDraft => ({
  userId,
  kind: 'message',
  threadSeq: seq,
  title: `New message from ${sender}`,
  body: `text ${seq}`,
  collapse: { senderId: sender, count: 1, titles },
  deliveries: [
    { channel: 'push', dueAt },
    { channel: 'email', dueAt: dueAt + 100 },
  ],
});
const mention = (userId: string, seq: number): NotificationDraft => ({
  userId,
  kind: 'mention',
  threadSeq: seq,
  title: 'Ann mentioned you',
  body: `text ${seq}`,
  deliveries: [],
});

describe('collapseDrafts', () => {
  it("joins a user's `message` drafts of one slice into the newest, in its place, counted; other kinds and users stay apart", () => {
    const joined = collapseDrafts([message('b', 1, 'Ann'), message('c', 1, 'Ann'), mention('b', 2), message('b', 3, 'Ann', 50)]);
    expect(joined.map((d) => [d.userId, d.kind, d.threadSeq, d.title, d.body, d.collapse?.count])).toEqual([
      ['c', 'message', 1, 'New message from Ann', 'text 1', 1],
      ['b', 'mention', 2, 'Ann mentioned you', 'text 2', undefined],
      ['b', 'message', 3, '2 new messages from Ann', 'text 3', 2],
    ]);
    // Each channel is due as early as the earliest message it stands for.
    expect(joined[2]!.deliveries).toEqual([
      { channel: 'push', dueAt: 1 },
      { channel: 'email', dueAt: 101 },
    ]);
  });

  it('several senders: "… in <thread>", and the sender is forgotten for later joins', () => {
    const [only] = collapseDrafts([message('b', 1, 'Ann'), message('b', 2, 'Bo'), message('b', 3, 'Ann')]);
    expect(only).toMatchObject({ threadSeq: 3, title: '3 new messages in Plans', collapse: { senderId: null, count: 3 } });
  });

  it('each channel is due as early as the earliest joined message that had it, even one between that did not', () => {
    const pushOnly = { ...message('b', 2, 'Ann'), deliveries: [{ channel: 'push' as const, dueAt: 2 }] };
    const [only] = collapseDrafts([message('b', 1, 'Ann', 10), pushOnly, message('b', 3, 'Ann', 30)]);
    expect(only!.deliveries).toEqual([
      { channel: 'push', dueAt: 2 },
      { channel: 'email', dueAt: 110 },
    ]);
  });
});
