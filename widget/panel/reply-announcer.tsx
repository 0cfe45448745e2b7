import { useEffect, useRef, useState } from 'react';
import type { NoticeItem, TimelineItem } from '../../src/core/timeline/timeline-item.ts';
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
  /** What a new event says to the visitor (a person joined, waiting, resolved), or null: not news. */
  noticeText(item: NoticeItem): string | null;
}

/** The log position of what the announcer speaks: messages and notices. */
const seqOf = (item: TimelineItem) => (item.kind === 'message' ? item.message.seq : item.kind === 'notice' ? item.seq : 0);

/**
 * The conversation for screen readers: each committed message from someone else, and each
 * change of who answers (someone joined, waiting for a person, resolved), is announced once,
 * whole, never a streamed reply token by token.
 */
export function ReplyAnnouncer({ items, loaded, selfSenderId, nameOf, strings, noticeText }: Props) {
  const lastSeq = useRef<number | null>(null);
  const [said, setSaid] = useState<{ key: string; text: string }[]>([]);

  useEffect(() => {
    if (!loaded) return;
    const newest = items.reduce((max, item) => Math.max(max, seqOf(item)), 0);
    if (lastSeq.current === null) {
      lastSeq.current = newest;
      return;
    }
    const since = lastSeq.current;
    const fresh = items.flatMap((item) => {
      if (seqOf(item) <= since) return [];
      if (item.kind === 'notice') {
        const text = noticeText(item);
        return text ? [{ key: item.key, text }] : [];
      }
      const message = item.kind === 'message' ? item.message : null;
      if (!message || message.senderId === selfSenderId) return [];
      return [{ key: message.id, text: strings.saidBy(nameOf(message.senderId), message.content.slice(0, SPOKEN_CHARS)) }];
    });
    lastSeq.current = Math.max(since, newest);
    if (fresh.length === 0) return;
    setSaid((previous) => [...previous, ...fresh].slice(-KEPT));
  }, [items, loaded, selfSenderId, nameOf, strings, noticeText]);

  return (
    <div role="log" aria-label={strings.newMessages} aria-live="polite" aria-relevant="additions" className="sr-only">
      {said.map((entry) => (
        <p key={entry.key}>{entry.text}</p>
      ))}
    </div>
  );
}
