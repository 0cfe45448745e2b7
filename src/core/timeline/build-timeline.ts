import { approvalOutcome, runIdOfBody } from '../protocol/runtime-steps.ts';
import type { RunState } from '../runs/run-reducer.ts';
import { runsFromLog, type LogRunMaker } from '../runs/thread-runs.ts';
import type { LogEntry, MessageEntry } from '../sync/log-entry.ts';
import type { OutboxItem } from '../sync/outbox.ts';
import type { ApprovalView, RunView } from '../sync/run-state.ts';
import { runAttempts } from './run-attempts.ts';
import { replyKey, runKey, timelineKey, type RunItem, type TimelineItem } from './timeline-item.ts';

export interface TimelineInput {
  /** The reconciled log, in seq order. */
  entries: readonly LogEntry[];
  /** The user's messages not committed yet, in the order they were written. */
  outbox: readonly OutboxItem[];
  /** The runs as the live runtime frames built them, in the order they started (not settled yet). */
  runs: readonly RunView[];
  selfSenderId: string;
  /**
   * The entries reach the live end (the default). False for a window opened around an older
   * message: the runs with no message in it and the reply streaming are not shown at its end.
   */
  live?: boolean;
  /** Makes the runs only the log tells about (the inbox's `logRun`); without it their events show as items of their own. */
  fromLog?: LogRunMaker;
}

export interface Timeline {
  items: readonly TimelineItem[];
  /** The runs as the timeline shows them: settled against the log (see `runs/run-reducer.ts`). */
  runs: readonly RunView[];
}

/** {@link TimelineInput} with the runs already reduced: what a `ThreadSession` keeps. */
export interface ReducedTimelineInput extends Omit<TimelineInput, 'runs' | 'fromLog'> {
  /** The thread's runs as `ThreadRuns` keeps them, in the order they started. */
  runs: readonly RunState[];
}

/**
 * The runs live frames built, settled against the log from scratch: its run events
 * folded in, and a run whose reply the log holds committed and finished (see `runsFromLog`).
 */
