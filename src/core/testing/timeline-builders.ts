/**
 * Small builders for tests of the timeline and what maps it (inbox rows, widget rows):
 * log entries made the way the engine makes them, and runs reduced from runtime frames.
 */
import { parseRuntimeData } from '../protocol/runtime-steps.ts';
import { entryFromEvent, type LogEntry } from '../sync/log-entry.ts';
import { emptyRun, reduceRun, runStateOf } from '../runs/run-reducer.ts';
import type { RunView } from '../sync/run-state.ts';

/** A durable event as the log holds it (`message_committed` included: `data.message_id` names the message). */
export function logEntry(
  seq: number,
  type: string,
  data: Record<string, unknown> = {},
  options: { senderId?: string; content?: string; createdAt?: string; threadId?: string } = {},
): LogEntry {
  return entryFromEvent(options.threadId ?? 't', {
    event_id: type === 'message_committed' ? undefined : `e${seq}`,
    thread_seq: seq,
    event_type: type,
    sender_id: options.senderId ?? 'system',
    content: options.content ?? null,
    created_at: options.createdAt,
    data: type === 'message_committed' ? { message_id: `m${seq}`, ...data } : data,
  });
}

/** A committed message `m<seq>` from `senderId`. */
export const messageEntry = (
  seq: number,
  senderId: string,
  content = `message ${seq}`,
  createdAt?: string,
  data: Record<string, unknown> = {},
): LogEntry =>
  logEntry(seq, 'message_committed', { role: senderId.startsWith('agent:') ? 'agent' : 'user', ...data }, { senderId, content, createdAt });

/** Applies `thread_runtime` data (either vocabulary) to a run, as the engine does; throws on data the parser refuses. */
export function applyRuntime(
  run: RunView | undefined,
  data: { event_type: string } & Record<string, unknown>,
  now: number | null = 0,
  threadId = 't',
): RunView {
  const parsed = parseRuntimeData(data);
  if (!parsed.ok) throw new Error(`${data.event_type}: ${parsed.reason}`);
  const { runId, agentId, inReplyTo, step } = parsed.value;
  const id = runId ?? run?.runId;
  if (!id) throw new Error(`${data.event_type} names no run`);
  return reduceRun(run ? runStateOf(run) : emptyRun(threadId, id), { kind: 'frame', step, origin: { agentId, inReplyTo }, at: now }).view;
}

/** A run after these runtime frames (each given `defaults`). */
export function runOf(
  frames: ({ event_type: string } & Record<string, unknown>)[],
  defaults: Record<string, unknown> = {},
  now: number | null = 0,
): RunView {
  let run: RunView | undefined;
  for (const frame of frames) run = applyRuntime(run, { ...defaults, ...frame }, now);
  if (!run) throw new Error('a run needs at least one frame');
  return run;
}
