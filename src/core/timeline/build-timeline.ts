import { approvalOutcome, runIdOfBody, runStepOfEvent } from '../protocol/runtime-steps.ts';
import type { LogEntry, MessageView } from '../sync/log-entry.ts';
import type { OutboxItem } from '../sync/outbox.ts';
import { reduceRun, type ApprovalView, type RunView } from '../sync/run-state.ts';
import { replyKey, runKey, timelineKey, type TimelineItem } from './timeline-item.ts';

export interface TimelineInput {
  /** The reconciled log, in seq order. */
  entries: readonly LogEntry[];
  /** The user's messages not committed yet, in the order they were written. */
  outbox: readonly OutboxItem[];
  /** The runs as the live runtime frames built them, in the order they started. */
  runs: readonly RunView[];
  selfSenderId: string;
}

export interface Timeline {
  items: readonly TimelineItem[];
  /** The runs with the log's steps for them folded in, settled against the log (see {@link settleRuns}). */
  runs: readonly RunView[];
}

/**
 * Folds the durable steps the log holds for each live run (tool calls, approvals,
 * escalations, `run_failed`) into it: whichever way a step arrived first, the run ends
 * the same. Runs the live frames never told about are not made up from the log: their
 * events show as the log's own items.
 */
export function foldLogIntoRuns(runs: readonly RunView[], entries: readonly LogEntry[]): RunView[] {
  if (runs.length === 0) return [];
  const byId = new Map(runs.map((run) => [run.runId, run]));
  for (const entry of entries) {
    if (entry.kind !== 'event') continue;
    const step = runStepOfEvent(entry.body);
    const run = step ? byId.get(step.runId) : undefined;
    if (!step || !run) continue;
    byId.set(
      step.runId,
      reduceRun(run, run.threadId, step.runId, step.step, NO_ORIGIN, entry.createdAt ? Date.parse(entry.createdAt) : null),
    );
  }
  return [...byId.values()];
}

const NO_ORIGIN = { agentId: null, inReplyTo: null };

/** What the log says about the runs, gathered in one pass. */
interface LogFacts {
  messageById: Map<string, MessageView>;
  /** Messages in seq order. */
  messages: MessageView[];
}

function factsOf(entries: readonly LogEntry[]): LogFacts {
  const messageById = new Map<string, MessageView>();
  const messages: MessageView[] = [];
  for (const entry of entries) {
    if (entry.kind !== 'message') continue;
    messageById.set(entry.id, entry);
    messages.push(entry);
  }
  return { messageById, messages };
}

/**
 * The message that answered a run although the run never said so (its `reply_committed`
 * was lost): the first message from the run's agent after the one that started the run,
 * that is not another run's reply. Null when the log holds none.
 */
function unclaimedAnswer(run: RunView, facts: LogFacts, claimed: ReadonlySet<string>): MessageView | null {
  const trigger = run.inReplyTo ? facts.messageById.get(run.inReplyTo) : undefined;
  if (!trigger || !run.agentId) return null;
  for (const message of facts.messages) {
    if (message.seq > trigger.seq && message.senderId === run.agentId && !claimed.has(message.id)) return message;
  }
  return null;
}

/**
 * Settles runs against the log. A run whose reply the log holds is committed and finished,
 * even if its `run_finished` (or `reply_committed`) was lost in a reconnect: a stale
 * "Thinking…" or a never-ending stream would otherwise stay forever.
 */
export function settleRuns(runs: readonly RunView[], entries: readonly LogEntry[]): RunView[] {
  return settle(foldLogIntoRuns(runs, entries), factsOf(entries)).runs;
}

function settle(runs: readonly RunView[], facts: LogFacts): { runs: RunView[]; answered: Set<string> } {
  const claimed = new Set<string>();
  for (const run of runs) if (run.replyMessageId) claimed.add(run.replyMessageId);
  const answered = new Set<string>();
  const settled = runs.map((run) => {
    if (run.status === 'failed') return run;
    const reply = run.replyMessageId !== null ? facts.messageById.get(run.replyMessageId) : undefined;
    const answer = reply ? null : unclaimedAnswer(run, facts, claimed);
    if (answer) answered.add(run.runId);
    const found = reply ?? answer;
    if (!found) return run;
    if (run.finished && run.status === 'committed' && run.replySeq !== null) return run;
    // The log tells the reply's seq when the run did not (seed 002's `message_completed` has none).
    return { ...run, status: 'committed' as const, finished: true, replyMessageId: found.id, replySeq: run.replySeq ?? found.seq };
  });
  return { runs: settled, answered };
}

/** How each approval the log holds ended, by the events that ended it. */
function approvalOutcomes(entries: readonly LogEntry[]): Map<string, { status: ApprovalView['status']; decidedBy: string | null }> {
  const outcomes = new Map<string, { status: ApprovalView['status']; decidedBy: string | null }>();
  for (const entry of entries) {
    if (entry.kind !== 'event') continue;
    const body = entry.body;
    if (body.type === 'approval_resolved' || body.type === 'approval_expired') {
      outcomes.set(body.data.approval_id, { status: approvalOutcome(body.type, body.data), decidedBy: body.data.decided_by ?? null });
    }
  }
  return outcomes;
}

