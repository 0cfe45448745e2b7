import { useState, type ReactNode } from 'react';
import type { Notice, NoticeAction } from './connection-notice.ts';
import type { PanelStrings } from './i18n.ts';

interface Props {
  notice: Notice | null;
  strings: PanelStrings;
  onAction(action: NoticeAction): void;
  /** Another thing to say in this region (a first message's files a reload lost). */
  children?: ReactNode;
}

const ACTION_LABEL: Record<NoticeAction, (strings: PanelStrings) => string> = {
  retry_now: (strings) => strings.retryNow,
  reconnect: (strings) => strings.tryAgain,
  start_new: (strings) => strings.startNew,
  reload_history: (strings) => strings.tryAgain,
};

/** Keeps the words it was first given: remounted (by key) for each new notice. */
function SpokenOnce({ text }: { text: string }) {
  const [first] = useState(text);
  return <span className="sr-only">{first}</span>;
}

/**
 * What is wrong with the conversation, above the composer. Screen readers hear each notice
 * once, as it first read: a countdown ticking every second would otherwise be read out
 * every second.
 */
export function StatusLine({ notice, strings, onAction, children }: Props) {
  return (
    <div role="status">
      {notice && (
        <div
          className={`flex items-center gap-2 px-3 py-1.5 text-xs ${notice.tone === 'error' ? 'bg-ama-error-bg text-ama-error-text' : 'bg-ama-warn-bg text-ama-warn-text'}`}
        >
          <SpokenOnce key={notice.kind} text={notice.text} />
          <span aria-hidden="true" className="flex-1">
            {notice.text}
          </span>
          {notice.action && (
            <button
              type="button"
              onClick={() => onAction(notice.action!)}
              className="shrink-0 rounded px-2 py-0.5 font-semibold underline underline-offset-2 hover:bg-ama-hover"
            >
              {ACTION_LABEL[notice.action](strings)}
            </button>
          )}
        </div>
      )}
      {children}
    </div>
  );
}
