import { useEffect, useRef } from 'react';
import { privacyWords } from './privacy-words.ts';

interface Props {
  lang: string;
  /** `deleted`: the visitor deleted it; `erased`: the website did, while it was open. */
  why: 'deleted' | 'erased';
  onStartNew(): void;
}

/**
 * The calm end of a conversation that no longer exists: what happened, in words (a live
 * region, and the focus on the way on), and a new conversation. Loaded on demand (privacy-ui.ts).
 */
export function ConversationGone({ lang, why, onStartNew }: Props) {
  const words = privacyWords(lang);
  const startRef = useRef<HTMLButtonElement>(null);
  useEffect(() => startRef.current?.focus(), []);
  return (
    <div className="m-auto flex flex-col items-center gap-3 p-4 text-center text-sm text-ama-text-soft">
      <p role="status" data-gone={why}>
        {why === 'deleted' ? words.deleted : words.erasedBySite}
      </p>
      <button
        ref={startRef}
        type="button"
        onClick={onStartNew}
        className="rounded-lg bg-(--accent) px-4 py-3 font-semibold text-(--accent-contrast) hover:opacity-90"
      >
        {words.startNew}
      </button>
    </div>
  );
}
