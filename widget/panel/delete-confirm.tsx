import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { focusHeaderButton } from './history-focus.ts';
import { DELETE_BUTTON_ID } from './history-ids.ts';
import { privacyWords } from './privacy-words.ts';

interface Props {
  /** The panel's language (`en` or `de`). */
  lang: string;
  /** Erases the conversation; false when the server did not (nothing was deleted then). */
  onConfirm(): Promise<boolean>;
  onCancel(): void;
}

/** 44 px tall (a 20 px line and 12 px above and below): a finger's target on a phone. */
const BUTTON = 'rounded-lg px-4 py-3 text-sm font-semibold';

/**
 * "Delete this conversation" asks first, inline under the header (as "New conversation?"
 * does): an alert dialog that says in words what goes (this conversation and everything in
 * it, on the server and on this device, for good), focus on Cancel, Escape as Cancel. A
 * refusal is said in words and nothing is deleted. Loaded on demand (privacy-ui.ts).
 */
export function DeleteConfirm({ lang, onConfirm, onCancel }: Props) {
  const words = privacyWords(lang);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  useEffect(() => cancelRef.current?.focus(), []);

  const cancel = () => {
    focusHeaderButton(cancelRef.current, DELETE_BUTTON_ID);
    onCancel();
  };
  const confirm = () => {
    if (busy) return;
    setBusy(true);
    setFailed(false);
    onConfirm().then(
      (done) => {
        setBusy(false);
        setFailed(!done);
      },
      () => {
        setBusy(false);
        setFailed(true);
      },
    );
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
      aria-labelledby="ama-delete-question"
      aria-describedby="ama-delete-detail"
      onKeyDown={onKeyDown}
      className="mx-3 mt-3 rounded-lg border border-ama-border bg-ama-warn-bg p-3 text-sm text-ama-warn-text"
    >
      <p id="ama-delete-question" className="font-semibold">
        {words.deleteQuestion}
      </p>
      <p id="ama-delete-detail" style={{ marginTop: '4px' }}>
        {words.deleteDetail}
      </p>
      {failed && (
        <p role="alert" style={{ marginTop: '4px' }}>
          {words.deleteFailed}
        </p>
      )}
      <div className="mt-3 flex gap-2">
        <button
          ref={cancelRef}
          type="button"
          onClick={cancel}
          className={`${BUTTON} border border-ama-border bg-ama-surface text-ama-text hover:bg-ama-hover`}
        >
          {words.cancel}
        </button>
        <button
          type="button"
          onClick={confirm}
          disabled={busy}
          className={`${BUTTON} bg-(--accent) text-(--accent-contrast) hover:opacity-90`}
        >
          {busy ? words.deleting : words.deleteConfirm}
        </button>
      </div>
    </div>
  );
}
