import type { TimelineItem } from '../../src/core/timeline/timeline-item.ts';
import type { OutboxItem } from '../../src/core/sync/outbox.ts';
import type { RunView } from '../../src/core/sync/run-state.ts';

/** Something that happened in the thread, said to the visitor in their words (see i18n). */
export type Note =
  | { type: 'approval'; tool: string; status: 'pending' | 'approved' | 'rejected' | 'expired' }
  | { type: 'escalated' }
  | { type: 'joined'; senderId: string }
  | { type: 'reply_failed' };

/** What the other side is doing right now: one line under the last message. */
export type LiveActivity =
  { type: 'thinking' } | { type: 'looking_up' } | { type: 'waiting_approval'; tool: string } | { type: 'typing'; senderId: string };

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
  /** The thread's runs, settled against the log (the snapshot's `runs`). */
  runs: readonly RunView[];
  typing: readonly string[];
  selfSenderId: string;
  /** Entries up to this seq are not shown ("new conversation" on a resumed thread). */
  hiddenThroughSeq: number;
}

/** A tool's name as words: "lookup_order" → "lookup order". */
const toolWords = (name: string) => name.replace(/[_-]+/g, ' ').trim() || name;

/**
 * Maps the thread's timeline to what a visitor sees: messages (theirs and everyone
 * else's), the reply still streaming, a few notes in plain words (approvals, escalations,
 * people joining, failed replies) and one line about what the agent is doing now. Tool
 * calls and other machinery are not shown. What the thread holds (keys, the reply
 * hand-over, approval outcomes, finished runs) is decided in `src/core/timeline`.
 */
export function buildVisitorRows({ items, runs, typing, selfSenderId, hiddenThroughSeq }: VisitorRowInput): VisitorRow[] {
  const rows: VisitorRow[] = [];
  const approvalsInLog = new Set<string>();
  let previousSender: string | null = null;
  const note = (key: string, value: Note) => {
    rows.push({ kind: 'note', key, note: value });
    previousSender = null;
  };
  for (const item of items) {
    switch (item.kind) {
      case 'pending_message':
        rows.push({ kind: 'pending', key: item.key, item: item.item });
        previousSender = selfSenderId;
        break;
      case 'message': {
        const { message } = item;
        if (message.seq <= hiddenThroughSeq) break;
        const own = message.senderId === selfSenderId;
        rows.push({
          kind: 'message',
          key: item.key,
          senderId: message.senderId,
          content: message.content,
          own,
          showSender: !own && message.senderId !== previousSender,
          seq: message.seq,
        });
        previousSender = message.senderId;
        break;
      }
      case 'streaming_reply':
        rows.push({
          kind: 'streaming',
          key: item.key,
          senderId: item.senderId,
          text: item.text,
          showSender: item.senderId !== previousSender,
        });
        previousSender = item.senderId;
        break;
      case 'approval':
        approvalsInLog.add(item.approval.id);
        if (item.seq > hiddenThroughSeq)
          note(item.key, { type: 'approval', tool: toolWords(item.approval.toolName), status: item.approval.status });
        break;
      case 'escalation':
        if (item.seq > hiddenThroughSeq) note(item.key, { type: 'escalated' });
        break;
      case 'notice': {
        if (item.seq <= hiddenThroughSeq) break;
        const body = item.entry.body;
        // A failed run with a live card says so there (below), once.
        if (body.type === 'run_failed' && !item.inRunCard) note(item.key, { type: 'reply_failed' });
        if (body.type === 'participant_joined') {
          // The visitor and the agent join when the thread is made; a person joining is news.
          const joined = body.data.sender_id ?? item.entry.senderId;
          if (joined.startsWith('user:')) note(item.key, { type: 'joined', senderId: joined });
        }
        break;
      }
      case 'run':
        if (item.run.status === 'failed') note(`failed|${item.run.runId}`, { type: 'reply_failed' });
        break;
      case 'day_break':
      case 'unread_marker':
        break;
    }
  }
  const activity = liveActivity(runs, typing, approvalsInLog);
  if (activity) rows.push({ kind: 'activity', key: 'activity', activity });
  return rows;
}

function liveActivity(runs: readonly RunView[], typing: readonly string[], approvalsInLog: ReadonlySet<string>): LiveActivity | null {
  // The newest run that is still working (runs are settled: one whose reply is in the log is finished).
  const run = [...runs]
    .reverse()
    .find((candidate) => !candidate.finished && candidate.status !== 'failed' && candidate.status !== 'committed');
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
