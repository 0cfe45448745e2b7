import { useEffect, useRef } from 'react';
import type { VisitorThreadSummary } from '../../src/core/protocol/rest-schemas.ts';
import { focusHeaderButton } from './history-focus.ts';
import { EARLIER_BUTTON_ID } from './history-ids.ts';
import { historyWords, relativeDate, statusWord } from './history-words.ts';
import type { PanelStrings } from './i18n.ts';
import { useClock } from './use-clock.ts';

interface Props {
  threads: readonly VisitorThreadSummary[];
  /** The visitor's own sender id: their last message reads "You: …". */
  selfSenderId: string;
  strings: PanelStrings;
  lang: string;
  onOpen(threadId: string): void;
  onBack(): void;
}

/** Every target at least 44 px tall on a phone (two lines and 8 px above and below). */
const ROW_BUTTON = 'flex w-full flex-col gap-0.5 rounded-lg px-3 py-2 text-left hover:bg-ama-hover';

/** Two lines at most (with the class overflow-hidden): inline, as this chunk alone uses it (the panel's stylesheet goes to every visitor). */
const TWO_LINES = { display: '-webkit-box', WebkitBoxOrient: 'vertical', WebkitLineClamp: 2 } as const;

/**
 * "Earlier conversations": the visitor's other conversations with the agent, newest first,
 * each with its last message, when it was and its status; choosing one opens it. Loaded on
 * demand (history-ui.ts), so the chat's download does not carry it.
 */
export function EarlierList({ threads, selfSenderId, strings, lang, onOpen, onBack }: Props) {
  const words = historyWords(lang);
  const now = useClock(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // The list replaced what had the focus: its heading takes it, so a screen reader says where it is.
  useEffect(() => headingRef.current?.focus(), []);
  // The list goes; the button that opened it takes the focus back.
  const back = () => {
    focusHeaderButton(headingRef.current, EARLIER_BUTTON_ID);
    onBack();
  };

  return (
    <section aria-labelledby="ama-earlier-title" className="flex min-h-0 flex-1 flex-col">
      <div className="flex items-center gap-2 px-3 py-2">
        <h3 id="ama-earlier-title" ref={headingRef} tabIndex={-1} className="flex-1 text-sm font-semibold focus:outline-none">
          {strings.earlierConversations}
        </h3>
        <button type="button" onClick={back} className="rounded-lg px-3 py-3 text-sm font-semibold text-ama-text-soft hover:bg-ama-hover">
          {words.back}
        </button>
      </div>
      <ul className="min-h-0 flex-1 overflow-y-auto p-2">
        {threads.map((thread) => {
          const last = thread.last_message;
          const preview = last
            ? last.sender_id === selfSenderId
              ? strings.saidBy(strings.you, last.content)
              : last.content
            : words.noMessages;
          return (
            <li key={thread.id}>
              <button type="button" data-thread-id={thread.id} onClick={() => onOpen(thread.id)} className={ROW_BUTTON}>
                <span className="overflow-hidden text-sm text-ama-text" style={TWO_LINES}>
                  {preview}
                </span>
                <span className="text-xs text-ama-muted">
                  {relativeDate(thread.updated_at, now, lang)} · {statusWord(words, thread.status)}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