export function settleRuns(runs: readonly RunView[], entries: readonly LogEntry[]): RunView[] {
  return runsFromLog(runs, entries).map((run) => run.view);
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
function isStreaming({ view: run, reply }: RunState): boolean {
  if (!run.text || run.status === 'failed' || (run.status !== 'streaming' && run.status !== 'committed')) return false;
  return reply === null;
}

/**
 * The thread's timeline from its log, its outbox and the runs as live frames built them,
 * from scratch: the runs are settled against the log ({@link settleRuns}), then read by
 * {@link readTimeline}. A `ThreadSession` keeps its runs reduced and reads them directly.
 */
export function buildTimeline({ entries, outbox, runs, selfSenderId, fromLog }: TimelineInput): Timeline {
  return readTimeline({ entries, outbox, runs: runsFromLog(runs, entries, fromLog), selfSenderId });
}

/**
 * The thread's timeline, a pure function of its log, its outbox and its reduced runs: committed
 * entries in seq order, each run's card after the message that started it, the user's
 * messages not committed yet, runs with no message to follow, and the reply still
 * streaming. Day breaks and the unread marker depend on when and by whom the thread is
 * seen, and are added by `layoutTimeline`.
 *
 * The rules of what a thread shows live here, once:
 * - a run is what its reducer made of its live frames and the log (`runs/run-reducer.ts`);
 * - a run's card follows the message it answers, or its first step when that message is not here;
 * - a pending and a committed copy of one message are never both shown; they share a key;
 * - a run's streaming reply and its committed message share {@link replyKey};
 * - a run's streaming reply shows until its reply is in the log;
 * - a failed run that a later attempt replaced (a retry, see `runAttempts`) shows inside that
 *   attempt's card, which takes its place and its key;
 * - an approval shows how it ended (resolved, rejected, expired) once the log or the run says so.
 */
export function readTimeline({ entries, outbox, runs: states, selfSenderId, live = true }: ReducedTimelineInput): Timeline {
  const runs = states.map((state) => state.view);
  const runById = new Map<string, RunView>();
  const runByReply = new Map<string, RunView>();
  const runsByTrigger = new Map<string, RunState[]>();
  for (const state of states) {
    const run = state.view;
    runById.set(run.runId, run);
    if (run.replyMessageId) runByReply.set(run.replyMessageId, run);
    if (run.inReplyTo) runsByTrigger.set(run.inReplyTo, [...(runsByTrigger.get(run.inReplyTo) ?? []), state]);
  }
  const attempts = runAttempts(runs);
  const runItem = (run: RunView): RunItem => {
    const earlier = attempts.earlier.get(run.runId) ?? [];
    return { kind: 'run', key: runKey(earlier[0]?.runId ?? run.runId), run, earlier };
  };
  const replies = replyEntries(states, entries);
  const outcomes = approvalOutcomes(entries);
  const committedClientIds = new Set<string>();
  const placed = new Set<string>();
  /** Replies (streaming or committed) already shown with what they answer. */
  const placedReplies = new Set<string>();
  const items: TimelineItem[] = [];
  const pushMessage = (entry: MessageEntry) => {
    const own = entry.senderId === selfSenderId && entry.clientMessageId !== null;
    if (own) committedClientIds.add(entry.clientMessageId!);
    const run = runByReply.get(entry.id);
    const key = run ? replyKey(run.runId) : own ? timelineKey(selfSenderId, entry.clientMessageId!) : `message|${entry.id}`;
    items.push({ kind: 'message', key, message: entry, runId: run?.runId ?? null });
  };

  /** The first message after `index` not shown already (with what it answers), if any. */
  const nextMessage = (index: number): MessageEntry | null => {
    for (let next = index + 1; next < entries.length; next++) {
      const entry = entries[next]!;
      if (entry.kind === 'message' && !placedReplies.has(entry.id)) return entry;
    }
    return null;
  };

  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index]!;
    if (entry.kind === 'message') {
      if (placedReplies.has(entry.id)) continue;
      pushMessage(entry);
      // Each run after the message it answers, and its reply right below its card: a reply
      // that comes after later messages (a run that waited on an approval) still sits here.
      for (const state of runsByTrigger.get(entry.id) ?? []) {
        const started = state.view;
        placed.add(started.runId);
        // A failed attempt that was retried shows inside its retry's card, in its place.
        if (attempts.replaced.has(started.runId)) continue;
        items.push(runItem(started));
        // Moved up only past a later message: otherwise the reply keeps its place in the log,
        // and a streaming one stays the list's live tail (see `splitLiveTail`).
        const later = nextMessage(index);
        const reply = state.reply && replies.get(state.reply.messageId);
        if (reply && later && later.id !== reply.id && !placedReplies.has(reply.id)) {
          pushMessage(reply);
          placedReplies.add(reply.id);
        } else if (isStreaming(state) && later) {
          items.push({
            kind: 'streaming_reply',
            key: replyKey(started.runId),
            run: started,
            senderId: started.agentId,
            text: started.text,
          });
          placedReplies.add(replyKey(started.runId));
        }
      }
      continue;
    }
    // A public path's placeholder for what visitors may not see: it keeps the seq, shows nothing.
    if (entry.type === 'hidden') continue;
    // A deletion shows on the message it erased ("Message deleted" in place), not as a line of its own.
    if (entry.type === 'message_deleted' || entry.type === 'thread_deleted') continue;
    // The user's own note, committed: its draft copy is done (notes are shown as notices).
    if (entry.body.type === 'note_added' && entry.senderId === selfSenderId && entry.body.data.client_message_id)
      committedClientIds.add(entry.body.data.client_message_id);
    const key = `event|${entry.key}`;
    const runId = runIdOfBody(entry.body);
    const inRunCard = runId !== null && runById.has(runId);
    // A run whose message is not in the entries (an older one) shows at its first step.
    if (inRunCard && !placed.has(runId) && !attempts.replaced.has(runId)) {
      placed.add(runId);
      items.push(runItem(runById.get(runId)!));
    }
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
  if (!live) return { items, runs };
  for (const run of runs) {
    if (placed.has(run.runId) || attempts.replaced.has(run.runId)) continue;
    if (!(run.finished && run.status === 'committed')) items.push(runItem(run));
  }
  for (const state of states) {
    const run = state.view;
    if (isStreaming(state) && !placedReplies.has(replyKey(run.runId)))
      items.push({ kind: 'streaming_reply', key: replyKey(run.runId), run, senderId: run.agentId, text: run.text });
  }
  return { items, runs };
}

/** The log's messages that are runs' replies, by id: one pass over the log, and only while a run has one. */
function replyEntries(states: readonly RunState[], entries: readonly LogEntry[]): Map<string, MessageEntry> {
  const found = new Map<string, MessageEntry>();
  const wanted = new Set<string>();
  for (const state of states) if (state.reply) wanted.add(state.reply.messageId);
  if (wanted.size === 0) return found;
  for (const entry of entries) if (entry.kind === 'message' && wanted.has(entry.id)) found.set(entry.id, entry);
  return found;
}
