import { memo, useState } from 'react';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import type { EventEntry } from '../core/sync/log-entry.ts';
import type { OutboxItem } from '../core/sync/outbox.ts';
import { LazyMarkdown } from '../markdown/lazy-markdown.tsx';
import { ApprovalItem } from '../runs/approval-item.tsx';
import { RunCard } from '../runs/run-card.tsx';
import { runNeedsClock } from '../runs/run-format.ts';
import { useNow } from '../runs/use-now.ts';
import { nameOf } from '../threads/thread-title.ts';
import { Avatar } from '../ui/avatar.tsx';
import type { Row } from './build-rows.ts';
import { useFrameGateRun } from './frame-gate.ts';

export interface RowActions {
  retry(clientMessageId: string): void;
  discard(clientMessageId: string): void;
  edit(clientMessageId: string, content: string): void;
  decide(approvalId: string, decision: 'approve' | 'reject'): Promise<void>;
  retryRun?(runId: string): void;
}

interface Props {
  row: Row;
  thread: InboundThread | undefined;
  selfSenderId: string;
  actions: RowActions;
}

const timeOf = (iso: string | number | null) =>
  iso === null ? '' : new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/** A message's text: agents write markdown (rendered safely), people's words are shown as written. */
function Body({ text, markdown }: { text: string; markdown: boolean }) {
  if (markdown) return <LazyMarkdown text={text} />;
  return <p className="break-words whitespace-pre-wrap">{text}</p>;
}

function Header({ name, senderId, time }: { name: string; senderId: string; time: string }) {
  return (
    <div className="flex items-baseline gap-2">
      <span className="font-semibold">{name}</span>
      {senderId.startsWith('agent:') && (
        <span className="rounded bg-violet-100 px-1 text-[11px] font-medium text-violet-800 dark:bg-violet-900 dark:text-violet-100">
          agent
        </span>
      )}
      <span className="text-xs text-slate-600 dark:text-slate-400">{time}</span>
    </div>
  );
}

function Bubble({
  senderId,
  name,
  time,
  grouped,
  children,
}: {
  senderId: string;
  name: string;
  time: string;
  grouped: boolean;
  children: React.ReactNode;
}) {
  return (
    <div className={`flex gap-3 px-4 ${grouped ? 'pt-0.5' : 'pt-3'}`}>
      <div className="w-9 shrink-0">{!grouped && <Avatar name={name} senderId={senderId} />}</div>
      <div className="min-w-0 flex-1">
        {!grouped && <Header name={name} senderId={senderId} time={time} />}
        {children}
      </div>
    </div>
  );
}

function pendingStatus(item: OutboxItem): string {
  if (item.status === 'failed') return `Not sent: ${item.error?.message ?? 'the server refused it'}`;
  if (item.status === 'sending') return 'Sending…';
  if (item.status === 'sent') return 'Sent';
  if (item.error) return `Not sent yet (${item.error.message}); trying again…`;
  return typeof navigator !== 'undefined' && navigator.onLine === false ? 'Waiting for the connection…' : 'Sending…';
}

