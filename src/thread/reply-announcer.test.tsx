import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineItem } from '../core/timeline/timeline-item.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { ReplyAnnouncer } from './reply-announcer.tsx';

afterEach(cleanup);

const ME = 'user:alice';
const BOB = 'user:bob';
const THREAD = { participants: [{ sender_id: BOB, name: 'Bob' }] } as unknown as InboundThread;

const message = (seq: number, senderId = BOB): TimelineItem => ({
  kind: 'message',
  key: `message|m-${seq}`,
  message: {
    id: `m-${seq}`,
    threadId: 't1',
    seq,
    senderId,
    role: 'user',
    content: `message ${seq}`,
    clientMessageId: null,
    mentions: [],
    createdAt: null,
  },
  runId: null,
});

const said = () => screen.getByRole('log', { name: 'New messages' });

/** The announcer as a thread view renders it, through the states a thread goes through when it opens. */
function openThread(history: TimelineItem[]) {
  const view = render(<ReplyAnnouncer items={[]} loaded={false} thread={THREAD} selfSenderId={ME} />);
  // The first page arrives while the thread still catches up…
  view.rerender(<ReplyAnnouncer items={history.slice(0, 1)} loaded={false} thread={THREAD} selfSenderId={ME} />);
  // …then the rest: the thread is loaded.
  view.rerender(<ReplyAnnouncer items={history} loaded thread={THREAD} selfSenderId={ME} />);
  return (items: TimelineItem[]) => view.rerender(<ReplyAnnouncer items={items} loaded thread={THREAD} selfSenderId={ME} />);
}

describe('ReplyAnnouncer', () => {
  it('does not read the old messages of a thread being opened; a new one is announced once', () => {
    const history = [message(1), message(2), message(3)];
    const update = openThread(history);
    expect(said().textContent).toBe('');

    update([...history, message(4)]);
    expect([...said().querySelectorAll('p')].map((line) => line.textContent)).toEqual(['Bob: message 4']);
    // A new snapshot with the same messages (typing, presence…) says nothing again.
    update([...history, message(4)]);
    expect([...said().querySelectorAll('p')].map((line) => line.textContent)).toEqual(['Bob: message 4']);
  });

  it('does not announce my own messages', () => {
    const history = [message(1)];
    const update = openThread(history);
    update([...history, message(2, ME), message(3)]);
    expect([...said().querySelectorAll('p')].map((line) => line.textContent)).toEqual(['Bob: message 3']);
  });
});
