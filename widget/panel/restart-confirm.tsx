import { useEffect, useRef, type KeyboardEvent } from 'react';
import { focusHeaderButton } from './history-focus.ts';
import { RESTART_BUTTON_ID } from './history-ids.ts';
import { historyWords } from './history-words.ts';

interface Props {
  /** The panel's language (`en` or `de`). */
  lang: string;
  /** The server lists earlier conversations: this one can be found again. */
  keeps: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/** 44 px tall (a 20 px line and 12 px above and below): a finger's target on a phone. */
const BUTTON = 'rounded-lg px-4 py-3 text-sm font-semibold';

/**
 * "New conversation" asks first, inline under the header: a small alert dialog whose
 * question and consequence a screen reader reads out, focus on the harmless answer, and
 * Escape as Cancel (not as closing the panel). Loaded on demand (history-ui.ts).
 */
export function RestartConfirm({ lang, keeps, onConfirm, onCancel }: Props) {
  const words = historyWords(lang);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);

  // The question goes; the button that asked it takes the focus back.
  const cancel = () => {
    focusHeaderButton(cancelRef.current, RESTART_BUTTON_ID);
    onCancel();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    cancel();
  };

  return (
    <div
      role="alertdialog"
      aria-labelledby="ama-restart-question"
      aria-describedby="ama-restart-detail"
      onKeyDown={onKeyDown}
      className="mx-3 mt-3 rounded-lg border border-ama-border bg-ama-info-bg p-3 text-sm text-ama-info-text"
    >
      <p id="ama-restart-question" className="font-semibold">
        {words.restartQuestion}
      </p>
      <p id="ama-restart-detail" style={{ marginTop: '4px' }}>
        {keeps ? words.restartKeeps : words.restartClears}
      </p>
      <div className="mt-3 flex gap-2">
        <button
          ref={cancelRef}
          type="button"
          onClick={cancel}
          className={`${BUTTON} border border-ama-border bg-ama-surface text-ama-text hover:bg-ama-hover`}
        >
          {words.cancel}
        </button>
        <button type="button" onClick={onConfirm} className={`${BUTTON} bg-(--accent) text-(--accent-contrast) hover:opacity-90`}>
          {words.restartConfirm}
        </button>
      </div>
    </div>
  );
}