function PendingBody({ item, actions }: { item: OutboxItem; actions: RowActions }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(item.content);
  if (editing) {
    return (
      <form
        className="mt-1 space-y-2"
        onSubmit={(event) => {
          event.preventDefault();
          if (draft.trim()) actions.edit(item.clientMessageId, draft);
          setEditing(false);
        }}
      >
        <label className="sr-only" htmlFor={`edit-${item.clientMessageId}`}>
          Edit the message
        </label>
        <textarea
          id={`edit-${item.clientMessageId}`}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          className="w-full rounded-md border border-slate-300 bg-white p-2 dark:border-slate-700 dark:bg-slate-950"
          rows={3}
        />
        <div className="flex gap-2 text-sm">
          <button type="submit" className="rounded bg-indigo-600 px-2 py-1 text-white">
            Send
          </button>
          <button type="button" onClick={() => setEditing(false)} className="rounded px-2 py-1">
            Cancel
          </button>
        </div>
      </form>
    );
  }
  const failed = item.status === 'failed';
  return (
    <div className={failed ? 'rounded-md bg-red-50 p-2 dark:bg-red-950/40' : ''}>
      <p className="break-words whitespace-pre-wrap text-slate-700 dark:text-slate-300">{item.content}</p>
      <p
        className={`mt-1 text-xs ${failed ? 'text-red-700 dark:text-red-300' : 'text-slate-600 dark:text-slate-400'}`}
        role={failed ? 'alert' : undefined}
      >
        {pendingStatus(item)}
      </p>
      {(failed || item.error) && (
        <div className="mt-1 flex gap-3 text-xs font-medium">
          <button
            type="button"
            className="text-indigo-700 underline dark:text-indigo-300"
            onClick={() => actions.retry(item.clientMessageId)}
          >
            Retry
          </button>
          {failed && (
            <button type="button" className="text-indigo-700 underline dark:text-indigo-300" onClick={() => setEditing(true)}>
              Edit
            </button>
          )}
          {failed && (
            <button
              type="button"
              className="text-red-700 underline dark:text-red-300"
              onClick={() => actions.discard(item.clientMessageId)}
            >
              Discard
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** One line for a durable event that is not a message. */
function describeEvent(entry: EventEntry, thread: InboundThread | undefined): string {
  const who = nameOf(thread, entry.senderId);
  const body = entry.body;
  switch (body.type) {
    case 'participant_joined':
      return `${body.data.name || nameOf(thread, body.data.sender_id ?? entry.senderId)} joined`;
    case 'mode_changed':
      return `${who} set the thread to ${body.data.participation_mode === 'invocation_only' ? 'answer only when mentioned' : 'answer every message'}`;
    case 'tool_call_started':
      return `${who} started ${body.data.tool_name || 'a tool'}`;
    case 'tool_call_completed':
      return `${who} used ${body.data.tool_name || 'a tool'}${body.data.result_preview ? `: ${body.data.result_preview}` : ''}`;
    case 'approval_pending':
      return `${who} asked for approval to run ${body.data.tool_name || 'a tool'}`;
    case 'approval_resolved':
      return `${who} ${body.data.decision === 'reject' ? 'rejected' : 'approved'} ${body.data.tool_name || 'the request'}`;
    case 'approval_expired':
      return `The approval for ${body.data.tool_name || 'a tool'} expired`;
    case 'escalation_created':
      return describeEscalation(who, body.data.to ?? '', body.data.reason ?? '');
    case 'run_failed':
      return `${who} could not answer: ${body.data.error?.message || 'the run failed'}`;
    case 'other':
      return `${who}: ${body.name.replace(/_/g, ' ')}`;
  }
}

const describeEscalation = (who: string, to: string, reason: string) =>
  `${who} escalated to ${to || 'someone'}${reason ? `: ${reason}` : ''}`;

/** A day break's words: "Today", "Yesterday", else the date. */
function dayLabel(row: Extract<Row, { kind: 'day_break' }>): string {
  if (row.daysAgo === 0) return 'Today';
  if (row.daysAgo === 1) return 'Yesterday';
  const day = new Date(row.time);
  const thisYear = day.getFullYear() === new Date().getFullYear();
  return day.toLocaleDateString(undefined, { weekday: 'long', month: 'long', day: 'numeric', year: thisYear ? undefined : 'numeric' });
}

function RunRow({ row, thread, actions }: { row: Extract<Row, { kind: 'run' }>; thread: InboundThread | undefined; actions: RowActions }) {
  const now = useNow(runNeedsClock(row.run), useFrameGateRun());
  const agentName = row.run.agentId ? nameOf(thread, row.run.agentId) : 'Agent';
  return (
    <div className="px-4 pt-2 pl-16">
      <RunCard
        run={row.run}
        agentName={agentName}
        now={now}
        onDecide={actions.decide}
        nameOf={(senderId) => nameOf(thread, senderId)}
        onRetry={actions.retryRun ? () => actions.retryRun!(row.run.runId) : undefined}
      />
    </div>
  );
}

function ApprovalRow({
  row,
  thread,
  actions,
}: {
  row: Extract<Row, { kind: 'approval' }>;
  thread: InboundThread | undefined;
  actions: RowActions;
}) {
  const now = useNow(true, useFrameGateRun());
  return (
    <div className="px-4 pt-2 pl-16">
      <p className="text-xs text-slate-600 dark:text-slate-400">
        {nameOf(thread, row.requestedBy)} {row.approval.status === 'pending' ? 'asks' : 'asked'} for approval:
      </p>
      {/* ApprovalItem is a list item (a run card lists its approvals): here a list of one. */}
      <ul aria-label="Approvals">
        <ApprovalItem approval={row.approval} now={now} onDecide={actions.decide} nameOf={(senderId) => nameOf(thread, senderId)} />
      </ul>
    </div>
  );
}

export const MessageRow = memo(function MessageRow({ row, thread, selfSenderId, actions }: Props) {
  switch (row.kind) {
    case 'day_break': {
      const label = dayLabel(row);
      return (
        <div
          role="separator"
          aria-label={label}
          className="flex items-center gap-3 px-4 pt-4 text-xs font-medium text-slate-600 dark:text-slate-400"
        >
          <span className="h-px flex-1 bg-slate-200 dark:bg-slate-800" />
          {label}
          <span className="h-px flex-1 bg-slate-200 dark:bg-slate-800" />
        </div>
      );
    }
    case 'unread_marker':
      return (
        <div
          role="separator"
          aria-label="New messages"
          className="flex items-center gap-3 px-4 pt-3 text-xs font-semibold text-red-700 dark:text-red-400"
        >
          <span className="h-px flex-1 bg-red-300 dark:bg-red-800" />
          New messages
          <span className="h-px flex-1 bg-red-300 dark:bg-red-800" />
        </div>
      );
    case 'message': {
      const { message } = row;
      const name = message.senderId === selfSenderId ? 'You' : nameOf(thread, message.senderId);
      return (
        <Bubble senderId={message.senderId} name={name} time={timeOf(message.createdAt)} grouped={row.grouped}>
          <Body text={message.content} markdown={message.role === 'agent'} />
        </Bubble>
      );
    }
    case 'pending_message':
      return (
        <Bubble senderId={selfSenderId} name="You" time={timeOf(row.item.createdAt)} grouped={row.grouped}>
          <PendingBody item={row.item} actions={actions} />
        </Bubble>
      );
    case 'streaming_reply': {
      const agent = row.senderId ?? 'agent:';
      return (
        <Bubble senderId={agent} name={nameOf(thread, agent)} time="" grouped={false}>
          {/* Hidden from screen readers while it grows: the committed reply is announced once. */}
          <div aria-hidden="true">
            <Body text={row.text} markdown />
          </div>
        </Bubble>
      );
    }
    case 'notice':
      return <p className="px-4 pt-2 text-center text-xs text-slate-600 dark:text-slate-400">{describeEvent(row.entry, thread)}</p>;
    case 'escalation':
      return (
        <p className="px-4 pt-2 text-center text-xs text-slate-600 dark:text-slate-400">
          {describeEscalation(nameOf(thread, row.senderId), row.to, row.reason)}
        </p>
      );
    case 'run':
      return <RunRow row={row} thread={thread} actions={actions} />;
    case 'approval':
      return <ApprovalRow row={row} thread={thread} actions={actions} />;
  }
});
