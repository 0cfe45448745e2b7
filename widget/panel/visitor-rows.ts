import type { TimelineItem } from '../../src/core/engine/thread-snapshot.ts';
import type { OutboxItem } from '../../src/core/sync/outbox.ts';
import type { RunView } from '../../src/core/sync/run-state.ts';

/** Something that happened in the thread, said to the visitor in their words (see i18n). */
export type Note =
  | { type: 'approval'; tool: string; status: 'pending' | 'approved' | 'rejected' | 'expired' }
  | { type: 'escalated' }
  | { type: 'joined'; senderId: string }
  | { type: 'reply_failed' };

/** What the other side is doing right now: one line under the last message. */
export type LiveActivity = { type: 'thinking' } | { type: 'looking_up' } | { type: 'waiting_approval'; tool: string } | { type: 'typing'; senderId: string };

export type VisitorRow =
  /** `showSender`: the first of a run of messages from one sender (their name goes above it). */
  | { kind: 'message'; key: string; senderId: string; content: string; own: boolean; showSender: boolean; seq: number }
  | { kind: 'pending'; key: string; item: OutboxItem }
  /** An agent reply still streaming; its committed message later takes the same key. */
  | { kind: 'streaming'; key: string; senderId: string | null; text: string; showSender: boolean }
  | { kind: 'note'; key: string; note: Note }
  | { kind: 'activity'; key: string; activity: LiveActivity };

export interface VisitorRowInput {
  items: readonly TimelineItem[];
  runs: readonly RunView[];
  typing: readonly string[];
  selfSenderId: string;
  /** Entries up to this seq are not shown ("new conversation" on a resumed thread). */
  hiddenThroughSeq: number;
}

const replyKey = (runId: string) => `reply|${runId}`;
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** A tool's name as words: "lookup_order" → "lookup order". */
const toolWords = (name: string) => name.replace(/[_-]+/g, ' ').trim() || name;

/**
 * Turns a thread snapshot into what a visitor sees: messages (theirs and everyone else's),
 * the reply still streaming, a few notes in plain words (approvals, escalations, people
 * joining, failed replies) and one line about what the agent is doing now. Tool calls and
 * other machinery are not shown. As in the inbox (src/thread/build-rows.ts), a run's
 * committed reply takes the streaming row's key, so the row is updated in place.
 */
export function buildVisitorRows({ items, runs, typing, selfSenderId, hiddenThroughSeq }: VisitorRowInput): VisitorRow[] {
  const rows: VisitorRow[] = [];
  const runByReply = new Map<string, RunView>();
  for (const run of runs) if (run.replyMessageId) runByReply.set(run.replyMessageId, run);

  const outcome = new Map<string, 'approved' | 'rejected' | 'expired'>();
  const failedRunsInLog = new Set<string>();
  const approvalsInLog = new Set<string>();
  const committedIds = new Set<string>();
  const seqOfMessage = new Map<string, number>();
  for (const item of items) {
    if (item.kind === 'message') {
      committedIds.add(item.message.id);
      seqOfMessage.set(item.message.id, item.message.seq);
      continue;
    }
    if (item.kind !== 'event') continue;
    const { type, data } = item.entry;
    const approvalId = str(data.approval_id);
    if (approvalId && type === 'approval_pending') approvalsInLog.add(approvalId);
    if (approvalId && type === 'approval_resolved') outcome.set(approvalId, data.decision === 'reject' ? 'rejected' : 'approved');
    if (approvalId && type === 'approval_expired') outcome.set(approvalId, 'expired');
    if (type === 'run_failed' && str(data.run_id)) failedRunsInLog.add(str(data.run_id)!);
  }

  let previousSender: string | null = null;
  for (const item of items) {
    if (item.kind === 'pending') {
      rows.push({ kind: 'pending', key: item.key, item: item.item });
      previousSender = selfSenderId;
      continue;
    }
    if (item.kind === 'message') {
      const { message } = item;
      if (message.seq <= hiddenThroughSeq) continue;
      const run = runByReply.get(message.id);
      const own = message.senderId === selfSenderId;
      rows.push({
        kind: 'message',
        key: run ? replyKey(run.runId) : item.key,
        senderId: message.senderId,
        content: message.content,
        own,
        showSender: !own && message.senderId !== previousSender,
        seq: message.seq,
      });
      previousSender = message.senderId;
      continue;
    }
    const { entry } = item;
    if (entry.seq <= hiddenThroughSeq) continue;
    const note = noteOf(entry.type, entry.senderId, entry.data, outcome);
    if (note) {
      rows.push({ kind: 'note', key: item.key, note });
      previousSender = null;
    }
  }

  for (const run of runs) {
    if (run.status === 'failed' && !failedRunsInLog.has(run.runId)) rows.push({ kind: 'note', key: `failed|${run.runId}`, note: { type: 'reply_failed' } });
  }

  for (const run of runs) {
    const text = run.text;
    const committed = run.replyMessageId !== null && committedIds.has(run.replyMessageId);
    if (!text || committed || run.status === 'failed' || (run.status !== 'streaming' && run.status !== 'committed')) continue;
    // Its reply is in the log, though the run never said which message it was: show that one.
    if (answeredAfter(run, seqOfMessage, items, selfSenderId)) continue;
    rows.push({ kind: 'streaming', key: replyKey(run.runId), senderId: run.agentId, text, showSender: run.agentId !== previousSender });
    previousSender = run.agentId;
  }

  const activity = liveActivity(runs, typing, approvalsInLog, seqOfMessage, items, selfSenderId);
  if (activity) rows.push({ kind: 'activity', key: 'activity', activity });
  return rows;
}

