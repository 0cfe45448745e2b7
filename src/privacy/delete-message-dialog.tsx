import { useMutation } from '@tanstack/react-query';
import { useId, useRef } from 'react';
import { DANGER_BUTTON, ERROR_TEXT, HINT, SECONDARY_BUTTON } from '../agents/settings-styles.ts';
import { errorText } from '../i18n/error-text.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { usePrivacyStrings } from '../i18n/privacy-strings.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';
import { ModalDialog } from '../ui/modal-dialog.tsx';
import { usePrivacyApi } from './use-privacy-api.ts';

interface Props {
  threadId: string;
  messageId: string;
  /** The user chose Delete (before the server has answered). */
  onConfirm(): void;
  onClose(): void;
}

/**
 * "Delete this message?" (loaded when first asked for). On Delete the server commits
 * `message_deleted`, which reaches every open inbox (this one too) and shows the message as
 * "Message deleted" in place; the dialog then closes and focus goes to that line.
 * Cancel, Esc or a failure keep everything as it was; a failure is said in words.
 */
export function DeleteMessageDialog({ threadId, messageId, onConfirm, onClose }: Props) {
  const t = useStrings();
  const p = usePrivacyStrings();
  const api = usePrivacyApi();
  const cancel = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();
  const remove = useMutation({ mutationFn: () => api.deleteMessage(threadId, messageId), onSuccess: onClose });

  return (
    <ModalDialog
      // Focus starts on Cancel: Enter on a freshly opened dialog must not delete anything.
      focusFirst={() => cancel.current}
      onClose={onClose}
      busy={remove.isPending}
      aria-labelledby={titleId}
      aria-describedby={bodyId}
    >
      <h3 id={titleId} className="text-lg font-semibold">
        {p.deleteMessageTitle}
      </h3>
      <p id={bodyId} className={HINT}>
        {p.deleteMessageBody}
      </p>
      {remove.isError && (
        <p role="alert" className={`mt-3 ${ERROR_TEXT}`}>
          {p.deleteFailed(errorText(remove.error, t))}
        </p>
      )}
      <div className="mt-4 flex flex-wrap justify-end gap-2">
        <button ref={cancel} type="button" className={`${SECONDARY_BUTTON} ${TOUCH_TARGET}`} disabled={remove.isPending} onClick={onClose}>
          {p.cancel}
        </button>
        <button
          type="button"
          className={`${DANGER_BUTTON} ${TOUCH_TARGET}`}
          disabled={remove.isPending}
          aria-busy={remove.isPending}
          onClick={() => {
            onConfirm();
            remove.mutate();
          }}
        >
          {remove.isPending ? p.deleting : p.confirmDelete}
        </button>
      </div>
    </ModalDialog>
  );
}
