import { lazy, memo, Suspense, useState } from 'react';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import type { EventEntry } from '../core/sync/log-entry.ts';
import type { OutboxItem } from '../core/sync/outbox.ts';
import type { InboxStrings } from '../i18n/catalog-en.ts';
import { formatDayBreak, formatTime } from '../i18n/format.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { LazyMarkdown } from '../markdown/lazy-markdown.tsx';
import { ApprovalItem } from '../runs/approval-item.tsx';
import { QueuedLine } from '../runs/queued-line.tsx';
import { RunCard } from '../runs/run-card.tsx';
import { runNeedsClock } from '../runs/run-format.ts';
import { escalationTarget } from '../runs/tool-words.ts';
import { useNow } from '../runs/use-now.ts';
import { Avatar } from '../ui/avatar.tsx';
import { loadWhenOnline } from '../ui/load-when-online.ts';
import type { Row } from './build-rows.ts';
import { useFrameGateRun } from './frame-gate.ts';
import { LazyAttachments } from './lazy-attachments.tsx';
import { isOwnershipBody, OwnershipNotice } from './ownership-notice.tsx';
import { deletedMessageDomId } from '../privacy/deleted-message-focus.ts';
import { MessageMenu } from '../privacy/message-menu.tsx';
import { usePrivacyStrings } from '../i18n/privacy-strings.ts';

// A sent message's files going up: their progress and cancel load with the first message that carries files
// (sent offline, once the connection is back: the row shows the files' names meanwhile).
const PendingUploads = lazy(() => loadWhenOnline(() => import('./pending-uploads.tsx')));

export interface RowActions {
  retry(clientMessageId: string): void;
  discard(clientMessageId: string): void;
  edit(clientMessageId: string, content: string): void;
  decide(approvalId: string, decision: 'approve' | 'reject'): Promise<void>;
  retryRun?(runId: string): void;
  /** Whether the user may delete a message by this sender (CONTRACT §14: their own; any, as an owner of a visitor thread's agent). */
  mayDelete?(senderId: string): boolean;
}

interface Props {
  row: Row;
  thread: InboundThread | undefined;
  selfSenderId: string;
  actions: RowActions;
  /** Names a sender (`usePersonName` of the thread, made once for the whole list, not per row). */
  nameOf: NameOf;
}

/** A message's text: agents write markdown (rendered safely), people's words are shown as written. */
function Body({ text, markdown }: { text: string; markdown: boolean }) {
  if (markdown) return <LazyMarkdown text={text} />;
  return <p className="break-words whitespace-pre-wrap">{text}</p>;
}

