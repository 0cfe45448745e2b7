import { memo } from 'react';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { useThreadSnapshot } from '../hooks/use-thread-snapshot.ts';
import type { InboxStrings } from '../i18n/catalog-en.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { OwnershipMarks } from '../queues/ownership-marks.tsx';
import { awaitsApproval } from '../runs/run-format.ts';
import { Avatar } from '../ui/avatar.tsx';
import { nameOf, threadTitle } from './thread-title.ts';
import { VisitorBadge, visitorLabel } from './visitor-badge.tsx';

/** One line of a message for the list: markdown marks and line breaks dropped. */
function plainPreview(content: string, t: InboxStrings): string {
  return content
    .replace(/```[\s\S]*?```/g, ` ${t.threadList.codePreview} `)
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_~`#>|]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A bell with a stroke through it: the thread's notifications are muted. */
function MutedIcon({ label }: { label: string }) {
  return (
    <svg
      role="img"
      aria-label={label}
      data-testid="muted-icon"
      viewBox="0 0 24 24"
      className="h-3.5 w-3.5 shrink-0 text-slate-500 dark:text-slate-400"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <title>{label}</title>
      <path d="M13.7 21a2 2 0 0 1-3.4 0" />
      <path d="M18 8a6 6 0 0 0-9.3-5" />
      <path d="M6.3 6.3A6 6 0 0 0 6 8c0 7-3 9-3 9h14" />
      <path d="M18 13.5V8" />
      <path d="M2 2l20 20" />
    </svg>
  );
}

interface Props {
  thread: InboundThread;
  selected: boolean;
  /** Desktop notifications muted for this thread. */
  muted: boolean;
  onSelect(threadId: string): void;
}

/** One row of the thread list: live typing and presence come from the engine, the rest from the list. */
export const ThreadListItem = memo(function ThreadListItem({ thread, selected, muted, onSelect }: Props) {
  const { engine, selfSenderId } = useEngine();
  const snapshot = useThreadSnapshot(engine, thread.id);
  const t = useStrings();
  const title = threadTitle(thread, selfSenderId, t);
  // A run blocked on an approval: its agent is waiting on a person, not typing.
  const waiting = new Set(snapshot.runs.filter((run) => !run.finished && awaitsApproval(run)).map((run) => run.agentId ?? ''));
  const typing = snapshot.typing.filter((senderId) => !waiting.has(senderId)).map((senderId) => nameOf(thread, senderId, t));
  const viewing = snapshot.present.length > 0;
  const last = thread.last_message;
  const preview = waiting.size
    ? t.threadList.awaitingApproval
    : typing.length
      ? t.threadList.typing(typing)
      : last
        ? t.threadList.lastMessage(
            last.sender_id === selfSenderId ? t.common.you : nameOf(thread, last.sender_id, t),
            plainPreview(last.content, t),
          )
        : t.threadList.noMessages;
  const unread = thread.unread_count;
  const other = thread.participants.find((participant) => participant.sender_id !== selfSenderId);

  return (
    <li>
      <button
        type="button"
        onClick={() => onSelect(thread.id)}
        aria-current={selected ? 'true' : undefined}
        data-thread-id={thread.id}
        className={`flex w-full items-start gap-3 rounded-lg px-3 py-2 text-left hover:bg-slate-100 dark:hover:bg-slate-800 ${
          selected ? 'bg-indigo-50 dark:bg-slate-800' : ''
        }`}
      >
        <span className="relative">
          <Avatar name={title} senderId={other?.sender_id ?? ''} />
          {viewing && (
            <span
              className="absolute -right-0.5 -bottom-0.5 h-3 w-3 rounded-full border-2 border-white bg-emerald-500 dark:border-slate-900"
              title={t.threadList.someoneViewing}
            />
          )}
        </span>
        <span className="min-w-0 flex-1">
          <span className="flex min-w-0 items-center gap-2">
            <span className={`min-w-0 truncate ${unread > 0 ? 'font-semibold' : 'font-medium'}`}>{title}</span>
            {muted && <MutedIcon label={t.notifications.muted} />}
            {waiting.size > 0 && (
              <span
                data-testid="approval-mark"
                className="shrink-0 rounded border border-amber-700 px-1.5 text-xs font-semibold text-amber-900 dark:border-amber-300 dark:text-amber-100"
              >
                {t.threadList.approvalMark}
              </span>
            )}
            {thread.kind === 'public' && (
              <span className="shrink-0 rounded bg-amber-100 px-1.5 text-xs font-medium text-amber-900 dark:bg-amber-900 dark:text-amber-100">
                {t.common.visitorTag}
              </span>
            )}
          </span>
          <OwnershipMarks thread={thread} />
          {thread.visitor && (
            <span className="flex min-w-0">
              <VisitorBadge visitor={thread.visitor} showLabel={visitorLabel(thread.visitor) !== title} />
            </span>
          )}
          <span
            className={`block truncate text-sm ${waiting.size ? 'font-medium text-amber-900 dark:text-amber-200' : typing.length ? 'text-indigo-700 italic dark:text-indigo-300' : 'text-slate-600 dark:text-slate-400'}`}
          >
            {preview}
          </span>
        </span>
        {unread > 0 && (
          <span
            className="mt-1 rounded-full bg-indigo-600 px-2 py-0.5 text-xs font-semibold text-white"
            aria-label={t.threadList.unread(unread)}
          >
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
    </li>
  );
});
