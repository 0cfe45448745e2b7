import { useEffect, useRef, useState } from 'react';
import type { TimelineItem } from '../core/timeline/timeline-item.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { nameOf } from '../threads/thread-title.ts';

/** Announcements kept in the live region; older ones are dropped. */
const KEPT = 3;

/**
 * The message log for screen readers: each committed message from someone else is
 * announced once, whole — never a streamed reply token by token (the streaming bubble is
 * hidden from assistive technology until it commits).
 */
export function ReplyAnnouncer({
  items,
  loaded,
  thread,
  selfSenderId,
}: {
  items: readonly TimelineItem[];
  /** The thread's history is in (loaded and synced): what is there now is history, not news. */
  loaded: boolean;
  thread: InboundThread | undefined;
  selfSenderId: string;
}) {
  const t = useStrings();
  const lastSeq = useRef<number | null>(null);
  const [said, setSaid] = useState<{ key: string; text: string }[]>([]);

  useEffect(() => {
    // While the thread opens, its history arrives page by page: none of that is news.
    if (!loaded) return;
    const messages = items.flatMap((item) => (item.kind === 'message' ? [item.message] : []));
    const newest = messages.at(-1)?.seq ?? 0;
    if (lastSeq.current === null) {
      // What was there when the thread opened is history, not news.
      lastSeq.current = newest;
      return;
    }
    const fresh = messages.filter((message) => message.seq > lastSeq.current! && message.senderId !== selfSenderId);
    lastSeq.current = Math.max(lastSeq.current, newest);
    if (fresh.length === 0) return;
    setSaid((previous) =>
      [
        ...previous,
        ...fresh.map((message) => ({
          key: message.id,
          text: t.thread.said(nameOf(thread, message.senderId, t), message.content.slice(0, 500)),
        })),
      ].slice(-KEPT),
    );
  }, [items, loaded, selfSenderId, thread, t]);

  return (
    <div role="log" aria-label={t.thread.newMessages} aria-live="polite" aria-relevant="additions" className="sr-only">
      {said.map((entry) => (
        <p key={entry.key}>{entry.text}</p>
      ))}
    </div>
  );
}