function Header({ name, senderId, time }: { name: string; senderId: string; time: string }) {
  const t = useStrings();
  return (
    <div className="flex items-baseline gap-2">
      <span className="font-semibold">{name}</span>
      {senderId.startsWith('agent:') && (
        <span className="rounded bg-violet-100 px-1 text-[11px] font-medium text-violet-800 dark:bg-violet-900 dark:text-violet-100">
          {t.common.agentTag}
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
  menu = null,
}: {
  senderId: string;
  name: string;
  time: string;
  grouped: boolean;
  children: React.ReactNode;
  /** The message's menu (delete), beside it; null when it has none. */
  menu?: React.ReactNode;
}) {
  return (
    <div className={`flex gap-3 px-4 ${grouped ? 'pt-0.5' : 'pt-3'}`}>
      <div className="w-9 shrink-0">{!grouped && <Avatar name={name} senderId={senderId} />}</div>
      <div className="min-w-0 flex-1">
        {!grouped && <Header name={name} senderId={senderId} time={time} />}
        {children}
      </div>
      {menu && <div className="shrink-0">{menu}</div>}
    </div>
  );
}

/** A deleted message in its place (CONTRACT §14): nothing of what it said, only that it was deleted. */
function DeletedMessage({ messageId }: { messageId: string }) {
  const p = usePrivacyStrings();
  return (
    // Focusable by script only: focus lands here after the user deleted it (see focusDeletedMessage).
    <p id={deletedMessageDomId(messageId)} tabIndex={-1} className="text-sm text-slate-600 italic dark:text-slate-400">
      {p.messageDeleted}
    </p>
  );
}

/** An outbox error in words: the catalog's for its code (English keeps the server's message). */
/** The look of an unsent message's retry and edit buttons. */
const OUTBOX_ACTION = 'text-indigo-700 underline dark:text-indigo-300';
const outboxError = (error: NonNullable<OutboxItem['error']>, t: InboxStrings) => t.apiError(error.code, error.message);

function pendingStatus(item: OutboxItem, t: InboxStrings): string {
  if (item.status === 'failed') return t.message.notSent(item.error ? outboxError(item.error, t) : null);
  if (item.status === 'sending') return t.message.sending;
  if (item.status === 'sent') return t.message.sent;
  if (item.error) return t.message.retrying(outboxError(item.error, t));
  return typeof navigator !== 'undefined' && navigator.onLine === false ? t.message.waitingForConnection : t.message.sending;
}

function PendingBody({ item, actions }: { item: OutboxItem; actions: RowActions }) {
  const t = useStrings();
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
          {t.message.editLabel}
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
            {t.common.send}
          </button>
          <button type="button" onClick={() => setEditing(false)} className="rounded px-2 py-1">
            {t.common.cancel}
          </button>
        </div>
      </form>
    );
  }
  const failed = item.status === 'failed';
  return (
    <div className={failed ? 'rounded-md bg-red-50 p-2 dark:bg-red-950/40' : ''}>
      {item.content && <p className="break-words whitespace-pre-wrap text-slate-700 dark:text-slate-300">{item.content}</p>}
      {/* Its files by name until the message is committed (then they show as thumbnails and cards). */}
      {item.files && (
        <ul className="text-sm break-all text-slate-700 dark:text-slate-300">
          {item.files.map((file) => (
            <li key={file.key}>📎 {file.name}</li>
          ))}
        </ul>
      )}
      <p
        className={`mt-1 text-xs ${failed ? 'text-red-700 dark:text-red-300' : 'text-slate-600 dark:text-slate-400'}`}
        role={failed ? 'alert' : undefined}
      >
        {pendingStatus(item, t)}
      </p>
      {/* Files going up (a failed item shows its error and actions instead), or one the server refused as too large. */}
      {((!failed && item.status !== 'sent' && item.files?.some((file) => file.attachmentId === null)) || item.error?.file) && (
        <Suspense>
          <PendingUploads item={item} onCancel={actions.discard} />
        </Suspense>
      )}
      {(failed || item.error) && (
        <div className="mt-1 flex gap-3 text-xs font-medium">
          <button type="button" className={OUTBOX_ACTION} onClick={() => actions.retry(item.clientMessageId)}>
            {t.common.retry}
          </button>
          {failed && (
            <button type="button" className={OUTBOX_ACTION} onClick={() => setEditing(true)}>
              {t.message.edit}
            </button>
          )}
          {failed && (
            <button
              type="button"
              className="text-red-700 underline dark:text-red-300"
              onClick={() => actions.discard(item.clientMessageId)}
            >
              {t.message.discard}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** A display name for a sender id (`usePersonName`): participants, the user directory, the signed-in user. */
export type NameOf = (senderId: string) => string;

/** One line for a durable event that is not a message; `name` names whoever did it. */
function describeEvent(entry: EventEntry, name: NameOf, t: InboxStrings): string {
  const who = name(entry.senderId);
  const body = entry.body;
  const words = t.events;
  switch (body.type) {
    case 'participant_joined':
      return words.joined(body.data.name || name(body.data.sender_id ?? entry.senderId));
    case 'mode_changed':
      return words.modeChanged(who, body.data.participation_mode === 'invocation_only');
    case 'tool_call_started':
      return words.toolStarted(who, body.data.tool_name || words.aTool);
    case 'tool_call_completed':
      return words.toolCompleted(who, body.data.tool_name || words.aTool, body.data.result_preview ?? '');
    case 'approval_pending':
      return words.approvalPending(who, body.data.tool_name || words.aTool);
    case 'approval_resolved':
      return words.approvalResolved(who, body.data.decision === 'reject', body.data.tool_name || words.theRequest);
    case 'approval_expired':
      return words.approvalExpired(body.data.tool_name || words.aTool);
    case 'escalation_created':
      return words.escalated(who, body.data.to ? escalationTarget(body.data.to, t) : '', body.data.reason ?? '');
    case 'run_failed':
      return words.runFailed(who, body.data.error ? t.runError(body.data.error.code, body.data.error.message) : '');
    case 'note_added':
      return words.note(who, body.data.content);
    case 'status_changed':
      return words.statusChanged(who, body.data.status);
    case 'handoff':
      return words.tookOver(body.data.name || name(body.data.to ?? entry.senderId));
    case 'other':
      return words.other(who, body.name.replace(/_/g, ' '));
    default:
      // The ownership events have their own row (OwnershipNotice).
      return words.other(who, body.type.replace(/_/g, ' '));
  }
}

function RunRow({ row, name, actions }: { row: Extract<Row, { kind: 'run' }>; name: NameOf; actions: RowActions }) {
  const now = useNow(runNeedsClock(row.run), useFrameGateRun());
  const t = useStrings();
  const agentName = row.run.agentId ? name(row.run.agentId) : t.common.someoneAgent;
  if (row.queuedBehind) {
    return (
      <div className="px-4 pt-2 pl-16">
        <QueuedLine agentName={agentName} behind={row.queuedBehind} />
      </div>
    );
  }
  return (
    <div className="px-4 pt-2 pl-16">
      <RunCard
        run={row.run}
        agentName={agentName}
        now={now}
        onDecide={actions.decide}
        nameOf={name}
        onRetry={actions.retryRun ? () => actions.retryRun!(row.run.runId) : undefined}
        earlier={row.earlier}
      />
    </div>
  );
}

function ApprovalRow({ row, name, actions }: { row: Extract<Row, { kind: 'approval' }>; name: NameOf; actions: RowActions }) {
  const now = useNow(true, useFrameGateRun());
  const t = useStrings();
  return (
    <div className="px-4 pt-2 pl-16">
      <p className="text-xs text-slate-600 dark:text-slate-400">
        {t.thread.asksApproval(name(row.requestedBy), row.approval.status === 'pending')}
      </p>
      {/* ApprovalItem is a list item (a run card lists its approvals): here a list of one. */}
      <ul aria-label={t.thread.approvals}>
        <ApprovalItem approval={row.approval} now={now} onDecide={actions.decide} nameOf={name} />
      </ul>
    </div>
  );
}

export const MessageRow = memo(function MessageRow({ row, thread, selfSenderId, actions, nameOf: name }: Props) {
  const t = useStrings();
  switch (row.kind) {
    case 'day_break': {
      const label = formatDayBreak(t.locale, row.time, row.daysAgo);
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
          aria-label={t.thread.newMessages}
          className="flex items-center gap-3 px-4 pt-3 text-xs font-semibold text-red-700 dark:text-red-400"
        >
          <span className="h-px flex-1 bg-red-300 dark:bg-red-800" />
          {t.thread.newMessages}
          <span className="h-px flex-1 bg-red-300 dark:bg-red-800" />
        </div>
      );
    case 'message': {
      const { message } = row;
      const sender = message.senderId === selfSenderId ? t.common.you : name(message.senderId);
      return (
        <Bubble
          senderId={message.senderId}
          name={sender}
          time={formatTime(t.locale, message.createdAt)}
          grouped={row.grouped}
          menu={
            !message.deleted && actions.mayDelete?.(message.senderId) ? (
              <MessageMenu threadId={message.threadId} messageId={message.id} senderName={sender} />
            ) : null
          }
        >
          {message.deleted ? (
            <DeletedMessage messageId={message.id} />
          ) : (
            <>
              {/* A message of files only has no text to show (CONTRACT §13: its content may be empty). */}
              {(message.content || !message.attachments) && <Body text={message.content} markdown={message.role === 'agent'} />}
              {message.attachments && <LazyAttachments threadId={message.threadId} attachments={message.attachments} />}
            </>
          )}
        </Bubble>
      );
    }
    case 'pending_message':
      return (
        <Bubble senderId={selfSenderId} name={t.common.you} time={formatTime(t.locale, row.item.createdAt)} grouped={row.grouped}>
          <PendingBody item={row.item} actions={actions} />
        </Bubble>
      );
    case 'streaming_reply': {
      const agent = row.senderId ?? 'agent:';
      return (
        <Bubble senderId={agent} name={name(agent)} time="" grouped={false}>
          {/* Hidden from screen readers while it grows: the committed reply is announced once. */}
          <div aria-hidden="true">
            <Body text={row.text} markdown />
          </div>
        </Bubble>
      );
    }
    case 'notice':
      if (isOwnershipBody(row.entry.body)) return <OwnershipNotice entry={row.entry} body={row.entry.body} thread={thread} />;
      return <p className="px-4 pt-2 text-center text-xs text-slate-600 dark:text-slate-400">{describeEvent(row.entry, name, t)}</p>;
    case 'escalation':
      return (
        <p className="px-4 pt-2 text-center text-xs text-slate-600 dark:text-slate-400">
          {t.events.escalated(name(row.senderId), escalationTarget(row.to, t), row.reason)}
        </p>
      );
    case 'run':
      return <RunRow row={row} name={name} actions={actions} />;
    case 'approval':
      return <ApprovalRow row={row} name={name} actions={actions} />;
  }
});
