import { createHash } from 'node:crypto';
import type { Message, Role, ThreadEvent } from '../../../src/core/protocol/model.ts';
import type { Storage } from '../storage/storage.ts';

/** Events read per page while looking through a thread's log. */
const LOG_PAGE = 500;

/** What a retry needs of a failed run, found in the log (any process can read it). */
export interface FailedRun {
  agentId: string;
  /** The message the failed run answered, to be answered again. */
  message: Message;
  /** The id the retry runs under: the same for every retry of this run, so a second one is recognised. */
  retryRunId: string;
}

/** Why a run cannot be retried, in words for the 409. */
export type RetryRefusal = 'not_failed' | 'not_retryable' | 'already_retried';

/**
 * The run id a retry of `runId` runs under: a UUID (version 8) derived from the failed
 * run's id. Every process derives the same one, so the retry's durable events (and its
 * reply's `client_message_id` `run:<id>`) show in the log that the run was retried.
 */
export function retryRunIdOf(runId: string): string {
  const hex = createHash('sha256').update(`retry:${runId}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

async function* readLog(storage: Storage, threadId: string, untilSeq = Infinity): AsyncGenerator<ThreadEvent> {
  for (let after = 0; ;) {
    const page = await storage.log.list(threadId, after, LOG_PAGE);
    for (const event of page.events) {
      if (event.thread_seq > untilSeq) return;
      yield event;
    }
    const last = page.events.at(-1);
    if (!page.hasMore || !last) return;
    after = last.thread_seq;
  }
}

/** Whether an event was written by the run `runId` (its tool calls, approvals, failure, or its reply). */
function isTraceOf(event: ThreadEvent, runId: string): boolean {
  if (event.event_type === 'message_committed') return event.data.client_message_id === `run:${runId}`;
  return event.data.run_id === runId;
}

function messageOf(event: ThreadEvent): Message {
  const data = event.data as {
    message_id: string;
    client_message_id: string | null;
    role: Role;
    mentions: Message['mentions'];
    base_seq: number | null;
    latest_seen_seq: number | null;
  };
  return {
    id: data.message_id,
    thread_id: event.thread_id,
    thread_seq: event.thread_seq,
    sender_id: event.sender_id,
    role: data.role,
    content: event.content ?? '',
    client_message_id: data.client_message_id,
    mentions: data.mentions,
    base_seq: data.base_seq,
    latest_seen_seq: data.latest_seen_seq,
    created_at: event.created_at,
  };
}

/**
 * Finds the failed run `runId` of a thread by its durable `run_failed` event (which carries
 * `run_id`, `message_id` and the error), and the message it answered. Refused when no
 * such failure is in the log, its error was not retryable, or a retry already left a trace.
 */
export async function findFailedRun(storage: Storage, threadId: string, runId: string): Promise<FailedRun | RetryRefusal> {
  const retryRunId = retryRunIdOf(runId);
  let failure: ThreadEvent | undefined;
  for await (const event of readLog(storage, threadId)) {
    if (!failure) {
      if (event.event_type === 'run_failed' && event.data.run_id === runId) failure = event;
    } else if (isTraceOf(event, retryRunId)) {
      return 'already_retried';
    }
  }
  if (!failure || !failure.sender_id.startsWith('agent:')) return 'not_failed';
  const error = failure.data.error as { retryable?: unknown } | undefined;
  if (error?.retryable !== true) return 'not_retryable';
  const messageId = failure.data.message_id;
  for await (const event of readLog(storage, threadId, failure.thread_seq)) {
    if (event.event_type === 'message_committed' && event.data.message_id === messageId) {
      return { agentId: failure.sender_id.slice('agent:'.length), message: messageOf(event), retryRunId };
    }
  }
  return 'not_failed';
}
