import { expect } from 'vitest';
import type { FaultCluster } from './fault-cluster.ts';
import { attempt, type Attempt, type ReconnectingReader, type RetryingSender } from './outbox-client.ts';

/** How long the readers may take to hold every event once the sends are over. */
const READERS_CATCH_UP_MS = 15_000;

/** What the clients saw during a fault, for the test's printed figures. */
export interface FaultFigures {
  committed: number;
  attempts: number;
  errorAnswers: number;
  connectionErrors: number;
  slowestAnswerMs: number;
}

/**
 * The outcome every fault must leave (issue 22): no request went unanswered past the
 * client's deadline; every error answer is a retryable 5xx in the contract's shape with
 * `Retry-After`; every message sent is committed exactly once, under dense seqs; and every
 * reader, after its reconnects and catch-ups, holds every event of the thread.
 */
export async function expectNothingLost(
  cluster: FaultCluster,
  senders: RetryingSender[],
  readers: ReconnectingReader[],
  /** Only messages whose client_message_id starts with this are compared (earlier tests' are in the log too). */
  idPrefix = '',
): Promise<FaultFigures> {
  const attempts: Attempt[] = senders.flatMap((sender) => sender.attempts);
  expect(attempts.filter((one) => one.failure === 'deadline')).toEqual([]);
  const errors = attempts.filter((one) => one.status !== null && one.status !== 200 && one.status !== 201);
  for (const error of errors) {
    expect(error.status).toBe(503);
    expect(error.body).toEqual({ error: { code: 'unavailable', message: expect.any(String), retryable: true } });
    expect(error.retryAfter).toMatch(/^\d+$/);
  }

  // The thread's log, read whole: one message per client_message_id, seqs 1, 2, 3, … without a hole.
  const events: { thread_seq: number; event_type: string; data: { client_message_id?: string } }[] = [];
  for (;;) {
    const page = await attempt(`${cluster.url}/api/v1/chat/threads/${cluster.threadId}/events?last_thread_seq=${events.length}&limit=200`, {
      headers: { authorization: `Bearer ${cluster.sender.token}` },
    });
    expect(page.status).toBe(200);
    const body = page.body as { events: typeof events; has_more: boolean };
    events.push(...body.events);
    if (!body.has_more) break;
  }
  expect(events.map((event) => event.thread_seq)).toEqual(events.map((_, index) => index + 1));
  const sent = senders.flatMap((sender) => [...sender.committed.keys()]).sort();
  const logged = events
    .filter((event) => event.event_type === 'message_committed')
    .map((event) => event.data.client_message_id!)
    .filter((id) => id.startsWith(idPrefix))
    .sort();
  expect(logged).toEqual(sent);
  for (const sender of senders) {
    for (const [id, seq] of sender.committed) expect(events[seq - 1]?.data.client_message_id).toBe(id);
  }

  const lastSeq = events.length;
  await Promise.all(readers.map((reader) => reader.waitForAll(lastSeq, READERS_CATCH_UP_MS)));
  for (const reader of readers) {
    expect([...reader.seqs].sort((a, b) => a - b)).toEqual(events.map((_, index) => index + 1));
  }
  return {
    committed: sent.length,
    attempts: attempts.length,
    errorAnswers: errors.length,
    connectionErrors: attempts.filter((one) => one.status === null).length,
    slowestAnswerMs: Math.round(Math.max(...attempts.map((one) => one.ms))),
  };
}
