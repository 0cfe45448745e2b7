import type { AttachmentSummary } from '../../src/core/protocol/model.ts';
import type { EventBody } from '../../src/core/protocol/event-data.ts';
import type { TimelineItem } from '../../src/core/timeline/timeline-item.ts';
import type { OutboxItem } from '../../src/core/sync/outbox.ts';
import type { RunView } from '../../src/core/sync/run-state.ts';

/**
 * Something that happened in the thread, said to the visitor in their words (see i18n). A
 * `tool` is the tool's name, for picking its words (visitor-tool-words.ts): it is never shown.
 */
export type Note =
  | { type: 'approval'; tool: string; status: 'pending' | 'approved' | 'rejected' | 'expired' }
  /** `offer`: the newest escalation, while nobody joined and the conversation is not waiting: "Talk to a person" under it. */
  | { type: 'escalated'; offer?: boolean }
  /** A person joined, or took over (`name` from the `handoff` event). */
  | { type: 'joined'; senderId: string; name?: string | null | undefined }
  | { type: 'reply_failed' }
  /** Resolved (CONTRACT §11); `current` while it still is: a new conversation is offered. */
  | { type: 'resolved'; current?: boolean }
  /** Waiting for a person: said by the activity line, and spoken when it starts. */
  | { type: 'waiting' };

/** What the other side is doing right now: one line under the last message. */
export type LiveActivity =
  | { type: 'thinking' }
  /** A tool runs (`tool`: its name, for its words). */
  | { type: 'looking_up'; tool: string }
  | { type: 'waiting_approval'; tool: string }
  | { type: 'typing'; senderId: string }
  | { type: 'waiting' };

export type VisitorRow =
  /** `showSender`: the first of a run of messages from one sender (their name goes above it). */
  | {
      kind: 'message';
      key: string;
      senderId: string;
      content: string;
      own: boolean;
      showSender: boolean;
      seq: number;
      /** [ext] Its files (CONTRACT §13), shown by files-ui.tsx; undefined when none. */
      attachments?: readonly AttachmentSummary[] | undefined;
    }
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

/**
 * What a take-over or a status change (CONTRACT §11) says to the visitor: "Ana joined", the
 * conversation resolved, or waiting for a person; null for anything else (a `hidden`
 * placeholder among them: it says nothing).
 */
export function ownershipNote(body: EventBody): Note | null {
  if (body.type === 'handoff') return { type: 'joined', senderId: body.data.to ?? '', name: body.data.name };
  if (body.type !== 'status_changed') return null;
  return body.data.status === 'resolved' || body.data.status === 'waiting' ? { type: body.data.status } : null;
}

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
  /** The latest status change's note, and the newest escalation nobody has joined since. */
  let status: Note | null = null;
  let escalation: Note | null = null;
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
          attachments: message.attachments,
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
        if (item.seq > hiddenThroughSeq) note(item.key, { type: 'approval', tool: item.approval.toolName, status: item.approval.status });
        break;
      case 'escalation':
        escalation = { type: 'escalated' };
        if (item.seq > hiddenThroughSeq) note(item.key, escalation);
        break;
      case 'notice': {
        const body = item.entry.body;
        const change = ownershipNote(body);
        // A take-over or a status change sets the status (a take-over: open), and answers the escalation before it.
        if (body.type === 'status_changed' || body.type === 'handoff')
          [status, escalation] = [change?.type === 'joined' ? null : change, null];
        if (item.seq <= hiddenThroughSeq) break;
        if (change && change.type !== 'waiting') note(item.key, change);
        // A failed run with a live card says so there (below), once.
        if (body.type === 'run_failed' && !item.inRunCard) note(item.key, { type: 'reply_failed' });
        if (body.type === 'participant_joined') {
          // The visitor and the agent join when the thread is made; a person joining is news.
          const joined = body.data.sender_id ?? item.entry.senderId;
          if (joined.startsWith('user:')) {
            escalation = null;
            note(item.key, { type: 'joined', senderId: joined });
          }
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
  if (status?.type === 'resolved') status.current = true;
  if (escalation && status?.type !== 'waiting') escalation.offer = true;
  const activity = liveActivity(runs, typing, approvalsInLog) ?? (status?.type === 'waiting' ? status : null);
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
    if (approval && !approvalsInLog.has(approval.id)) return { type: 'waiting_approval', tool: approval.toolName };
    const running = run.toolCalls.find((call) => call.status === 'running');
    if (!approval && running) return { type: 'looking_up', tool: running.name };
    if (!approval && run.status !== 'streaming') return { type: 'thinking' };
  }
  const person = typing.find((senderId) => senderId.startsWith('user:'));
  if (person) return { type: 'typing', senderId: person };
  if (!run && typing.some((senderId) => senderId.startsWith('agent:'))) return { type: 'thinking' };
  return null;
}
