import { useEffect, useRef, useState } from 'react';
import type { TimelineItem } from '../../src/core/timeline/timeline-item.ts';
import type { PanelStrings } from './i18n.ts';

/** Announcements kept in the live region; older ones are dropped. */
const KEPT = 3;
/** A long reply is announced by its beginning; the whole of it is on screen. */
const SPOKEN_CHARS = 500;

interface Props {
  items: readonly TimelineItem[];
  /** The thread's history is in (synced): what is there now is history, not news. */
  loaded: boolean;
  selfSenderId: string;
  nameOf(senderId: string): string;
  strings: PanelStrings;
}

/**
 * The conversation for screen readers: each committed message from someone else is
 * announced once, whole, never a streamed reply token by token.
 */
export function ReplyAnnouncer({ items, loaded, selfSenderId, nameOf, strings }: Props) {
  const lastSeq = useRef<number | null>(null);
  const [said, setSaid] = useState<{ key: string; text: string }[]>([]);

  useEffect(() => {
    if (!loaded) return;
    const messages = items.flatMap((item) => (item.kind === 'message' ? [item.message] : []));
    const newest = messages.reduce((max, message) => Math.max(max, message.seq), 0);
    if (lastSeq.current === null) {
      lastSeq.current = newest;
      return;
    }
    const since = lastSeq.current;
    const fresh = messages.filter((message) => message.seq > since && message.senderId !== selfSenderId);
    lastSeq.current = Math.max(since, newest);
    if (fresh.length === 0) return;
    setSaid((previous) =>
      [
        ...previous,
        ...fresh.map((message) => ({
          key: message.id,
          text: strings.saidBy(nameOf(message.senderId), message.content.slice(0, SPOKEN_CHARS)),
        })),
      ].slice(-KEPT),
    );
  }, [items, loaded, selfSenderId, nameOf, strings]);

  return (
    <div role="log" aria-label={strings.newMessages} aria-live="polite" aria-relevant="additions" className="sr-only">
      {said.map((entry) => (
        <p key={entry.key}>{entry.text}</p>
      ))}
    </div>
  );
}
