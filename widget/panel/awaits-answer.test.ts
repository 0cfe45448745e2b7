import { describe, expect, it } from 'vitest';
import type { EventEntry, MessageView } from '../../src/core/sync/log-entry.ts';
import type { OutboxItem } from '../../src/core/sync/outbox.ts';
import type { RunStatus, RunView } from '../../src/core/sync/run-state.ts';
import type { TimelineItem } from '../../src/core/timeline/timeline-item.ts';
import { awaitsAnswer } from './awaits-answer.ts';

const VISITOR = 'visitor:v-1';
const AGENT = 'agent:a-1';
const PERSON = 'user:u-alice';

let seq = 0;
const message = (senderId: string): TimelineItem => {
  const view = {
    id: `m-${++seq}`,
    threadId: 't',
    seq,
    senderId,
    role: 'user',
    content: 'words',
    clientMessageId: null,
    mentions: [],
    createdAt: null,
  };
  return { kind: 'message', key: view.id, message: view as MessageView, runId: null };
};
const status = (value: 'waiting' | 'open' | 'resolved'): TimelineItem => {
  const entry = { kind: 'event', seq: ++seq, key: `e-${seq}`, type: 'status_changed', senderId: 'system', content: null, createdAt: null };
  const body = { type: 'status_changed', data: { status: value, previous: 'open', by: 'system' } };
  return { kind: 'notice', key: entry.key, seq, entry: { ...entry, body } as EventEntry, runId: null, inRunCard: false };
};
const run = (status: RunStatus, finished = false): TimelineItem => ({
  kind: 'run',
  key: `r-${++seq}`,
  run: { runId: `run-${seq}`, status, finished } as RunView,
  earlier: [],
});
const pending = (): TimelineItem => ({ kind: 'pending_message', key: `p-${++seq}`, item: { content: 'still sending' } as OutboxItem });

describe('awaitsAnswer (whether closing offers to leave an email)', () => {
  it('is true while the visitor’s last message, sent or still in the outbox, has no message after it', () => {
    expect(awaitsAnswer([message(VISITOR)])).toBe(true);
    expect(awaitsAnswer([message(AGENT), message(VISITOR)])).toBe(true);
    expect(awaitsAnswer([message(VISITOR), message(AGENT), pending()])).toBe(true);
  });

  it('is false once the agent or a person answered, and for nothing written yet', () => {
    expect(awaitsAnswer([])).toBe(false);
    expect(awaitsAnswer([message(VISITOR), message(AGENT)])).toBe(false);
    expect(awaitsAnswer([message(VISITOR), message(PERSON)])).toBe(false);
  });

  it('is true while the agent is still at its reply (streaming, a tool, an approval), whatever it said so far', () => {
    expect(awaitsAnswer([message(VISITOR), run('streaming')])).toBe(true);
    expect(awaitsAnswer([message(VISITOR), run('running'), message(AGENT)])).toBe(true);
    expect(awaitsAnswer([message(VISITOR), run('committed', true), message(AGENT)])).toBe(false);
    expect(awaitsAnswer([message(VISITOR), run('failed', true)])).toBe(true);
    expect(awaitsAnswer([message(VISITOR), run('failed', true), message(AGENT)])).toBe(false);
  });

  it('is true while the conversation waits for a person nobody has written as yet, whatever the agent says', () => {
    expect(awaitsAnswer([message(VISITOR), message(AGENT), status('waiting')])).toBe(true);
    expect(awaitsAnswer([message(VISITOR), status('waiting'), message(AGENT)])).toBe(true);
    expect(awaitsAnswer([message(VISITOR), status('waiting'), message(PERSON)])).toBe(false);
    expect(awaitsAnswer([message(VISITOR), message(AGENT), status('waiting'), status('resolved')])).toBe(false);
  });
});
