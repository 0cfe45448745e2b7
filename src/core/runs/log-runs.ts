/**
 * Runs only the log tells about: the inbox was loaded (or the thread opened) after they
 * began, so no live frame told of them. Their durable events (tool calls, approvals,
 * escalations, `run_failed`) make the same run card the live frames made, through the same
 * reducer. The widget does not show run cards and does without (its bundle stays small).
 */
import type { LogEntry } from '../sync/log-entry.ts';
import { emptyRun, reduceRun, type RunState } from './run-reducer.ts';
import { lastMessageNotFrom, type LogRunMaker } from './thread-runs.ts';

/**
 * A run begun at its first event `first`: under way (when it was queued and started only live
 * frames tell), run by the agent that wrote the event, answering the message its `run_failed`
 * names (CONTRACT §5) or, before that is in the log, the newest message before the event from
 * someone else. Its steps are then folded in as the log's events come.
 */
export const logRun: LogRunMaker = (threadId, entries, first, runId): RunState => {
  const index = entries.indexOf(first);
  // An approval's decision is a person's event, not the agent's.
  const agentId = first.senderId.startsWith('agent:') ? first.senderId : null;
  const origin = { agentId, inReplyTo: failedMessage(entries, index, runId) ?? lastMessageNotFrom(entries.slice(0, index), agentId) };
  return reduceRun(emptyRun(threadId, runId), { kind: 'frame', step: { type: 'started' }, origin, at: null });
};

/** The message a run's `run_failed` (at or after `from`) says it answered, if the log holds it yet. */
function failedMessage(entries: readonly LogEntry[], from: number, runId: string): string | null {
  for (let index = from; index < entries.length; index++) {
    const entry = entries[index]!;
    if (entry.kind === 'event' && entry.body.type === 'run_failed' && entry.body.data.run_id === runId)
      return entry.body.data.message_id ?? null;
  }
  return null;
}