function noteOf(type: string, senderId: string, data: Readonly<Record<string, unknown>>, outcome: ReadonlyMap<string, 'approved' | 'rejected' | 'expired'>): Note | null {
  switch (type) {
    case 'approval_pending': {
      const id = str(data.approval_id);
      return id ? { type: 'approval', tool: toolWords(str(data.tool_name) ?? 'tool'), status: outcome.get(id) ?? 'pending' } : null;
    }
    case 'escalation_created':
      return { type: 'escalated' };
    case 'run_failed':
      return { type: 'reply_failed' };
    case 'participant_joined': {
      // The visitor and the agent join when the thread is made; a person joining is news.
      const joined = str(data.sender_id) ?? senderId;
      return joined.startsWith('user:') ? { type: 'joined', senderId: joined } : null;
    }
    default:
      return null;
  }
}

/** True when someone other than the visitor wrote after the message that started the run. */
function answeredAfter(run: RunView, seqOfMessage: ReadonlyMap<string, number>, items: readonly TimelineItem[], selfSenderId: string): boolean {
  const trigger = run.inReplyTo ? seqOfMessage.get(run.inReplyTo) : undefined;
  if (trigger === undefined) return false;
  return items.some((item) => item.kind === 'message' && item.message.seq > trigger && item.message.senderId !== selfSenderId);
}

function liveActivity(
  runs: readonly RunView[],
  typing: readonly string[],
  approvalsInLog: ReadonlySet<string>,
  seqOfMessage: ReadonlyMap<string, number>,
  items: readonly TimelineItem[],
  selfSenderId: string,
): LiveActivity | null {
  // The newest run that is still working. One whose reply is already in the log is done even
  // if its `run_finished` was lost in a reconnect: a stale "Thinking…" would never go away.
  const run = [...runs]
    .reverse()
    .find((candidate) => !candidate.finished && candidate.status !== 'failed' && candidate.status !== 'committed' && !answeredAfter(candidate, seqOfMessage, items, selfSenderId));
  if (run) {
    const approval = run.approvals.find((candidate) => candidate.status === 'pending');
    // A pending approval the log holds already has its own line.
    if (approval && !approvalsInLog.has(approval.id)) return { type: 'waiting_approval', tool: toolWords(approval.toolName) };
    if (!approval && run.toolCalls.some((call) => call.status === 'running')) return { type: 'looking_up' };
    if (!approval && run.status !== 'streaming') return { type: 'thinking' };
  }
  const person = typing.find((senderId) => senderId.startsWith('user:'));
  if (person) return { type: 'typing', senderId: person };
  if (!run && typing.some((senderId) => senderId.startsWith('agent:'))) return { type: 'thinking' };
  return null;
}