/** True while a run's reply is being written and is not in the log yet. */
function isStreaming(run: RunView, answered: ReadonlySet<string>, facts: LogFacts): boolean {
  if (!run.text || run.status === 'failed' || (run.status !== 'streaming' && run.status !== 'committed')) return false;
  if (run.replyMessageId !== null && facts.messageById.has(run.replyMessageId)) return false;
  return !answered.has(run.runId);
}

/**
 * The thread's timeline, a pure function of its log, its outbox and its runs: committed
 * entries in seq order, each run's card after the message that started it, the user's
 * messages not committed yet, runs with no message to follow, and the reply still
 * streaming. Day breaks and the unread marker depend on when and by whom the thread is
 * seen, and are added by `layoutTimeline`.
 *
 * The rules of what a thread shows live here, once:
 * - a live run takes the steps the log holds for it ({@link foldLogIntoRuns});
 * - a pending and a committed copy of one message are never both shown; they share a key;
 * - a run's streaming reply and its committed message share {@link replyKey};
 * - a run whose reply is in the log is finished (see {@link settleRuns});
 * - an approval shows how it ended (resolved, rejected, expired) once the log or the run says so.
 */
export function buildTimeline({ entries, outbox, runs: rawRuns, selfSenderId }: TimelineInput): Timeline {
  const facts = factsOf(entries);
  const { runs, answered } = settle(foldLogIntoRuns(rawRuns, entries), facts);
  const runById = new Map<string, RunView>();
  const runByReply = new Map<string, RunView>();
  const runsByTrigger = new Map<string, RunView[]>();
  for (const run of runs) {
    runById.set(run.runId, run);
    if (run.replyMessageId) runByReply.set(run.replyMessageId, run);
    if (run.inReplyTo) runsByTrigger.set(run.inReplyTo, [...(runsByTrigger.get(run.inReplyTo) ?? []), run]);
  }
  const outcomes = approvalOutcomes(entries);
  const committedClientIds = new Set<string>();
  const placed = new Set<string>();
  const items: TimelineItem[] = [];

  for (const entry of entries) {
    if (entry.kind === 'message') {
      const own = entry.senderId === selfSenderId && entry.clientMessageId !== null;
      if (own) committedClientIds.add(entry.clientMessageId!);
      const run = runByReply.get(entry.id);
      const key = run ? replyKey(run.runId) : own ? timelineKey(selfSenderId, entry.clientMessageId!) : `message|${entry.id}`;
      items.push({ kind: 'message', key, message: entry, runId: run?.runId ?? null });
      for (const started of runsByTrigger.get(entry.id) ?? []) {
        items.push({ kind: 'run', key: runKey(started.runId), run: started });
        placed.add(started.runId);
      }
      continue;
    }
    const key = `event|${entry.key}`;
    const runId = runIdOfBody(entry.body);
    const inRunCard = runId !== null && runById.has(runId);
    const body = entry.body;
    if (body.type === 'approval_pending') {
      const live = runId ? runById.get(runId)?.approvals.find((approval) => approval.id === body.data.approval_id) : undefined;
      const outcome = outcomes.get(body.data.approval_id);
      const approval: ApprovalView = {
        id: body.data.approval_id,
        toolName: body.data.tool_name ?? 'tool',
        preview: body.data.preview ?? null,
        expiresAt: body.data.expires_at ?? null,
        status: outcome?.status ?? live?.status ?? 'pending',
        decidedBy: outcome?.decidedBy ?? live?.decidedBy ?? null,
      };
      items.push({
        kind: 'approval',
        key,
        seq: entry.seq,
        createdAt: entry.createdAt,
        approval,
        requestedBy: entry.senderId,
        runId,
        inRunCard,
      });
    } else if (body.type === 'escalation_created') {
      items.push({
        kind: 'escalation',
        key,
        seq: entry.seq,
        createdAt: entry.createdAt,
        senderId: entry.senderId,
        to: body.data.to ?? 'someone',
        reason: body.data.reason ?? '',
        runId,
        inRunCard,
      });
    } else {
      items.push({ kind: 'notice', key, seq: entry.seq, entry, runId, inRunCard });
    }
  }
  for (const item of outbox) {
    if (!committedClientIds.has(item.clientMessageId))
      items.push({ kind: 'pending_message', key: timelineKey(selfSenderId, item.clientMessageId), item });
  }
  for (const run of runs) {
    if (!placed.has(run.runId) && !(run.finished && run.status === 'committed')) items.push({ kind: 'run', key: runKey(run.runId), run });
  }
  for (const run of runs) {
    if (isStreaming(run, answered, facts))
      items.push({ kind: 'streaming_reply', key: replyKey(run.runId), run, senderId: run.agentId, text: run.text });
  }
  return { items, runs };
}
